//! Webhook events the receiver kept in the store: applied here, oldest first, like a status
//! poll. An event for an order whose create is not settled yet (queued, sending, unknown)
//! waits for a later pass; one nobody can apply is marked with why.

use super::{Engine, StepReport};
use crate::domain::OrderState;
use crate::store::{KeptEvent, StoreError};
use crate::vendors::webhook;
use jiff::{SignedDuration, Timestamp};

/// An event whose order is still unsettled after this long is given up (the order's own
/// status poll settles it).
const WAIT_FOR_SETTLED: SignedDuration = SignedDuration::from_hours(24);
/// Applied events are kept this long as the record of seen ids (the platform repeats a
/// delivery only after a failed one, soon after it).
const KEEP_SEEN: SignedDuration = SignedDuration::from_hours(24 * 30);
/// The most events applied in one pass (the rest in the next).
const PER_PASS: usize = 500;

/// What applying an event did.
enum Outcome {
    Applied(&'static str),
    Wait,
}

impl Engine {
    pub(super) fn apply_webhook_events(
        &mut self,
        report: &mut StepReport,
        prune: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        for event in self.store.webhook_events_to_apply(PER_PASS)? {
            match self.apply_event(&event, report)? {
                Outcome::Wait => continue,
                Outcome::Applied(note) => {
                    log::debug!(
                        "webhook event {} of {}: {note}",
                        event.event_id,
                        event.venue
                    );
                    let now = self.clock.now();
                    self.store
                        .webhook_event_applied(&event.venue, &event.event_id, note, now)?;
                }
            }
        }
        if let Some(floor) = prune {
            let before = floor.checked_sub(KEEP_SEEN).unwrap_or(floor);
            self.store.prune_webhook_events(before)?;
        }
        Ok(())
    }

    fn apply_event(
        &mut self,
        event: &KeptEvent,
        report: &mut StepReport,
    ) -> Result<Outcome, StoreError> {
        // The receiver verified and parsed this body before keeping it.
        let parsed = match webhook::parse_event(event.body.as_bytes()) {
            Ok(parsed) => parsed,
            Err(e) => {
                log::error!("kept webhook event {} unreadable: {e}", event.event_id);
                return Ok(Outcome::Applied("unreadable"));
            }
        };
        let update = webhook::event_update(&parsed);
        let Some(order) = self.order_of_update(&update, &event.venue)? else {
            return Ok(Outcome::Applied("not an order of this kiosk"));
        };
        let unsettled = matches!(
            order.state,
            OrderState::Queued | OrderState::Sending | OrderState::Unknown
        );
        let waited = self.clock.now().duration_since(event.received_at);
        if unsettled && waited < WAIT_FOR_SETTLED {
            return Ok(Outcome::Wait);
        }
        if self.apply_remote_state(order, &update.remote)? {
            report.states_updated += 1;
            Ok(Outcome::Applied("applied"))
        } else {
            Ok(Outcome::Applied("nothing to change"))
        }
    }
}
