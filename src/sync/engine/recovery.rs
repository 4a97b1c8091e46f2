//! After a restart: settle what a crash left half done, and check the database file.

use super::Engine;
use crate::domain::{OrderEvent, OrderState};
use crate::store::{OutboxChange, OutboxStatus, StoreError};

impl Engine {
    /// The full integrity check, off the UI thread. A problem is logged and shown to the admin;
    /// the kiosk keeps working (the file is moved aside at the next start).
    pub(super) fn check_store(&mut self) {
        match self.store.full_check() {
            Ok(None) => log::debug!("database integrity check: ok"),
            Ok(Some(problem)) => {
                self.store_damaged = true;
                log::error!(
                    "database integrity check found a problem ({problem}); the kiosk keeps \
                     running, the next start moves the file aside"
                );
                self.status.update(|s| {
                    s.last_error = Some(format!(
                        "database integrity check: {problem} (restart the kiosk)"
                    ))
                });
            }
            Err(e) => log::warn!("database integrity check could not run: {e}"),
        }
    }

    /// After a crash: an order that was being sent may or may not have arrived (unknown,
    /// to be reconciled); a row that was in flight is pending again.
    pub(super) fn recover(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now();
        for mut order in self.store.orders_in_states(&[OrderState::Sending])? {
            if order.apply(OrderEvent::AnswerLost, now).is_ok() {
                order.reason =
                    Some("the kiosk stopped while sending; checking with the vendor".into());
                self.store.save_transition(
                    &order,
                    OrderState::Sending,
                    Some("recovered after restart"),
                    OutboxChange::None,
                )?;
            }
        }
        for row in self.store.outbox_rows(OutboxStatus::InFlight)? {
            let change = OutboxChange::Retry {
                row: row.id,
                at: now,
                error: "interrupted by a restart".into(),
            };
            self.store.change_outbox(&row.order_id, change, now)?;
        }
        Ok(())
    }
}
