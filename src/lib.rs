//! canteen-kiosk: the software of a canteen's ordering kiosk.
//!
//! See README.md for the architecture: domain rules (pure), config, store (SQLite), vendor
//! adapters, the sync worker, the kiosk service shared by UI and CLI, and the Slint UI.

pub mod admin;
pub mod app;
#[doc(hidden)]
pub mod bench_data;
pub mod cli;
pub mod config;
pub mod domain;
pub mod instance;
pub mod kiosk;
pub mod reload;
pub mod store;
pub mod sync;
pub mod ui;
pub mod vendors;
