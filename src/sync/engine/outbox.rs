//! The outbox: send queued orders, reconcile those whose create got no answer, expire those
//! whose cutoff passed, retry or park what failed. Cancel rows are in `cancel`.

use super::plan::{self, Gate};
use super::{Engine, StepReport};
use crate::config::Venue;
use crate::domain::{Order, OrderEvent, OrderState, Window};
use crate::metrics::SendOutcome;
use crate::store::{OutboxChange, OutboxKind, OutboxRow, OutboxStatus, StoreError};
use crate::vendors::VendorError;
use jiff::Timestamp;

impl Engine {
    /// Queued orders whose order cutoff passed are never sent: they expire (this also settles
    /// parked rows of such orders).
    pub(super) fn expire_overdue(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        let now = self.clock.now();
        for order in self.store.orders_in_states(&[OrderState::Queued])? {
            let Some(venue) = self.config.venue(&order.venue) else {
                continue;
            };
            let Ok(d) = venue.rules.deadlines(order.day) else {
                continue;
            };
            if d.order_window(now) == Window::Closed {
                let rows = self.open_rows(&order.id)?;
                self.expire(order, d.order_until, rows.first().map(|r| r.id))?;
                for extra in rows.iter().skip(1) {
                    self.store.change_outbox(
                        &extra.order_id,
                        OutboxChange::Done { row: extra.id },
                        now,
                    )?;
                }
                report.expired += 1;
            }
        }
        Ok(())
    }

    fn open_rows(&self, order_id: &str) -> Result<Vec<OutboxRow>, StoreError> {
        let mut rows = self.store.outbox_rows_of(order_id, OutboxStatus::Pending)?;
        rows.extend(self.store.outbox_rows_of(order_id, OutboxStatus::Parked)?);
        rows.retain(|r| r.kind == OutboxKind::Place);
        Ok(rows)
    }

    fn expire(
        &mut self,
        mut order: Order,
        closed_at: Timestamp,
        row: Option<i64>,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        let from = order.state;
        if order.apply(OrderEvent::CutoffPassed, now).is_err() {
            return Ok(());
        }
        order.reason = Some(format!(
            "ordering closed at {closed_at} before the kiosk could send the order"
        ));
        let change = row.map_or(OutboxChange::None, |row| OutboxChange::Done { row });
        self.store
            .save_transition(&order, from, Some("order cutoff passed"), change)?;
        Ok(())
    }

    /// Works through the due outbox rows in the order they were made.
    pub(super) fn drain(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        let now = self.clock.now();
        for row in self.store.due_outbox(now, 500)? {
            let order = match self.store.order(&row.order_id) {
                Ok(order) => order,
                // A damaged row stops nothing but its own order.
                Err(e) if !e.is_transient() => {
                    self.store
                        .park_rows_of_unreadable_order(&row.order_id, &e.to_string())?;
                    report.parked += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let Some(order) = order else {
                log::error!(
                    "outbox row {} names a missing order {}",
                    row.id,
                    row.order_id
                );
                self.store.change_outbox(
                    &row.order_id,
                    OutboxChange::Park {
                        row: row.id,
                        error: "order missing".into(),
                    },
                    now,
                )?;
                continue;
            };
            match row.kind {
                OutboxKind::Place => self.process_place(row, order, report)?,
                OutboxKind::Cancel => self.process_cancel(row, order, report)?,
            }
        }
        Ok(())
    }

    fn process_place(
        &mut self,
        row: OutboxRow,
        order: Order,
        report: &mut StepReport,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        match order.state {
            OrderState::Unknown => self.reconcile(row, order, report),
            OrderState::Queued => {
                let Some(venue) = self.config.venue(&order.venue).cloned() else {
                    return self.park(
                        &row,
                        &order,
                        &format!("venue {:?} is no longer in the config", order.venue),
                    );
                };
                let deadlines = match venue.rules.deadlines(order.day) {
                    Ok(d) => d,
                    Err(e) => return self.park(&row, &order, &e.to_string()),
                };
                let passed = deadlines.order_window(now) == Window::Closed;
                let backed_off = self.venue_backed_off(&venue.key, now);
                match plan::gate(report.clock_doubt.is_none(), passed, backed_off) {
                    Gate::Closed => {
                        report.expired += 1;
                        self.expire(order, deadlines.order_until, Some(row.id))
                    }
                    Gate::Wait => Ok(()),
                    Gate::Send => self.send(row, order, &venue, deadlines.order_until, report),
                }
            }
            // Nothing left to send (cancelled while queued, already sent by another path).
            _ => self
                .store
                .change_outbox(&order.id, OutboxChange::Done { row: row.id }, now),
        }
    }

    /// Sends a queued order. The order is marked as sending and the row as in flight in one
    /// transaction *before* the request, so a crash mid-request is recovered as unknown.
    fn send(
        &mut self,
        row: OutboxRow,
        mut order: Order,
        venue: &Venue,
        cutoff: Timestamp,
        report: &mut StepReport,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        order
            .apply(OrderEvent::SendStarted, now)
            .expect("queued → sending");
        if !self.store.save_transition(
            &order,
            OrderState::Queued,
            None,
            OutboxChange::InFlight { row: row.id },
        )? {
            return Ok(());
        }
        let badge = self.badge_of(&order);
        let result = self.call_vendor(&venue.key, |v| v.place_order(&order, &badge));
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        self.metrics
            .count_send(&venue.key, send_outcome(result.as_ref().err()));
        match result {
            Ok(remote) => {
                self.vendor_ok(&venue.key);
                // The answer is as fresh as a status poll: the first poll comes one status
                // interval later, not in this same pass.
                self.last_status_poll.insert(&order.id, now);
                order
                    .apply(OrderEvent::Accepted, now)
                    .expect("sending → sent");
                plan::absorb_remote(&mut order, &remote);
                self.store.save_transition(
                    &order,
                    OrderState::Sending,
                    Some("accepted by the vendor"),
                    OutboxChange::Done { row: row.id },
                )?;
                self.apply_remote_state(order, &remote)?;
                report.sent += 1;
            }
            Err(VendorError::Rejected(msgs)) => {
                self.vendor_ok(&venue.key);
                order
                    .apply(OrderEvent::Refused, now)
                    .expect("sending → rejected");
                order.reason = Some(msgs.join("; "));
                self.store.save_transition(
                    &order,
                    OrderState::Sending,
                    Some("refused by the vendor"),
                    OutboxChange::Done { row: row.id },
                )?;
                report.rejected += 1;
            }
            Err(e) if e.may_have_arrived() => {
                self.vendor_failed(&venue.key, &e);
                order
                    .apply(OrderEvent::AnswerLost, now)
                    .expect("sending → unknown");
                // The look-up is a read: at the next pass, not after the send backoff (that
                // applies to the resend, should the order not be there).
                let at = plan::look_up_at(now);
                let change = plan::retry_or_park(&self.policy, row.id, attempts, at, &e);
                self.store.save_transition(
                    &order,
                    OrderState::Sending,
                    Some("no answer; will check before resending"),
                    change,
                )?;
                report.retried += 1;
            }
            Err(e) => {
                self.vendor_failed(&venue.key, &e);
                order
                    .apply(OrderEvent::SendFailed, now)
                    .expect("sending → queued");
                let venue_until = self.venue_backoff.get(&venue.key).map(|b| b.until);
                let at =
                    self.policy
                        .send_retry_at(now, attempts, fastrand::f64(), cutoff, venue_until);
                let change = plan::after_failure(&self.policy, row.id, attempts, at, &e);
                report.count_failure(&change);
                self.store
                    .save_transition(&order, OrderState::Sending, None, change)?;
            }
        }
        Ok(())
    }

    /// An order whose create got no answer: ask the vendor whether it arrived; only if it
    /// certainly did not, it goes back to the queue (and is sent in this same pass).
    fn reconcile(
        &mut self,
        row: OutboxRow,
        mut order: Order,
        report: &mut StepReport,
    ) -> Result<(), StoreError> {
        let badge = self.badge_of(&order);
        let venue = order.venue.clone();
        if self.venue_backed_off(&venue, self.clock.now()) {
            return Ok(());
        }
        // What other kiosk orders own is not this one's (Bessa matches by content).
        let claimed = self.store.claimed_refs(&venue, order.day, &order.id)?;
        let result = self.call_vendor(&venue, |v| v.find_order(&order, &badge, &claimed));
        let now = self.clock.now();
        match result {
            Ok(Some(remote)) => {
                self.vendor_ok(&venue);
                order
                    .apply(OrderEvent::FoundAtVendor, now)
                    .expect("unknown → sent");
                plan::absorb_remote(&mut order, &remote);
                order.reason = None;
                self.store.save_transition(
                    &order,
                    OrderState::Unknown,
                    Some("found at the vendor"),
                    OutboxChange::Done { row: row.id },
                )?;
                self.apply_remote_state(order, &remote)?;
                report.reconciled += 1;
            }
            Ok(None) => {
                self.vendor_ok(&venue);
                order
                    .apply(OrderEvent::NotAtVendor, now)
                    .expect("unknown → queued");
                order.reason = None;
                // The resend waits out the send backoff of the attempts so far (a vendor
                // failing every create is not hammered); a first attempt goes again at once.
                let resend_at = self.resend_at(&order, row.attempts, now);
                let change = OutboxChange::Retry {
                    row: row.id,
                    at: resend_at,
                    error: "not at the vendor; sending again".into(),
                };
                if self.store.save_transition(
                    &order,
                    OrderState::Unknown,
                    Some("not at the vendor; sending again"),
                    change,
                )? {
                    report.reconciled += 1;
                    if resend_at <= now {
                        let row = self.store.outbox_row(row.id)?.unwrap_or(row);
                        self.process_place(row, order, report)?;
                    }
                }
            }
            Err(e) => {
                self.vendor_failed(&venue, &e);
                let attempts = row.attempts + 1;
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), None);
                let change = plan::after_failure(&self.policy, row.id, attempts, at, &e);
                report.count_failure(&change);
                self.store.change_outbox(&order.id, change, now)?;
            }
        }
        Ok(())
    }

    /// When an order that did not arrive is sent again: after the backoff of `attempts`
    /// sends (none: now), never after its order cutoff.
    fn resend_at(&self, order: &Order, attempts: u32, now: Timestamp) -> Timestamp {
        let cutoff = self
            .config
            .venue(&order.venue)
            .and_then(|v| v.rules.deadlines(order.day).ok())
            .map(|d| d.order_until);
        match (attempts, cutoff) {
            (0 | 1, _) | (_, None) => now,
            (n, Some(cutoff)) => {
                let venue_until = self.venue_backoff.get(&order.venue).map(|b| b.until);
                self.policy
                    .send_retry_at(now, n - 1, fastrand::f64(), cutoff, venue_until)
            }
        }
    }

    /// Parks a row that an admin must look at (its venue or deadlines are gone from the config).
    pub(super) fn park(
        &mut self,
        row: &OutboxRow,
        order: &Order,
        error: &str,
    ) -> Result<(), StoreError> {
        log::error!("outbox row {} (order {}) parked: {error}", row.id, order.id);
        let now = self.clock.now();
        self.store.change_outbox(
            &order.id,
            OutboxChange::Park {
                row: row.id,
                error: error.to_string(),
            },
            now,
        )
    }
}

/// How a send ended, for the metrics: the same cases as the match in `send`.
fn send_outcome(error: Option<&VendorError>) -> SendOutcome {
    match error {
        None => SendOutcome::Sent,
        Some(VendorError::Rejected(_)) => SendOutcome::Rejected,
        Some(e) if e.may_have_arrived() => SendOutcome::Unknown,
        Some(_) => SendOutcome::Failed,
    }
}
