//! canteen-kiosk: the software of a canteen's ordering kiosk.
//!
//! See README.md for the architecture: domain rules (pure), config, store (SQLite), vendor
//! adapters, the sync worker, the kiosk service shared by UI and CLI, and the Slint UI. The
//! command line itself is part of the binary (`src/cli/`).

pub mod admin;
pub mod app;
pub mod badge_input;
/// The large synthetic store of the benchmarks and `examples/` (`--features bench-data`);
/// not part of the product.
#[cfg(feature = "bench-data")]
#[doc(hidden)]
pub mod bench_data;
pub mod config;
pub mod domain;
pub mod instance;
pub mod kiosk;
pub mod logging;
pub mod metrics;
pub mod peers;
pub mod reload;
pub mod serve;
pub mod start_time;
pub mod store;
pub mod sync;
pub mod ui;
pub mod vendors;
