//! The orders of the canteen's other kiosks (`[peers] from`) in this kiosk's views, as their
//! feeds last gave them (the peer readers keep them in the store): the kitchen's pickup list
//! and an employee's own orders, read-only.

use super::views::{OrderView, Pickup};
use super::{Kiosk, Result};
use crate::config::Badge;
use crate::domain::Money;
use crate::peers::PeerHeard;
use crate::peers::wire::{FeedOrder, badge_key};
use crate::store::PeerRow;
use jiff::civil::Date;
use std::collections::HashMap;

impl Kiosk {
    /// Every configured peer with when it was last heard from.
    pub fn peers_heard(&self) -> Result<Vec<PeerHeard>> {
        let Some(peers) = &self.config().peers else {
            return Ok(Vec::new());
        };
        let known: HashMap<String, _> = self
            .store()
            .peer_statuses()?
            .into_iter()
            .map(|s| (s.peer.clone(), s))
            .collect();
        let now = self.now();
        Ok(peers
            .from
            .iter()
            .map(|url| PeerHeard::of(url, known.get(url), now))
            .collect())
    }

    /// One pickup row per line of the peers' orders of a venue's day.
    pub(crate) fn peer_pickups(&self, venue: &str, day: Date) -> Result<Vec<Pickup>> {
        let names = self.peer_names()?;
        let rows = self.store().peer_orders_of_day(venue, day)?;
        Ok(readable(self.of_configured_peers(rows))
            .flat_map(|(row, order)| {
                let placed_at = names.get(&row.peer).cloned();
                let state = order.state();
                let word_parked = order.parked;
                order.lines.into_iter().map(move |line| Pickup {
                    order_id: order.id.clone(),
                    name: order.employee.clone(),
                    badge: String::new(),
                    dish: line.dish,
                    quantity: line.quantity,
                    price: Money::from_cents(line.unit_price_cents).checked_mul_qty(line.quantity),
                    state,
                    reason: match word_parked {
                        true => Some(parked_there(placed_at.as_deref())),
                        false => order.reason.clone(),
                    },
                    parked: None,
                    placed_at: placed_at.clone(),
                })
            })
            .collect())
    }

    /// The employee's orders placed at peer kiosks, from today on (read-only here).
    pub fn peer_order_views(&self, badge: &str) -> Result<Vec<OrderView>> {
        let Some(peers) = &self.config().peers else {
            return Ok(Vec::new());
        };
        let today = self.config().venues.iter().map(|v| self.today(v)).min();
        let Some(today) = today else {
            return Ok(Vec::new());
        };
        let names = self.peer_names()?;
        let rows = self
            .store()
            .peer_orders_of_badge(&badge_key(&peers.token, badge), today)?;
        let mut out = Vec::new();
        for (row, feed) in readable(self.of_configured_peers(rows)) {
            let Ok(venue) = self.venue(&feed.venue) else {
                continue;
            };
            let cancel_until = venue
                .rules
                .deadlines(feed.day)
                .ok()
                .and_then(|d| d.cancel_until);
            out.push(OrderView {
                order: feed.to_order(badge),
                venue_name: venue.name.clone(),
                can_cancel: false,
                cancel_until,
                parked: None,
                placed_at: Some(names.get(&row.peer).cloned().unwrap_or(row.peer)),
            });
        }
        Ok(out)
    }

    /// Where an order of this employee that is not in this kiosk's store was placed, when a
    /// peer's feed has it.
    pub(crate) fn peer_order_place(&self, badge: &Badge, order_id: &str) -> Result<Option<String>> {
        Ok(self
            .peer_order_views(&badge.number)?
            .into_iter()
            .find(|v| v.order.id == order_id)
            .and_then(|v| v.placed_at))
    }

    /// The rows of peers the config names (a peer taken out of `from` is forgotten when the
    /// kiosk restarts; until then it is not shown).
    fn of_configured_peers(&self, mut rows: Vec<PeerRow>) -> Vec<PeerRow> {
        let from = self
            .config()
            .peers
            .as_ref()
            .map(|p| p.from.as_slice())
            .unwrap_or(&[]);
        rows.retain(|r| from.contains(&r.peer));
        rows
    }

    /// Each peer's kiosk name as it last said, by URL.
    fn peer_names(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .peers_heard()?
            .into_iter()
            .map(|p| (p.url, p.name))
            .collect())
    }
}

/// The rows whose body reads as a feed order; another is logged and left out.
fn readable(rows: Vec<PeerRow>) -> impl Iterator<Item = (PeerRow, FeedOrder)> {
    rows.into_iter()
        .filter_map(|row| match serde_json::from_str::<FeedOrder>(&row.body) {
            Ok(order) => Some((row, order)),
            Err(e) => {
                log::error!(
                    "a peer's order {} cannot be read and is left out: {e}",
                    row.id
                );
                None
            }
        })
}

fn parked_there(peer: Option<&str>) -> String {
    format!(
        "waiting for an admin at {}",
        peer.unwrap_or("the kiosk where it was placed")
    )
}
