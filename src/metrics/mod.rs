//! Prometheus metrics: `GET /metrics` (path and address from `[metrics]`) in the text format.
//!
//! Two kinds of numbers: what happened is counted as it happens, in the one process-wide
//! [`Metrics`] value (shared by `Arc`: the sync engine counts sends and times vendor calls, the
//! webhook receivers count events); what *is* (orders by state, the outbox, vendor contact,
//! the database and the disk) is read from the store at scrape time, on a connection of the
//! endpoint's own, so a scrape never waits for the worker nor the worker for a scrape.
//!
//! `format` writes the text format, `series` holds the counters and histograms, `scrape`
//! puts one scrape together and `endpoint` serves it (with the optional bearer token).

mod endpoint;
pub mod format;
mod scrape;
mod series;

pub use endpoint::mount;
pub use scrape::{Rendered, render};

use crate::domain::clock::ClockDoubt;
use series::{CounterVec, HistogramVec};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How a send of an order ended, as the engine's `send` tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// The vendor accepted the order.
    Sent,
    /// The vendor refused it (sold out, closed, a bad order): final.
    Rejected,
    /// No answer: it may have arrived; it is looked up before anything is sent again.
    Unknown,
    /// It certainly did not arrive (unreachable, a server error before processing, a
    /// credential problem): retried later, or parked.
    Failed,
}

impl SendOutcome {
    fn as_str(self) -> &'static str {
        match self {
            SendOutcome::Sent => "sent",
            SendOutcome::Rejected => "rejected",
            SendOutcome::Unknown => "unknown",
            SendOutcome::Failed => "failed",
        }
    }
}

/// Why a webhook event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookRefusal {
    /// Missing or wrong signature (401).
    BadSignature,
    /// Signed, but not an order event (400).
    BadBody,
    /// Could not be kept in the store (503: the platform sends it again).
    NotKept,
}

impl WebhookRefusal {
    fn as_str(self) -> &'static str {
        match self {
            WebhookRefusal::BadSignature => "bad_signature",
            WebhookRefusal::BadBody => "bad_body",
            WebhookRefusal::NotKept => "not_kept",
        }
    }
}

/// The upper bounds of the vendor request duration histogram, in seconds: vendor calls take
/// tens of milliseconds on a good day and end at the read timeout (15 s by default) on a bad one.
const VENDOR_SECONDS: &[f64] = &[0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0];

/// The clock's last judgement by the worker: trusted or not, and why (a short word, not the
/// message with its times, so the series stays one per reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClockJudgement {
    trusted: bool,
    reason: &'static str,
}

/// The counters of the running process.
pub struct Metrics {
    sends: CounterVec,
    vendor_seconds: HistogramVec,
    webhook_accepted: CounterVec,
    webhook_refused: CounterVec,
    pruned: CounterVec,
    clock: Mutex<Option<ClockJudgement>>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            sends: CounterVec::new(&["venue", "outcome"]),
            vendor_seconds: HistogramVec::new(&["venue"], VENDOR_SECONDS),
            webhook_accepted: CounterVec::new(&["venue"]),
            webhook_refused: CounterVec::new(&["venue", "reason"]),
            pruned: CounterVec::new(&["venue"]),
            clock: Mutex::new(None),
        }
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        Metrics::default()
    }

    /// A send of an order to `venue`'s vendor ended so.
    pub fn count_send(&self, venue: &str, outcome: SendOutcome) {
        self.sends.inc(&[venue, outcome.as_str()]);
    }

    pub fn sends(&self, venue: &str, outcome: SendOutcome) -> u64 {
        self.sends.get(&[venue, outcome.as_str()])
    }

    /// Times one vendor call of `venue` (whatever its answer).
    pub fn time_vendor_call<T>(&self, venue: &str, call: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = call();
        self.observe_vendor_call(venue, started.elapsed());
        result
    }

    pub fn observe_vendor_call(&self, venue: &str, took: Duration) {
        self.vendor_seconds.observe(&[venue], took);
    }

    /// A webhook event of `venue` was acknowledged (new, or a repeat of one kept before).
    pub fn count_webhook_accepted(&self, venue: &str) {
        self.webhook_accepted.inc(&[venue]);
    }

    pub fn count_webhook_refused(&self, venue: &str, why: WebhookRefusal) {
        self.webhook_refused.inc(&[venue, why.as_str()]);
    }

    pub fn webhook_accepted(&self, venue: &str) -> u64 {
        self.webhook_accepted.get(&[venue])
    }

    pub fn webhook_refused(&self, venue: &str, why: WebhookRefusal) -> u64 {
        self.webhook_refused.get(&[venue, why.as_str()])
    }

    /// The worker deleted `n` settled orders of `venue` after the retention period.
    pub fn count_pruned(&self, venue: &str, n: u64) {
        self.pruned.add(&[venue], n);
    }

    pub fn pruned(&self, venue: &str) -> u64 {
        self.pruned.get(&[venue])
    }

    /// The worker judged the clock (each pass).
    pub fn clock_judged(&self, doubt: Option<&ClockDoubt>) {
        let judgement = ClockJudgement {
            trusted: doubt.is_none(),
            reason: doubt.map_or("trusted", doubt_reason),
        };
        *self.clock.lock().unwrap_or_else(PoisonError::into_inner) = Some(judgement);
    }

    fn clock(&self) -> Option<ClockJudgement> {
        *self.clock.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The label value of a doubt.
fn doubt_reason(doubt: &ClockDoubt) -> &'static str {
    match doubt {
        ClockDoubt::BeforeLastSeen { .. } => "before_last_seen",
        ClockDoubt::BeforeBuild { .. } => "before_build",
        ClockDoubt::NotSynced => "not_synced",
    }
}
