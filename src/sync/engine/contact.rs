//! Vendor contact: calling a venue's vendor, noting how it went, and leaving a vendor that
//! cannot be reached alone for a growing while.

use super::Engine;
use super::plan;
use super::poll_times::PollTimes;
use crate::config::{Badge, Role, Venue};
use crate::domain::Order;
use crate::vendors::{Vendor, VendorError};
use jiff::Timestamp;

impl Engine {
    /// Calls the vendor of `venue` (timed for the metrics); a venue without a connection is
    /// a config error.
    pub(super) fn call_vendor<T>(
        &mut self,
        venue: &str,
        call: impl FnOnce(&mut dyn Vendor) -> Result<T, VendorError>,
    ) -> Result<T, VendorError> {
        match self.vendors.get_mut(venue) {
            Some(v) => self.metrics.time_vendor_call(venue, || call(v.as_mut())),
            None => Err(VendorError::Config(format!(
                "no vendor connection for venue {venue}"
            ))),
        }
    }

    /// The venues whose next time in `schedule` has come (or that have none yet) and that are
    /// not backed off.
    pub(super) fn due_venues(&self, schedule: &PollTimes, now: Timestamp) -> Vec<Venue> {
        self.config
            .venues
            .iter()
            .filter(|v| plan::due(schedule.get(&v.key), now) && !self.venue_backed_off(&v.key, now))
            .cloned()
            .collect()
    }

    pub(super) fn venue_backed_off(&self, venue: &str, now: Timestamp) -> bool {
        self.venue_backoff.get(venue).is_some_and(|b| b.until > now)
    }

    /// The badge an order was placed with; one no longer in the config is named by its number.
    pub(super) fn badge_of(&self, order: &Order) -> Badge {
        self.config
            .badge(&order.badge)
            .cloned()
            .unwrap_or_else(|| Badge {
                number: order.badge.clone(),
                name: format!("badge {}", order.badge),
                email: None,
                employee_number: None,
                role: Role::Employee,
            })
    }

    pub(super) fn vendor_ok(&mut self, venue: &str) {
        self.venue_backoff.remove(venue);
        // Written once per pass (`flush_contacts`): a write per call would cost an fsync per
        // order sent.
        self.contact_ok.insert(venue.to_string(), self.clock.now());
    }

    /// Records each venue's last successful contact of this pass.
    pub(super) fn flush_contacts(&mut self) {
        for (venue, at) in std::mem::take(&mut self.contact_ok) {
            if let Err(e) = self.store.record_vendor_ok(&venue, at) {
                log::warn!("could not record vendor contact: {e}");
            }
        }
    }

    /// Notes a failed call; an unreachable vendor is left alone for a growing while.
    pub(super) fn vendor_failed(&mut self, venue: &str, e: &VendorError) {
        let now = self.clock.now();
        log::warn!("vendor of {venue}: {e}");
        if let Err(se) = self.store.record_vendor_error(venue, &e.to_string(), now) {
            log::warn!("could not record vendor error: {se}");
        }
        self.status
            .update(|s| s.last_error = Some(format!("{venue}: {e}")));
        let previous = self.venue_backoff.get(venue).copied();
        if let Some(b) = self.policy.venue_backoff(previous, e, now, fastrand::f64()) {
            self.venue_backoff.insert(venue.to_string(), b);
        }
    }
}
