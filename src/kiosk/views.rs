//! Read-only views the UI and the CLI show: the menu of the coming days with what is still
//! open, an employee's orders with what they may still do, the kitchen's service.

use super::{Kiosk, KioskError, Result};
use crate::domain::{Article, Order, OrderState, Window};
use crate::store::OrderFilter;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use std::collections::BTreeMap;

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
}

/// An order with what the employee may still do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub order: Order,
    pub venue_name: String,
    pub can_cancel: bool,
    pub cancel_until: Option<Timestamp>,
}

/// The kitchen's view of one day's service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KitchenView {
    pub day: Option<Date>,
    /// Per dish name: (confirmed, sent or waiting).
    pub counts: Vec<DishCount>,
    pub pickups: Vec<Pickup>,
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
    pub badge: String,
    pub dish: String,
    pub state: OrderState,
    pub reason: Option<String>,
}

impl Kiosk {
    /// The coming days of a venue (today first), with each day's dishes and whether it can
    /// still be ordered — by the same cutoff rule the sync worker applies.
    pub fn menu_view(&self, venue_key: &str) -> Result<Vec<DayView>> {
        let venue = self.venue(venue_key)?;
        let today = self.today(venue);
        let now = self.now();
        let days = self.config().kiosk.days_ahead.max(1) as i64;
        let last = today.checked_add((days - 1).days()).unwrap_or(today);
        let cached: BTreeMap<Date, _> = self
            .store()
            .menu_days(&venue.key, today, last)?
            .into_iter()
            .map(|c| (c.menu.day, c))
            .collect();
        let mut out = Vec::with_capacity(days as usize);
        for i in 0..days {
            let Ok(day) = today.checked_add(i.days()) else {
                break;
            };
            let deadlines = venue
                .rules
                .deadlines(day)
                .map_err(|e| KioskError::Cutoff(e.to_string()))?;
            let menu = cached.get(&day);
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
            out.push(DayView {
                venue: venue.key.clone(),
                day,
                is_today: i == 0,
                serving: Some(deadlines.serving),
                order_until: Some(deadlines.order_until),
                cancel_until: deadlines.cancel_until,
                status,
                dishes,
                fetched_at: menu.map(|c| c.fetched_at),
            });
        }
        Ok(out)
    }

    /// The employee's orders from today on with whether each may still be cancelled.
    pub fn my_order_views(&self, badge: &str) -> Result<Vec<OrderView>> {
        let now = self.now();
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
                order,
            });
        }
        Ok(out)
    }

    /// Counts per dish and the pickup list of one venue's day, from the orders this kiosk
    /// knows of.
    pub fn kitchen_view(&self, venue_key: &str, day: Date) -> Result<KitchenView> {
        let orders = self.store().orders(&OrderFilter {
            venue: Some(venue_key),
            from_day: Some(day),
            to_day: Some(day),
            ..OrderFilter::default()
        })?;
        let mut counts: BTreeMap<String, DishCount> = BTreeMap::new();
        let mut pickups = Vec::with_capacity(orders.len());
        for o in &orders {
            let name = self
                .config()
                .badge(&o.badge)
                .map(|b| b.name.clone())
                .unwrap_or_else(|| format!("badge {}", o.badge));
            for line in &o.lines {
                if o.state.is_live() {
                    let c = counts
                        .entry(line.name.clone())
                        .or_insert_with(|| DishCount {
                            dish: line.name.clone(),
                            confirmed: 0,
                            pending: 0,
                        });
                    if o.state == OrderState::Confirmed {
                        c.confirmed += line.quantity;
                    } else {
                        c.pending += line.quantity;
                    }
                }
                pickups.push(Pickup {
                    order_id: o.id.clone(),
                    name: name.clone(),
                    badge: o.badge.clone(),
                    dish: line.name.clone(),
                    state: o.state,
                    reason: o.reason.clone(),
                });
            }
        }
        pickups.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.dish.cmp(&b.dish))
        });
        Ok(KitchenView {
            day: Some(day),
            counts: counts.into_values().collect(),
            pickups,
        })
    }
}
