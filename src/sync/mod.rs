//! The sync worker: the only code that talks to vendors. It sleeps on a channel, wakes for
//! new outbox rows, timers and webhook events, and drains the durable outbox.

mod notify;

pub use notify::{Change, Listeners, SharedStatus, SyncStatus};
pub mod backoff;
mod engine;
pub mod worker;

pub use backoff::RetryPolicy;
pub use engine::{Engine, StepReport, import_menu_files, remote_event};
pub use worker::{Worker, WorkerHandle};
