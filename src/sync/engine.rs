//! One pass of the sync worker: recover after a crash, expire what can no longer be sent,
//! drain the outbox, refresh menus, poll order states. Every decision about time asks the
//! injected clock and the one cutoff rule; every state change goes through the state machine
//! and is written with its outbox change in one transaction.

use super::backoff::RetryPolicy;
use super::{Change, Listeners, SharedStatus};
use crate::config::{Badge, Config, MenuSource, Role, Venue};
use crate::domain::clock::{build_floor, judge_clock};
use crate::domain::{Clock, Order, OrderEvent, OrderState, Window};
use crate::store::{OutboxChange, OutboxKind, OutboxRow, OutboxStatus, Store, StoreError};
use crate::vendors::{RemoteOrder, RemoteState, RemoteUpdate, Vendor, VendorError};
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::collections::HashMap;
use std::sync::Arc;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepReport {
    pub sent: u32,
    pub cancelled: u32,
    pub expired: u32,
    pub rejected: u32,
    pub reconciled: u32,
    pub retried: u32,
    pub parked: u32,
    pub menus_refreshed: u32,
    pub states_updated: u32,
    /// Venues whose order list (for the kitchen) was fetched.
    pub lists_refreshed: u32,
    /// Why nothing that depends on a cutoff was done, if so.
    pub clock_doubt: Option<String>,
    /// When the worker should look again at the latest.
    pub next_wake: Option<Timestamp>,
}

impl StepReport {
    fn changed_orders(&self) -> bool {
        self.sent
            + self.cancelled
            + self.expired
            + self.rejected
            + self.reconciled
            + self.states_updated
            + self.lists_refreshed
            > 0
    }
}

/// A venue the worker could not reach: left alone until `until`.
#[derive(Debug, Clone, Copy)]
struct VenueBackoff {
    until: Timestamp,
    failures: u32,
}

pub struct Engine {
    config: Arc<Config>,
    store: Store,
    clock: Arc<dyn Clock>,
    clock_floor: Timestamp,
    vendors: HashMap<String, Box<dyn Vendor>>,
    listeners: Listeners,
    status: SharedStatus,
    policy: RetryPolicy,
    recovered: bool,
    venue_backoff: HashMap<String, VenueBackoff>,
    next_menu_refresh: HashMap<String, Timestamp>,
    last_status_poll: HashMap<String, Timestamp>,
    next_bulk_poll: HashMap<String, Timestamp>,
    /// When each venue's order list for the kitchen is due (vendors that have one).
    next_list_refresh: HashMap<String, Timestamp>,
    /// Successful vendor contacts of the running pass, written at its end.
    contact_ok: HashMap<String, Timestamp>,
}

impl Engine {
    pub fn new(
        config: Arc<Config>,
        store: Store,
        clock: Arc<dyn Clock>,
        vendors: HashMap<String, Box<dyn Vendor>>,
    ) -> Engine {
        Engine {
            config,
            store,
            clock,
            clock_floor: build_floor(),
            vendors,
            listeners: Listeners::default(),
            status: SharedStatus::default(),
            policy: RetryPolicy::default(),
            recovered: false,
            venue_backoff: HashMap::new(),
            next_menu_refresh: HashMap::new(),
            last_status_poll: HashMap::new(),
            next_bulk_poll: HashMap::new(),
            next_list_refresh: HashMap::new(),
            contact_ok: HashMap::new(),
        }
    }

    pub fn with_listeners(mut self, listeners: Listeners) -> Self {
        self.listeners = listeners;
        self
    }

    pub fn with_status(mut self, status: SharedStatus) -> Self {
        self.status = status;
        self
    }

    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    pub fn with_clock_floor(mut self, floor: Timestamp) -> Self {
        self.clock_floor = floor;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn set_config(&mut self, config: Arc<Config>, vendors: HashMap<String, Box<dyn Vendor>>) {
        self.config = config;
        self.vendors = vendors;
        self.next_menu_refresh.clear();
        self.next_list_refresh.clear();
    }

    /// Asks for a menu refresh of every venue at the next pass.
    pub fn request_menu_refresh(&mut self) {
        self.next_menu_refresh.clear();
    }

    /// One full pass. Errors of the store are logged and end the pass early; the next pass
    /// starts over from the durable state.
    pub fn step(&mut self) -> StepReport {
        let mut report = StepReport::default();
        if let Err(e) = self.try_step(&mut report) {
            log::error!("sync pass stopped: {e}");
            self.status
                .update(|s| s.last_error = Some(format!("database: {e}")));
        }
        self.flush_contacts();
        report.next_wake = self.next_wake();
        self.publish(&report);
        report
    }

    fn try_step(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        if !self.recovered {
            self.recover()?;
            self.recovered = true;
            self.check_store();
        }
        let now = self.clock.now();
        let seen_before = self.store.last_seen()?;
        let trusted = match judge_clock(now, seen_before, self.clock_floor, self.clock.os_synced())
        {
            Ok(trusted) => {
                self.store.note_trusted(now, &trusted)?;
                true
            }
            Err(doubt) => {
                log::warn!("clock not trusted, orders and cancellations wait: {doubt}");
                report.clock_doubt = Some(doubt.to_string());
                false
            }
        };
        // Nothing is pruned on a clock that is doubted, nor further back than a week before
        // the time seen until now: one reading from the future must not empty the cache.
        let prune = trusted.then(|| prune_floor(now, seen_before));
        self.refresh_menus(report, prune)?;
        if trusted {
            self.expire_overdue(report)?;
            self.drain(report)?;
            self.refresh_venue_lists(report)?;
            self.poll_states(report)?;
        }
        Ok(())
    }

    /// The full integrity check, off the UI thread. A problem is logged and shown to the admin;
    /// the kiosk keeps working (the file is moved aside at the next start).
    fn check_store(&mut self) {
        match self.store.full_check() {
            Ok(None) => log::debug!("database integrity check: ok"),
            Ok(Some(problem)) => {
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
    fn recover(&mut self) -> Result<(), StoreError> {
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

    /// Queued orders whose order cutoff passed are never sent: they expire (this also settles
    /// parked rows of such orders).
    fn expire_overdue(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
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
    fn drain(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        let now = self.clock.now();
        for row in self.store.due_outbox(now, 500)? {
            let order = match self.store.order(&row.order_id) {
                Ok(order) => order,
                Err(e) if !e.is_transient() => {
                    // A damaged row stops nothing but its own order.
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
            // Cutoffs are settled even while the vendor is unreachable; sending waits.
            match row.kind {
                OutboxKind::Place => self.process_place(row, order, report)?,
                OutboxKind::Cancel => self.process_cancel(row, order, report)?,
            }
        }
        Ok(())
    }

    /// The venues whose next time in `schedule` has come (or that have none yet) and that are
    /// not backed off.
    fn due_venues(&self, schedule: &HashMap<String, Timestamp>, now: Timestamp) -> Vec<Venue> {
        self.config
            .venues
            .iter()
            .filter(|v| {
                schedule.get(&v.key).is_none_or(|t| *t <= now)
                    && !self.venue_backed_off(&v.key, now)
            })
            .cloned()
            .collect()
    }

    fn venue_backed_off(&self, venue: &str, now: Timestamp) -> bool {
        self.venue_backoff.get(venue).is_some_and(|b| b.until > now)
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
                if deadlines.order_window(now) == Window::Closed {
                    report.expired += 1;
                    return self.expire(order, deadlines.order_until, Some(row.id));
                }
                if self.venue_backed_off(&venue.key, now) {
                    return Ok(());
                }
                self.send(row, order, &venue, deadlines.order_until, report)
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
        let result = match self.vendors.get_mut(&venue.key) {
            Some(v) => v.place_order(&order, &badge),
            None => Err(VendorError::Config(format!(
                "no vendor connection for venue {}",
                venue.key
            ))),
        };
        let now = self.clock.now();
        let attempts = row.attempts + 1;
        match result {
            Ok(remote) => {
                self.vendor_ok(&venue.key);
                // The answer is as fresh as a status poll: the first poll comes one status
                // interval later, not in this same pass.
                self.last_status_poll.insert(order.id.clone(), now);
                order
                    .apply(OrderEvent::Accepted, now)
                    .expect("sending → sent");
                absorb_remote(&mut order, &remote);
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
                // Reconcile after the backoff, so a 5xx storm is not hammered.
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), Some(cutoff));
                let change = self.retry_or_park(&row, attempts, at, &e);
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
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), Some(cutoff));
                // Not before the venue's own backoff ends, but not after the cutoff either.
                let at = self
                    .venue_backoff
                    .get(&venue.key)
                    .map_or(at, |b| b.until.max(at).min(cutoff.max(now)));
                let change = self.after_failure(&row, attempts, at, &e, report);
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
        let result = match self.vendors.get_mut(&venue) {
            Some(v) => v.find_order(&order, &badge),
            None => Err(VendorError::Config(format!(
                "no vendor connection for venue {venue}"
            ))),
        };
        let now = self.clock.now();
        match result {
            Ok(Some(remote)) => {
                self.vendor_ok(&venue);
                order
                    .apply(OrderEvent::FoundAtVendor, now)
                    .expect("unknown → sent");
                absorb_remote(&mut order, &remote);
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
                if self.store.save_transition(
                    &order,
                    OrderState::Unknown,
                    Some("not at the vendor; sending again"),
                    OutboxChange::None,
                )? {
                    report.reconciled += 1;
                    let row = self.store.outbox_row(row.id)?.unwrap_or(row);
                    self.process_place(row, order, report)?;
                }
            }
            Err(e) => {
                self.vendor_failed(&venue, &e);
                let attempts = row.attempts + 1;
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), None);
                let change = self.after_failure(&row, attempts, at, &e, report);
                self.store.change_outbox(&order.id, change, now)?;
            }
        }
        Ok(())
    }

    fn process_cancel(
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
        let back_to = order.state_before_cancel.unwrap_or(OrderState::Sent);
        let window = venue
            .rules
            .deadlines(order.day)
            .map(|d| (d.cancel_window(now), d.cancel_until));
        if let Ok((Window::Closed, until)) = window {
            order.apply(OrderEvent::CancelRefused { back_to }, now).ok();
            order.reason = Some(match until {
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
        if self.venue_backed_off(&venue.key, now) {
            return Ok(());
        }
        let badge = self.badge_of(&order);
        self.store
            .change_outbox(&order.id, OutboxChange::InFlight { row: row.id }, now)?;
        let vendor = self.vendors.get_mut(&venue.key);
        let result = match vendor {
            Some(v) => {
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
            }
            None => Err(VendorError::Config(format!(
                "no vendor connection for venue {}",
                venue.key
            ))),
        };
        let now = self.clock.now();
        match result {
            Ok(remote) => {
                self.vendor_ok(&venue.key);
                order
                    .apply(OrderEvent::CancelConfirmed, now)
                    .expect("cancel requested → cancelled");
                absorb_remote(&mut order, &remote);
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
                let cutoff = venue
                    .rules
                    .deadlines(order.day)
                    .ok()
                    .and_then(|d| d.cancel_until);
                let at = self
                    .policy
                    .next_attempt(now, attempts, fastrand::f64(), cutoff);
                let change = self.after_failure(&row, attempts, at, &e, report);
                self.store.change_outbox(&order.id, change, now)?;
            }
        }
        Ok(())
    }

    /// What a failed attempt does to its row: one that needs an admin (credentials, config) is
    /// parked; one that could not reach the vendor is retried and never parked; one the vendor
    /// answered badly is retried up to the bound, then parked.
    fn after_failure(
        &self,
        row: &OutboxRow,
        attempts: u32,
        at: Timestamp,
        e: &VendorError,
        report: &mut StepReport,
    ) -> OutboxChange {
        let change = if !e.is_transient() {
            OutboxChange::Park {
                row: row.id,
                error: e.to_string(),
            }
        } else if is_unreachable(e) {
            OutboxChange::Retry {
                row: row.id,
                at,
                error: e.to_string(),
            }
        } else {
            self.retry_or_park(row, attempts, at, e)
        };
        if matches!(change, OutboxChange::Park { .. }) {
            report.parked += 1;
        } else {
            report.retried += 1;
        }
        change
    }

    fn retry_or_park(
        &self,
        row: &OutboxRow,
        attempts: u32,
        at: Timestamp,
        e: &VendorError,
    ) -> OutboxChange {
        if attempts >= self.policy.park_after {
            OutboxChange::Park {
                row: row.id,
                error: format!("gave up after {attempts} attempts: {e}"),
            }
        } else {
            OutboxChange::Retry {
                row: row.id,
                at,
                error: e.to_string(),
            }
        }
    }

    fn park(&mut self, row: &OutboxRow, order: &Order, error: &str) -> Result<(), StoreError> {
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

    /// Applies what a vendor says about an order (status poll, webhook, bulk poll).
    pub fn apply_update(&mut self, update: &RemoteUpdate, venue: &str) -> Result<bool, StoreError> {
        let order = match (&update.order_id, &update.remote.vendor_ref) {
            (Some(id), _) => self.store.order(id)?,
            (None, Some(r)) => self.store.order_by_vendor_ref(venue, r)?,
            (None, None) => None,
        };
        let Some(order) = order else {
            log::debug!(
                "update for an order this kiosk does not know: {:?}",
                update.remote.vendor_ref
            );
            return Ok(false);
        };
        self.apply_remote_state(order, &update.remote)
    }

    fn apply_remote_state(
        &mut self,
        mut order: Order,
        remote: &RemoteOrder,
    ) -> Result<bool, StoreError> {
        let Some(event) = remote_event(order.state, &remote.state) else {
            if remote.state == RemoteState::Unrecognised
                && order.vendor_status.as_deref() != Some(remote.raw_status.as_str())
            {
                log::warn!(
                    "order {}: vendor status {:?} is not known to this kiosk",
                    order.id,
                    remote.raw_status
                );
                let from = order.state;
                order.vendor_status = Some(remote.raw_status.clone());
                return self
                    .store
                    .save_transition(&order, from, None, OutboxChange::None);
            }
            return Ok(false);
        };
        let from = order.state;
        let now = self.clock.now();
        match order.apply(event, now) {
            Ok(to) if to == from => Ok(false),
            Ok(_) => {
                absorb_remote(&mut order, remote);
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
            Err(e) => {
                log::debug!(
                    "order {}: vendor status {} ignored ({e})",
                    order.id,
                    remote.raw_status
                );
                Ok(false)
            }
        }
    }

    /// Polls the state of sent orders, no more often than each vendor allows.
    fn poll_states(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        let now = self.clock.now();
        // Only orders served from yesterday on are worth asking about (an indexed query).
        let since = self
            .config
            .venues
            .iter()
            .map(|v| v.rules.local_date(now))
            .min();
        let live = self.store.orders(&crate::store::OrderFilter {
            from_day: since.and_then(|d| d.checked_sub(jiff::ToSpan::days(1)).ok()),
            states: Some(&POLLED_STATES),
            ..Default::default()
        })?;
        // Forget the poll times of orders that are no longer polled (the map would grow by
        // every order the kiosk ever sent).
        let live_ids: std::collections::HashSet<&str> =
            live.iter().map(|o| o.id.as_str()).collect();
        self.last_status_poll
            .retain(|id, _| live_ids.contains(id.as_str()));
        let venues: Vec<String> = self.config.venues.iter().map(|v| v.key.clone()).collect();
        for venue in venues {
            if self.venue_backed_off(&venue, now) {
                continue;
            }
            let Some(vendor) = self.vendors.get_mut(&venue) else {
                continue;
            };
            let interval = status_interval(vendor.as_ref());
            let mine: Vec<Order> = live
                .iter()
                .filter(|o| {
                    o.venue == venue
                        && o.serving
                            > now
                                .checked_sub(SignedDuration::from_hours(12))
                                .unwrap_or(now)
                })
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            if self.next_bulk_poll.get(&venue).is_none_or(|t| *t <= now) {
                self.next_bulk_poll
                    .insert(venue.clone(), now.checked_add(interval).unwrap_or(now));
                let result = self
                    .vendors
                    .get_mut(&venue)
                    .expect("checked")
                    .poll_updates(&mine);
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
                let due = self
                    .last_status_poll
                    .get(&order.id)
                    .is_none_or(|t| t.checked_add(interval).is_ok_and(|n| n <= now));
                if !due {
                    continue;
                }
                self.last_status_poll.insert(order.id.clone(), now);
                let badge = self.badge_of(&order);
                let result = self
                    .vendors
                    .get_mut(&venue)
                    .expect("checked")
                    .order_status(&order, &badge);
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
        self.config.kiosk.mode == crate::config::Mode::Kitchen
            || self.config.badges.iter().any(|b| b.role == Role::Kitchen)
    }

    /// Fetches each venue's full order list where the vendor has one (Liefersoft), for the
    /// kitchen view: from yesterday to the last menu day, no more often than the vendor's
    /// status interval. The same list updates the kiosk's own sent orders, so the bulk status
    /// poll of that venue is skipped for the interval.
    fn refresh_venue_lists(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        if !self.serves_kitchen() {
            return Ok(());
        }
        let now = self.clock.now();
        for venue in self.due_venues(&self.next_list_refresh, now) {
            let Some(vendor) = self.vendors.get_mut(&venue.key) else {
                continue;
            };
            let interval = status_interval(vendor.as_ref());
            let next = now.checked_add(interval).unwrap_or(now);
            let today = venue.rules.local_date(now);
            let days: Vec<jiff::civil::Date> = (-1..i64::from(self.config.kiosk.days_ahead.max(1)))
                .filter_map(|d| today.checked_add(d.days()).ok())
                .collect();
            let result = vendor.venue_orders(&days);
            match result {
                Ok(None) => {
                    // No list at this vendor: never ask again (until a reload).
                    self.next_list_refresh
                        .insert(venue.key.clone(), Timestamp::MAX);
                }
                Ok(Some(list)) => {
                    self.next_list_refresh.insert(venue.key.clone(), next);
                    self.next_bulk_poll.insert(venue.key.clone(), next);
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
                    self.next_list_refresh.insert(venue.key.clone(), next);
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
                && POLLED_STATES.contains(&order.state)
                && self.apply_remote_state(order, &u.remote)?
            {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Refreshes menus that are due (stale-while-revalidate: the cache stays until the new
    /// menu is in).
    fn refresh_menus(
        &mut self,
        report: &mut StepReport,
        prune: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        for venue in self.due_venues(&self.next_menu_refresh, now) {
            let every = SignedDuration::try_from(self.config.kiosk.menu_refresh)
                .unwrap_or(SignedDuration::from_mins(30));
            self.next_menu_refresh
                .insert(venue.key.clone(), now.checked_add(every).unwrap_or(now));
            let today = venue.rules.local_date(now);
            let days = self.config.kiosk.days_ahead.max(1);
            match self.fetch_menu(&venue, today, days) {
                Ok((menu, source)) => {
                    self.store.put_menu_days(&menu, now, &source)?;
                    if let Some(floor) = prune {
                        let before = venue.rules.local_date(floor);
                        self.store
                            .prune_menus(before.checked_sub(7.days()).unwrap_or(before))?;
                    }
                    report.menus_refreshed += 1;
                }
                Err(e) => {
                    log::warn!("menu of {} not refreshed: {e}", venue.key);
                    // Try again sooner than the full interval.
                    let soon = now
                        .checked_add(SignedDuration::from_secs(60))
                        .unwrap_or(now);
                    self.next_menu_refresh.insert(venue.key.clone(), soon);
                }
            }
        }
        Ok(())
    }

    fn fetch_menu(
        &mut self,
        venue: &Venue,
        today: jiff::civil::Date,
        days: u32,
    ) -> Result<(Vec<crate::domain::MenuDay>, String), String> {
        match &venue.menu {
            MenuSource::File(path) => {
                let file =
                    crate::config::menu_file::load(path, &venue.key).map_err(|e| e.to_string())?;
                Ok((file.days(today, days), format!("file {}", path.display())))
            }
            MenuSource::Vendor => {
                let vendor = self
                    .vendors
                    .get_mut(&venue.key)
                    .ok_or("no vendor connection")?;
                let kind = vendor.kind();
                let result = vendor.fetch_menu(today, days);
                match result {
                    Ok(m) => {
                        self.vendor_ok(&venue.key);
                        Ok((m, kind.to_string()))
                    }
                    Err(e) => {
                        self.vendor_failed(&venue.key, &e);
                        Err(e.to_string())
                    }
                }
            }
        }
    }

    fn badge_of(&self, order: &Order) -> Badge {
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

    fn vendor_ok(&mut self, venue: &str) {
        self.venue_backoff.remove(venue);
        // Written once per pass (`flush_contacts`): a write per call would cost an fsync per
        // order sent.
        self.contact_ok.insert(venue.to_string(), self.clock.now());
    }

    /// Records each venue's last successful contact of this pass.
    fn flush_contacts(&mut self) {
        for (venue, at) in std::mem::take(&mut self.contact_ok) {
            if let Err(e) = self.store.record_vendor_ok(&venue, at) {
                log::warn!("could not record vendor contact: {e}");
            }
        }
    }

    /// Notes a failed call; an unreachable vendor is left alone for a growing while.
    fn vendor_failed(&mut self, venue: &str, e: &VendorError) {
        let unreachable = is_unreachable(e);
        let now = self.clock.now();
        log::warn!("vendor of {venue}: {e}");
        if let Err(se) = self.store.record_vendor_error(venue, &e.to_string(), now) {
            log::warn!("could not record vendor error: {se}");
        }
        self.status
            .update(|s| s.last_error = Some(format!("{venue}: {e}")));
        if unreachable {
            let failures = self.venue_backoff.get(venue).map_or(1, |b| b.failures + 1);
            let mut until = self
                .policy
                .next_attempt(now, failures, fastrand::f64(), None);
            if let VendorError::RateLimited {
                retry_after: Some(d),
            } = e
                && let Ok(d) = SignedDuration::try_from(*d)
            {
                until = until.max(now.checked_add(d).unwrap_or(now));
            }
            self.venue_backoff
                .insert(venue.to_string(), VenueBackoff { until, failures });
        }
    }

    /// The earliest time anything is due.
    pub fn next_wake(&self) -> Option<Timestamp> {
        let now = self.clock.now();
        let mut times: Vec<Timestamp> = Vec::new();
        if let Ok(Some(t)) = self.store.next_outbox_due() {
            times.push(t);
        }
        times.extend(self.next_menu_refresh.values().copied());
        times.extend(self.next_bulk_poll.values().copied());
        times.extend(self.next_list_refresh.values().copied());
        times.extend(self.venue_backoff.values().map(|b| b.until));
        // Blocked venues push their rows' wake to the end of the backoff.
        let earliest = times.into_iter().min()?;
        let blocked_min = self.venue_backoff.values().map(|b| b.until).min();
        Some(match blocked_min {
            Some(b) if earliest < now && b > now => b.min(
                now.checked_add(SignedDuration::from_secs(60))
                    .unwrap_or(now),
            ),
            _ => earliest,
        })
    }

    fn publish(&self, report: &StepReport) {
        let counts = self.store.outbox_counts().unwrap_or_default();
        let count = |s: OutboxStatus| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
        let offline = !self.venue_backoff.is_empty();
        let changed = self.status.update(|s| {
            s.offline = offline;
            s.clock_doubt = report.clock_doubt.clone();
            s.queued = count(OutboxStatus::Pending) + count(OutboxStatus::InFlight);
            s.parked = count(OutboxStatus::Parked);
        });
        if report.changed_orders() || report.expired > 0 {
            self.listeners.notify(Change::Orders);
        }
        if report.menus_refreshed > 0 {
            self.listeners.notify(Change::Menus);
        }
        if changed {
            self.listeners.notify(Change::Status);
        }
    }
}

/// The states whose orders the worker asks vendors about (status polls and order lists).
const POLLED_STATES: [OrderState; 2] = [OrderState::Sent, OrderState::Confirmed];

/// How often a vendor may be asked about an order's state (its documented limit).
fn status_interval(vendor: &dyn Vendor) -> SignedDuration {
    SignedDuration::try_from(vendor.min_status_interval()).unwrap_or(SignedDuration::from_secs(120))
}

/// The vendor could not be reached or asked us to wait: nothing arrived.
/// The time menus are pruned relative to: now, but never later than the time seen before
/// this pass (plus a day), so a clock that jumped far ahead prunes as if it had not.
fn prune_floor(now: Timestamp, seen_before: Option<Timestamp>) -> Timestamp {
    let cap = seen_before.and_then(|s| s.checked_add(SignedDuration::from_hours(24)).ok());
    match cap {
        Some(cap) if cap < now => cap,
        _ => now,
    }
}

fn is_unreachable(e: &VendorError) -> bool {
    matches!(
        e,
        VendorError::Unreachable(_) | VendorError::RateLimited { .. }
    )
}

/// Copies what the vendor told about an order into it.
fn absorb_remote(order: &mut Order, remote: &RemoteOrder) {
    if remote.vendor_ref.is_some() {
        order.vendor_ref = remote.vendor_ref.clone();
    }
    if remote.vendor_hash.is_some() {
        order.vendor_hash = remote.vendor_hash.clone();
    }
    order.vendor_status = Some(remote.raw_status.clone());
    if remote.reason.is_some() {
        order.reason = remote.reason.clone();
    }
}

/// The event a vendor's state means for an order in `current` state (None: nothing to do).
pub fn remote_event(current: OrderState, remote: &RemoteState) -> Option<OrderEvent> {
    use OrderState as S;
    Some(match (remote, current) {
        (RemoteState::Sent, S::Unknown) => OrderEvent::FoundAtVendor,
        (RemoteState::Sent, _) => return None,
        (RemoteState::Confirmed, _) => OrderEvent::KitchenConfirmed,
        (RemoteState::Done, _) => OrderEvent::Served,
        (RemoteState::Cancelled, S::CancelRequested) => OrderEvent::CancelConfirmed,
        (RemoteState::Cancelled | RemoteState::KitchenCancelled, _) => OrderEvent::KitchenCancelled,
        (RemoteState::Rejected, _) => OrderEvent::Refused,
        (RemoteState::Unrecognised, _) => return None,
    })
}
