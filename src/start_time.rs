//! The moment the process started, so start-up figures in the log ("store opened after N ms",
//! "first frame shown after N ms") count from there. A module of its own because the store,
//! the worker and the window all report against it.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the process; `main` calls it first.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Milliseconds since [`mark_start`] (since the first call, if `main` did not mark it).
pub fn ms_since_start() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}
