//! Cancel rows of the outbox: ask the vendor to cancel an order it accepted, unless the
//! cancel cutoff passed first.

use super::plan::{self, Gate};
use super::{Engine, StepReport};
use crate::domain::{Order, OrderEvent, OrderState, Window};
use crate::store::{OutboxChange, OutboxRow, StoreError};
use crate::vendors::{RemoteState, VendorError};

impl Engine {
    pub(super) fn process_cancel(
        &mut self,
        row: OutboxRow,
        mut order: Order,
        report: &mut StepReport,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        if order.state != OrderState::CancelRequested {
            return self
                .store
                .change_outbox(&order.id, OutboxChange::Done { row: row.id }, now);
        }
        let Some(venue) = self.config.venue(&order.venue).cloned() else {
            return self.park(&row, &order, "venue no longer in the config");
        };
        let back_to = order.state_to_restore_after_cancel();
        // Deadlines that cannot be worked out do not stop a cancel: the vendor decides.
        let deadlines = venue.rules.deadlines(order.day).ok();
        let passed = deadlines
            .as_ref()
            .is_some_and(|d| d.cancel_window(now) == Window::Closed);
        let cutoff = deadlines.and_then(|d| d.cancel_until);
        let backed_off = self.venue_backed_off(&venue.key, now);
        match plan::gate(report.clock_doubt.is_none(), passed, backed_off) {
            Gate::Closed => {
                order.apply(OrderEvent::CancelRefused { back_to }, now).ok();
                order.reason = Some(match cutoff {
                    Some(t) => format!(
                        "cancelling closed at {t} before the kiosk could reach the canteen; the order stands"
                    ),
                    None => "this canteen does not allow cancelling; the order stands".into(),
                });
                self.store.save_transition(
                    &order,
                    OrderState::CancelRequested,
                    Some("cancel cutoff passed"),
                    OutboxChange::Done { row: row.id },
                )?;
                report.rejected += 1;
                return Ok(());
            }
            Gate::Wait => return Ok(()),
            Gate::Send => {}
        }
        let badge = self.badge_of(&order);
        self.store
            .change_outbox(&order.id, OutboxChange::InFlight { row: row.id }, now)?;
        let result = self.call_vendor(&venue.key, |v| {
            // A cancel that may have arrived before a crash or timeout: look first.
            let already = if row.attempts > 0 {
                v.order_status(&order, &badge).ok().flatten()
            } else {
                None
            };
            match already {
                Some(r) if r.state == RemoteState::Cancelled => Ok(r),
                _ => v.cancel_order(&order, &badge),
            }
        });
        let now = self.clock.now();
        match result {
            Ok(remote) => {
                self.vendor_ok(&venue.key);
                order
                    .apply(OrderEvent::CancelConfirmed, now)
                    .expect("cancel requested → cancelled");
                plan::absorb_remote(&mut order, &remote);
                self.store.save_transition(
                    &order,
                    OrderState::CancelRequested,
                    Some("cancelled at the vendor"),
                    OutboxChange::Done { row: row.id },
                )?;
                report.cancelled += 1;
            }
            Err(VendorError::Rejected(msgs)) => {
                self.vendor_ok(&venue.key);
                order.apply(OrderEvent::CancelRefused { back_to }, now).ok();
                order.reason = Some(format!("cancellation refused: {}", msgs.join("; ")));
                self.store.save_transition(
                    &order,
                    OrderState::CancelRequested,
                    Some("cancel refused by the vendor"),
                    OutboxChange::Done { row: row.id },
                )?;
                report.rejected += 1;
            }
            Err(e) => {
                self.vendor_failed(&venue.key, &e);
                let attempts = row.attempts + 1;
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), cutoff);
                let change = plan::after_failure(&self.policy, row.id, attempts, at, &e);
                report.count_failure(&change);
                self.store.change_outbox(&order.id, change, now)?;
            }
        }
        Ok(())
    }
}
