//! One pass of the sync worker: recover after a crash, expire what can no longer be sent,
//! drain the outbox, refresh menus, poll order states. Every decision about time asks the
//! injected clock and the one cutoff rule; every state change goes through the state machine
//! and is written with its outbox change in one transaction.
//!
//! This file holds the pass and its schedule. The decisions are pure functions in `plan`;
//! the other files carry them out, each for one part of the pass: `recovery` (after a
//! restart), `outbox` (place, reconcile, expire, park) and `cancel`, `remote` (apply a
//! vendor's answer), `polling` (order states and the kitchen's lists) with `poll_times` (their
//! schedules, kept in the store), `webhooks` (events the receiver kept), `menus`, and
//! `contact` (calling a vendor, and backing off from one that cannot be reached).

mod cancel;
mod contact;
mod menus;
mod outbox;
mod plan;
mod poll_times;
mod polling;
mod prune;
mod recovery;
mod remote;
mod webhooks;

pub use menus::import_menu_files;
pub use plan::remote_event;

use super::backoff::{RetryPolicy, VenueBackoff};
use super::notify::{Change, Listeners, SharedStatus};
use crate::config::Config;
use crate::domain::Clock;
use crate::domain::clock::{build_floor, judge_clock};
use crate::metrics::Metrics;
use crate::store::{OutboxChange, OutboxStatus, Store, StoreError};
use crate::vendors::Vendor;
use jiff::Timestamp;
use poll_times::PollTimes;
use std::collections::HashMap;
use std::sync::Arc;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// Settled orders deleted after the retention period (`[kiosk] retention_days`).
    #[serde(default)]
    pub pruned: u32,
    /// Why nothing that depends on a cutoff was done, if so.
    pub clock_doubt: Option<String>,
    /// When the worker should look again at the latest.
    pub next_wake: Option<Timestamp>,
    /// The database error that stopped the pass early, if one did.
    pub store_error: Option<String>,
}

impl StepReport {
    /// Counts what a failed attempt did to its row.
    fn count_failure(&mut self, change: &OutboxChange) {
        if matches!(change, OutboxChange::Park { .. }) {
            self.parked += 1;
        } else {
            self.retried += 1;
        }
    }

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
    next_menu_refresh: PollTimes,
    /// When each order's state was last asked (kept: vendors limit it).
    last_status_poll: PollTimes,
    /// When each venue's bulk poll is due next (kept).
    next_bulk_poll: PollTimes,
    /// When each venue's order list for the kitchen is due (vendors that have one).
    next_list_refresh: PollTimes,
    /// Successful vendor contacts of the running pass, written at its end.
    contact_ok: HashMap<String, Timestamp>,
    /// The process's counters (sends, vendor call durations, the clock's trust).
    metrics: Arc<Metrics>,
    /// When the order history is pruned next, and how far a run has got.
    prune: prune::PruneSchedule,
    /// The full check found the file damaged: nothing is pruned from it (the next start
    /// moves it aside).
    store_damaged: bool,
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
            next_menu_refresh: PollTimes::in_memory(),
            last_status_poll: PollTimes::kept("status"),
            next_bulk_poll: PollTimes::kept("bulk"),
            next_list_refresh: PollTimes::kept("list"),
            contact_ok: HashMap::new(),
            metrics: Arc::new(Metrics::new()),
            prune: prune::PruneSchedule::default(),
            store_damaged: false,
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

    /// Counts into the process's metrics (else into a private set nobody reads).
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
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
            report.store_error = Some(format!("{e} — {}", e.advice()));
            self.status
                .update(|s| s.last_error = Some(format!("database: {e}")));
        }
        self.flush_contacts();
        self.save_poll_times();
        report.next_wake = self.next_wake();
        self.publish(&report);
        report
    }

    fn try_step(&mut self, report: &mut StepReport) -> Result<(), StoreError> {
        if !self.recovered {
            self.recover()?;
            self.load_poll_times()?;
            self.recovered = true;
            self.check_store();
        }
        let now = self.clock.now();
        let seen_before = self.store.last_seen()?;
        let judged = judge_clock(now, seen_before, self.clock_floor, self.clock.os_synced());
        self.metrics.clock_judged(judged.as_ref().err());
        let trusted = match judged {
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
        // Nothing is pruned on a doubted clock, nor relative to a jump far ahead.
        let prune = trusted.then(|| plan::prune_floor(now, seen_before));
        self.refresh_menus(report, prune)?;
        if trusted {
            self.expire_overdue(report)?;
            self.drain(report)?;
            self.apply_webhook_events(report, prune)?;
            self.refresh_venue_lists(report)?;
            self.poll_states(report)?;
            if let Some(floor) = prune {
                self.prune_history(report, floor)?;
            }
        }
        Ok(())
    }

    /// The earliest time anything is due.
    pub fn next_wake(&self) -> Option<Timestamp> {
        let outbox = self.store.next_outbox_due().ok().flatten();
        let backoffs = self.venue_backoff.values().map(|b| b.until);
        let times = outbox
            .into_iter()
            .chain(self.prune.wake(self.clock.now()))
            .chain(self.next_menu_refresh.values())
            .chain(self.next_bulk_poll.values())
            .chain(self.next_list_refresh.values())
            .chain(backoffs.clone());
        plan::wake_at(self.clock.now(), times, backoffs.min())
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
