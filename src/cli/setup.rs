//! What the commands set up before they act: the config, and the kiosk service on the store,
//! with or without its worker.

use super::error::{CliError, CliResult};
use canteen_kiosk::app;
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
    let clock = system_clock();
    let (store, _) = app::open_store(&config, clock.as_ref()).map_err(CliError::failed)?;
    let mut kiosk = Kiosk::new(config, store, clock);
    f(&mut kiosk)
}

/// A command that saves (order, cancel, retry): `save` on the kiosk service, then the data
/// dir's one worker is asked to send it — the running kiosk's, woken over its socket, or,
/// where no kiosk runs, one pass in this process —, then `show` prints what became of it (an
/// order that this pass sent, or whose row it parked, says so). What cannot be sent stays
/// queued.
pub fn with_saving_kiosk<T>(
    config: Config,
    save: impl FnOnce(&mut Kiosk) -> Result<T, CliError>,
    show: impl FnOnce(&Kiosk, T) -> CliResult,
) -> CliResult {
    let config = Arc::new(config);
    let clock = system_clock();
    let (store, _) = app::open_store(&config, clock.as_ref()).map_err(CliError::failed)?;
    let mut kiosk = Kiosk::new(config.clone(), store, clock);
    let saved = save(&mut kiosk)?;
    match app::pass_for_cli(&config, false) {
        Ok(app::PassBy::ThisProcess(report)) => {
            if let Some(e) = report.store_error {
                log::error!("saved, but the pass that sends it stopped: {e}");
            }
        }
        Ok(_) => log::debug!("the running kiosk was woken to send it"),
        // Saved all the same: the next pass of any worker sends it.
        Err(e) => log::warn!("saved; not sent yet: {e}"),
    }
    show(&kiosk, saved)
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

/// Who runs a command that changes something, for the log ("command line (ada)").
pub fn who() -> String {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .map(|u| format!("command line ({u})"))
        .unwrap_or_else(|_| "command line".into())
}

/// `canteen-kiosk menu | head` must end quietly when `head` has read enough: Rust ignores
/// SIGPIPE, so every `println!` after the reader left would panic with "Broken pipe". A
/// read-only command gets the default action back, as every Unix filter has it, and the
/// kernel ends it without a word. Never for the kiosk itself or a command that talks to it
/// over its socket: there a closed peer is an error to report, not a reason to vanish.
pub fn end_quietly_on_closed_stdout() {
    // SAFETY: called on the main thread before any other thread exists; SIG_DFL is always a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
