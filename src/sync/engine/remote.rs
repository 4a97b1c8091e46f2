//! Remote state: what a vendor says about an order (status poll, webhook, bulk poll, order
//! list) is decided by `plan::answer` and written here.

use super::Engine;
use super::plan::{self, Answer};
use crate::domain::Order;
use crate::store::{OutboxChange, OutboxStatus, StoreError};
use crate::vendors::{RemoteOrder, RemoteUpdate};

impl Engine {
    /// Applies what a vendor says about an order (status poll, webhook, bulk poll).
    pub fn apply_update(&mut self, update: &RemoteUpdate, venue: &str) -> Result<bool, StoreError> {
        let Some(order) = self.order_of_update(update, venue)? else {
            log::debug!(
                "update for an order this kiosk does not know: {:?}",
                update.remote.vendor_ref
            );
            return Ok(false);
        };
        self.apply_remote_state(order, &update.remote)
    }

    /// The kiosk's order an update is about: by the kiosk's id, else by the vendor's.
    pub(super) fn order_of_update(
        &self,
        update: &RemoteUpdate,
        venue: &str,
    ) -> Result<Option<Order>, StoreError> {
        match (&update.order_id, &update.remote.vendor_ref) {
            (Some(id), _) => self.store.order(id),
            (None, Some(r)) => self.store.order_by_vendor_ref(venue, r),
            (None, None) => Ok(None),
        }
    }

    /// Writes what the vendor's `remote` view does to `order`; whether anything changed.
    pub(super) fn apply_remote_state(
        &mut self,
        order: Order,
        remote: &RemoteOrder,
    ) -> Result<bool, StoreError> {
        let id = order.id.clone();
        match plan::answer(order, remote, self.clock.now()) {
            Answer::Unchanged => Ok(false),
            Answer::Refused(e) => {
                log::debug!(
                    "order {id}: vendor status {} ignored ({e})",
                    remote.raw_status
                );
                Ok(false)
            }
            Answer::NewUnknownStatus(order) => {
                log::warn!(
                    "order {id}: vendor status {:?} is not known to this kiosk",
                    remote.raw_status
                );
                self.store
                    .save_transition(&order, order.state, None, OutboxChange::None)
            }
            Answer::Moved { order, from } => {
                // A kitchen cancellation closes any pending cancel row too.
                let rows = self
                    .store
                    .outbox_rows_of(&order.id, OutboxStatus::Pending)?;
                let change = match (order.state.is_final(), rows.first()) {
                    (true, Some(r)) => OutboxChange::Done { row: r.id },
                    _ => OutboxChange::None,
                };
                self.store.save_transition(
                    &order,
                    from,
                    Some(&format!("vendor says {}", remote.raw_status)),
                    change,
                )
            }
        }
    }
}
