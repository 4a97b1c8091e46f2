//! Read-only views the UI and the CLI show: the menu of the coming days with what is still
//! open, an employee's orders with what they may still do, the kitchen's service.

use super::{Kiosk, KioskError, Result};
use crate::config::Venue;
use crate::domain::{Article, CachedMenuDay, DayList, Money, Order, OrderState, Window};
use crate::peers::PeerHeard;
use crate::store::{OrderFilter, OutboxStatus};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Why a day cannot be ordered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClosedReason {
    /// The order cutoff passed.
    CutoffPassed { at: Timestamp },
    /// No menu for that day (weekend, holiday, not published yet).
    NoMenu,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayStatus {
    Open { seconds_left: i64 },
    Closed(ClosedReason),
}

/// One day of a venue's menu as the employee sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayView {
    pub venue: String,
    pub day: Date,
    pub is_today: bool,
    pub serving: Option<Timestamp>,
    pub order_until: Option<Timestamp>,
    pub cancel_until: Option<Timestamp>,
    pub status: DayStatus,
    pub dishes: Vec<Article>,
    /// When the cached menu was fetched (for "menu as of …").
    pub fetched_at: Option<Timestamp>,
    /// Where it came from: "file <path>", or the vendor ("bessa", "demo").
    pub source: Option<String>,
}

/// An order whose outbox row waits for an admin (its status is parked): the order's own state
/// still says queued (or cancel requested), but nothing is sent until an admin retries the
/// row or discards it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    /// The outbox row, for `retry ROW` / `discard ROW`.
    pub row: i64,
    /// Its last error, in words.
    pub reason: String,
}

/// An order with what the employee may still do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub order: Order,
    pub venue_name: String,
    pub can_cancel: bool,
    pub cancel_until: Option<Timestamp>,
    /// Set while the order's outbox row is parked.
    pub parked: Option<Parked>,
    /// The peer kiosk's name for an order placed there (shown read-only: it is cancelled
    /// there).
    pub placed_at: Option<String>,
}

/// The kitchen's view of one day's service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KitchenView {
    pub day: Option<Date>,
    /// Per dish name: (confirmed, sent or waiting).
    pub counts: Vec<DishCount>,
    pub pickups: Vec<Pickup>,
    /// Where the list comes from (the view says so).
    pub source: KitchenSource,
    /// The peer kiosks whose orders are merged in (`[peers] from`), and when each was heard.
    pub peers: Vec<PeerHeard>,
}

/// Where a kitchen view's orders come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KitchenSource {
    /// Only the orders this kiosk knows of (its vendor has no list of all orders, or the list
    /// was not fetched yet).
    #[default]
    ThisKiosk,
    /// The vendor's list of all the venue's orders as of `fetched_at`, merged with this
    /// kiosk's own (whose state the kiosk may know more recently). `complete` is false when the
    /// vendor had more orders than the kiosk reads.
    Vendor {
        fetched_at: Timestamp,
        complete: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DishCount {
    pub dish: String,
    pub confirmed: u32,
    pub pending: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pickup {
    pub order_id: String,
    pub name: String,
    /// "" for an order placed elsewhere (from the vendor's list).
    pub badge: String,
    pub dish: String,
    pub quantity: u32,
    /// The line's total where known.
    pub price: Option<Money>,
    pub state: OrderState,
    pub reason: Option<String>,
    /// Set while the order's outbox row is parked (the kiosk's own orders; a peer's says
    /// parked in its state word).
    pub parked: Option<Parked>,
    /// The peer kiosk's name for an order placed there.
    pub placed_at: Option<String>,
}

impl Parked {
    /// How an order's state is shown to a person or a script: "parked" while its outbox row
    /// is parked (the order's own state would say "queued"), else the state's word.
    pub fn state_word(parked: Option<&Parked>, state: OrderState) -> &'static str {
        match parked {
            Some(_) => "parked",
            None => state.as_str(),
        }
    }

    /// The reason shown with it: the parked row's error, else the order's own reason.
    pub fn reason<'a>(parked: Option<&'a Parked>, reason: Option<&'a str>) -> Option<&'a str> {
        parked.map(|p| p.reason.as_str()).or(reason)
    }
}

impl Kiosk {
    /// The orders whose outbox row is parked, by order id (an order has at most one live
    /// row; were there two, the newer one counts).
    pub fn parked_orders(&self) -> Result<HashMap<String, Parked>> {
        Ok(self
            .store()
            .outbox_rows(OutboxStatus::Parked)?
            .into_iter()
            .map(|r| {
                let reason = r
                    .last_error
                    .unwrap_or_else(|| "waiting for an admin".to_string());
                (r.order_id, Parked { row: r.id, reason })
            })
            .collect())
    }

    /// The coming days of a venue (today first, `[kiosk] days_ahead` of them), with each
    /// day's dishes and whether it can still be ordered — by the same cutoff rule the sync
    /// worker applies.
    pub fn menu_view(&self, venue_key: &str) -> Result<Vec<DayView>> {
        self.menu_view_upto(venue_key, u32::MAX)
    }

    /// The first `most` days of [`Kiosk::menu_view`] (the idle screen's today, the day
    /// menu's tabs), reading no more of the store than those.
    pub fn menu_view_upto(&self, venue_key: &str, most: u32) -> Result<Vec<DayView>> {
        let venue = self.venue(venue_key)?;
        let today = self.today(venue);
        let days = self.config().kiosk.days_ahead.clamp(1, most.max(1)) as i64;
        let dates = (0..days).map_while(|i| today.checked_add(i.days()).ok());
        self.day_views(venue, dates)
    }

    /// Each of `dates` (ascending) of a venue as the employee sees it: its cached menu, its
    /// deadlines and whether it can still be ordered. The menu and the week share it.
    pub(super) fn day_views(
        &self,
        venue: &Venue,
        dates: impl IntoIterator<Item = Date>,
    ) -> Result<Vec<DayView>> {
        let dates: Vec<Date> = dates.into_iter().collect();
        let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
            return Ok(Vec::new());
        };
        let cached: BTreeMap<Date, CachedMenuDay> = self
            .store()
            .menu_days(&venue.key, first, last)?
            .into_iter()
            .map(|c| (c.menu.day, c))
            .collect();
        let (today, now) = (self.today(venue), self.now());
        dates
            .into_iter()
            .map(|day| day_view(venue, day, today, now, cached.get(&day)))
            .collect()
    }

    /// The employee's orders from today on with whether each may still be cancelled.
    pub fn my_order_views(&self, badge: &str) -> Result<Vec<OrderView>> {
        let now = self.now();
        let mut parked = self.parked_orders()?;
        let mut out = Vec::new();
        for order in self.my_orders(badge)? {
            let venue = self.venue(&order.venue)?;
            let d = venue
                .rules
                .deadlines(order.day)
                .map_err(|e| KioskError::Cutoff(e.to_string()))?;
            let can_cancel = order.state.can_cancel() && d.cancel_window(now).is_open();
            out.push(OrderView {
                venue_name: venue.name.clone(),
                can_cancel,
                cancel_until: d.cancel_until,
                parked: parked.remove(&order.id),
                placed_at: None,
                order,
            });
        }
        out.extend(self.peer_order_views(badge)?);
        Ok(out)
    }

    /// Counts per dish and the pickup list of one venue's day: the vendor's list of all
    /// orders where it has one (fetched by the sync worker), merged with the orders this kiosk
    /// knows of; otherwise this kiosk's orders alone.
    pub fn kitchen_view(&self, venue_key: &str, day: Date) -> Result<KitchenView> {
        let own = self.store().orders(&OrderFilter {
            venue: Some(venue_key),
            from_day: Some(day),
            to_day: Some(day),
            ..OrderFilter::default()
        })?;
        let list = self.store().day_list(venue_key, day)?;
        let parked = self.parked_orders()?;
        let mut pickups: Vec<Pickup> = own
            .iter()
            .flat_map(|o| self.own_pickups(o, parked.get(&o.id)))
            .collect();
        // Each order once: the kiosk's own first, then its peers', then the vendor's list.
        let mut shown: HashSet<String> = own.iter().map(|o| o.id.clone()).collect();
        for p in self.peer_pickups(venue_key, day)? {
            if !shown.contains(&p.order_id) {
                pickups.push(p);
            }
        }
        shown.extend(pickups.iter().map(|p| p.order_id.clone()));
        let source = match list {
            None => KitchenSource::ThisKiosk,
            Some(list) => {
                pickups.extend(listed_pickups(&list, &shown));
                KitchenSource::Vendor {
                    fetched_at: list.fetched_at,
                    complete: list.complete,
                }
            }
        };
        pickups.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.dish.cmp(&b.dish))
        });
        Ok(KitchenView {
            day: Some(day),
            counts: dish_counts(&pickups),
            pickups,
            source,
            peers: self.peers_heard()?,
        })
    }

    /// One pickup row per line of an order of this kiosk, named from the roster.
    pub(crate) fn own_pickups<'a>(
        &self,
        o: &'a Order,
        parked: Option<&Parked>,
    ) -> impl Iterator<Item = Pickup> + 'a {
        let parked = parked.cloned();
        let name = self
            .config()
            .badge(&o.badge)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| format!("badge {}", o.badge));
        o.lines.iter().map(move |line| Pickup {
            order_id: o.id.clone(),
            name: name.clone(),
            badge: o.badge.clone(),
            dish: line.name.clone(),
            quantity: line.quantity,
            price: Some(line.total()),
            state: o.state,
            reason: o.reason.clone(),
            parked: parked.clone(),
            placed_at: None,
        })
    }
}

/// One day of a venue at `now`: closed without a menu or past its order cutoff.
fn day_view(
    venue: &Venue,
    day: Date,
    today: Date,
    now: Timestamp,
    menu: Option<&CachedMenuDay>,
) -> Result<DayView> {
    let deadlines = venue
        .rules
        .deadlines(day)
        .map_err(|e| KioskError::Cutoff(e.to_string()))?;
    let dishes = menu.map(|c| c.menu.articles.clone()).unwrap_or_default();
    let status = if dishes.is_empty() {
        DayStatus::Closed(ClosedReason::NoMenu)
    } else {
        match deadlines.order_window(now) {
            Window::Open { seconds_left } => DayStatus::Open { seconds_left },
            Window::Closed => DayStatus::Closed(ClosedReason::CutoffPassed {
                at: deadlines.order_until,
            }),
        }
    };
    Ok(DayView {
        venue: venue.key.clone(),
        day,
        is_today: day == today,
        serving: Some(deadlines.serving),
        order_until: Some(deadlines.order_until),
        cancel_until: deadlines.cancel_until,
        status,
        dishes,
        fetched_at: menu.map(|c| c.fetched_at),
        source: menu.map(|c| c.source.clone()),
    })
}

/// The rows of a vendor's list that are not shown already: the kiosk's own orders and its
/// peers' are shown from the kiosks' stores, whose state may be newer.
fn listed_pickups<'a>(
    list: &'a DayList,
    shown: &'a HashSet<String>,
) -> impl Iterator<Item = Pickup> + 'a {
    list.orders
        .iter()
        .filter(|l| !shown.contains(&l.ref_id))
        .flat_map(|l| {
            l.lines.iter().map(move |line| Pickup {
                order_id: l.ref_id.clone(),
                name: l.customer.clone(),
                badge: String::new(),
                dish: line.name.clone(),
                quantity: line.quantity,
                price: line
                    .unit_price
                    .and_then(|p| p.checked_mul_qty(line.quantity)),
                state: l.state,
                reason: l.reason.clone(),
                parked: None,
                placed_at: None,
            })
        })
}

/// Counts per dish of the live orders: confirmed, and sent or still waiting.
fn dish_counts(pickups: &[Pickup]) -> Vec<DishCount> {
    let mut counts: BTreeMap<String, DishCount> = BTreeMap::new();
    for p in pickups.iter().filter(|p| p.state.is_live()) {
        let c = counts.entry(p.dish.clone()).or_insert_with(|| DishCount {
            dish: p.dish.clone(),
            confirmed: 0,
            pending: 0,
        });
        if p.state == OrderState::Confirmed {
            c.confirmed += p.quantity;
        } else {
            c.pending += p.quantity;
        }
    }
    counts.into_values().collect()
}
