//! Polling: the state of sent orders, no more often than each vendor allows, and the
//! venues' full order lists for the kitchen view.

use super::plan;
use super::{Engine, StepReport};
use crate::config::{Mode, Role};
use crate::domain::Order;
use crate::store::{OrderFilter, StoreError};
use crate::vendors::RemoteUpdate;
use jiff::{Timestamp, ToSpan};
use std::collections::HashSet;

impl Engine {
    /// Polls the state of sent orders, no more often than each vendor allows.
    pub(super) fn poll_states(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        let now = self.clock.now();
        // Only orders served from yesterday on are worth asking about (an indexed query).
        let since = self
            .config
            .venues
            .iter()
            .map(|v| v.rules.local_date(now))
            .min();
        let live = self.store.orders(&OrderFilter {
            from_day: since.and_then(|d| d.checked_sub(1.days()).ok()),
            states: Some(&plan::POLLED_STATES),
            ..Default::default()
        })?;
        // Forget the poll times of orders that are no longer polled (the map would grow by
        // every order the kiosk ever sent).
        let live_ids: HashSet<&str> = live.iter().map(|o| o.id.as_str()).collect();
        self.last_status_poll.retain(|id| live_ids.contains(id));
        let venues: Vec<String> = self.config.venues.iter().map(|v| v.key.clone()).collect();
        for venue in venues {
            if self.venue_backed_off(&venue, now) {
                continue;
            }
            let Some(vendor) = self.vendors.get_mut(&venue) else {
                continue;
            };
            let interval = plan::status_interval(vendor.min_status_interval());
            let mine: Vec<Order> = live
                .iter()
                .filter(|o| o.venue == venue && plan::worth_polling(o, now))
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            if plan::due(self.next_bulk_poll.get(&venue), now) {
                self.next_bulk_poll
                    .insert(&venue, now.checked_add(interval).unwrap_or(now));
                let vendor = self.vendors.get_mut(&venue).expect("checked");
                let result = self
                    .metrics
                    .time_vendor_call(&venue, || vendor.poll_updates(&mine));
                match result {
                    Ok(updates) => {
                        self.vendor_ok(&venue);
                        for u in updates {
                            if self.apply_update(&u, &venue)? {
                                report.states_updated += 1;
                            }
                        }
                    }
                    Err(e) => self.vendor_failed(&venue, &e),
                }
            }
            for order in mine {
                if !plan::status_poll_due(self.last_status_poll.get(&order.id), interval, now) {
                    continue;
                }
                self.last_status_poll.insert(&order.id, now);
                let badge = self.badge_of(&order);
                let vendor = self.vendors.get_mut(&venue).expect("checked");
                let result = self
                    .metrics
                    .time_vendor_call(&venue, || vendor.order_status(&order, &badge));
                match result {
                    Ok(Some(remote)) => {
                        self.vendor_ok(&venue);
                        let current = self.store.order(&order.id)?.unwrap_or(order);
                        if self.apply_remote_state(current, &remote)? {
                            report.states_updated += 1;
                        }
                    }
                    Ok(None) => {}
                    Err(e) => {
                        self.vendor_failed(&venue, &e);
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a kitchen display can be shown here (kitchen mode or a kitchen badge): only
    /// then are the vendors' order lists worth fetching.
    fn serves_kitchen(&self) -> bool {
        self.config.kiosk.mode == Mode::Kitchen
            || self.config.badges.iter().any(|b| b.role == Role::Kitchen)
    }

    /// Fetches each venue's full order list where the vendor has one (Liefersoft), for the
    /// kitchen view: from yesterday to the last menu day, no more often than the vendor's
    /// status interval. The same list updates the kiosk's own sent orders, so the bulk status
    /// poll of that venue is skipped for the interval.
    pub(super) fn refresh_venue_lists(
        &mut self,
        report: &mut StepReport,
    ) -> Result<(), StoreError> {
        if !self.serves_kitchen() {
            return Ok(());
        }
        let now = self.clock.now();
        for venue in self.due_venues(&self.next_list_refresh, now) {
            let Some(vendor) = self.vendors.get_mut(&venue.key) else {
                continue;
            };
            let interval = plan::status_interval(vendor.min_status_interval());
            let next = now.checked_add(interval).unwrap_or(now);
            let today = venue.rules.local_date(now);
            let days = plan::list_days(today, self.config.kiosk.days_ahead);
            let result = self
                .metrics
                .time_vendor_call(&venue.key, || vendor.venue_orders(&days));
            match result {
                Ok(None) => {
                    // No list at this vendor: never ask again (until a reload).
                    self.next_list_refresh.insert(&venue.key, Timestamp::MAX);
                }
                Ok(Some(list)) => {
                    self.next_list_refresh.insert(&venue.key, next);
                    self.next_bulk_poll.insert(&venue.key, next);
                    self.vendor_ok(&venue.key);
                    let keep_from = today.checked_sub(7.days()).unwrap_or(today);
                    self.store.put_day_lists(
                        &venue.key,
                        &days,
                        &list.orders,
                        now,
                        list.complete,
                        keep_from,
                    )?;
                    report.lists_refreshed += 1;
                    report.states_updated += self.apply_own_updates(&venue.key, &list.updates)?;
                }
                Err(e) => {
                    self.next_list_refresh.insert(&venue.key, next);
                    log::warn!("order list of {} not fetched: {e}", venue.key);
                    self.vendor_failed(&venue.key, &e);
                }
            }
        }
        Ok(())
    }

    /// Applies a list's updates to the kiosk's own orders that are sent or confirmed (the
    /// states a status poll asks about); everything else in the list is other people's.
    fn apply_own_updates(
        &mut self,
        venue: &str,
        updates: &[RemoteUpdate],
    ) -> Result<u32, StoreError> {
        let mut changed = 0;
        for u in updates {
            let Some(id) = &u.order_id else { continue };
            let Some(order) = self.store.order(id)? else {
                continue;
            };
            if order.venue == venue
                && plan::POLLED_STATES.contains(&order.state)
                && self.apply_remote_state(order, &u.remote)?
            {
                changed += 1;
            }
        }
        Ok(changed)
    }
}
