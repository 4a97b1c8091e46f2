//! What the commands set up before they act: the config, and the kiosk service on the store,
//! with or without its worker.

use super::error::CliError;
use canteen_kiosk::app::{self, App};
use canteen_kiosk::config::{Config, Venue};
use canteen_kiosk::domain::{Clock, SystemClock};
use canteen_kiosk::kiosk::{Kiosk, KioskError};
use std::path::Path;
use std::sync::Arc;

/// The config of `--config`, the default file, or the demo; a config with problems cannot
/// run a command (exit 3, as any file the command needs).
pub fn load_config(explicit: Option<&Path>) -> Result<Config, CliError> {
    app::load_config(explicit).map_err(CliError::failed)
}

pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock::new())
}

/// A kiosk service on the store, without a worker (read-only commands).
pub fn with_kiosk<T>(
    config: Config,
    f: impl FnOnce(&mut Kiosk) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let config = Arc::new(config);
    let (store, _) = app::open_store(&config).map_err(CliError::failed)?;
    let mut kiosk = Kiosk::new(config, store, system_clock());
    f(&mut kiosk)
}

/// The kiosk with its worker: an order or cancel made here is sent at once if it can be.
pub fn with_app<T>(
    config: Config,
    f: impl FnOnce(&mut Kiosk) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let mut app = App::start(config, system_clock()).map_err(CliError::failed)?;
    let result = f(&mut app.kiosk);
    // Give the worker one pass to send what was just saved; what it cannot send stays queued.
    let _ = app.worker.handle.step_now();
    app.shutdown();
    result
}

/// The venue named by `--venue`, else the config's first.
pub fn pick_venue<'a>(k: &'a Kiosk, venue: Option<&str>) -> Result<&'a Venue, CliError> {
    match venue {
        Some(v) => k.venue(v).map_err(CliError::failed),
        None => k
            .config()
            .venues
            .first()
            .ok_or_else(|| CliError::failed("the config has no venue")),
    }
}

/// What `retry` and `discard` say when the row is not parked (exit 1) or the store failed.
pub fn parked_row_error(row: i64, e: KioskError) -> CliError {
    match e {
        KioskError::NoSuchOrder => CliError::refused(format!(
            "outbox row {row} is not parked (`canteen-kiosk status` lists the parked rows)"
        )),
        e => CliError::failed(e),
    }
}
