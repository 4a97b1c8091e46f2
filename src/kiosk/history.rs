//! "What I ordered this month": an employee's orders kept at this kiosk, by month, with what
//! payroll deducts (the rules are `domain::history`'s).

use super::{Kiosk, KioskError, Result};
use crate::config::Badge;
use crate::domain::history::{Month, by_month};
use crate::store::OrderFilter;

impl Kiosk {
    /// The badge's orders by month (by the order's day in its venue's zone), newest month
    /// first, each with its totals per currency. Every order the store keeps counts (the
    /// retention period, `[kiosk] retention_days`, bounds how far back); orders placed at
    /// another kiosk of the canteen are in that kiosk's history.
    pub fn orders_by_month(&self, badge: &Badge) -> Result<Vec<Month>> {
        self.known_badge(badge)?;
        let orders = self.store().orders(&OrderFilter {
            badge: Some(&badge.number),
            ..OrderFilter::default()
        })?;
        let currency = |o: &crate::domain::Order| {
            self.config()
                .venue(&o.venue)
                .map(|v| v.currency.clone())
                .unwrap_or_default()
        };
        Ok(by_month(orders, currency))
    }

    /// A badge of the config (the session's badge may have been taken out by a reload).
    pub(crate) fn known_badge(&self, badge: &Badge) -> Result<()> {
        match self.config().badge(&badge.number) {
            Some(_) => Ok(()),
            None => Err(KioskError::UnknownBadge),
        }
    }
}
