//! Putting the pieces together: the store, the vendors, the sync worker and the kiosk
//! service, the same way for the window, the CLI and the tests.

use crate::config::{Config, VendorSettings};
use crate::domain::Clock;
use crate::kiosk::Kiosk;
use crate::store::{self, OpenReport, Store};
use crate::sync::{Engine, Listeners, SharedStatus, Worker, WorkerHandle};
use crate::vendors::{self, Vendor};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the process; `main` calls it first so start-up figures in the log
/// ("store opened after N ms", "first frame shown after N ms") count from there.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Milliseconds since [`mark_start`] (since the first call, if `main` did not mark it).
pub fn ms_since_start() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

/// The database path of a config.
pub fn db_path(config: &Config) -> PathBuf {
    config.kiosk.data_dir.join(store::FILE_NAME)
}

/// Opens the store once (integrity check, migrations, roster), logging what happened.
pub fn open_store(config: &Config) -> Result<(Store, OpenReport), String> {
    let path = db_path(config);
    log::debug!("opening the store after {} ms", ms_since_start());
    let (mut store, report) =
        Store::open(&path).map_err(|e| format!("{}: {e} — {}", path.display(), e.advice()))?;
    if let Some((aside, reason)) = &report.moved_aside {
        log::error!(
            "database was unreadable ({reason}); the old file is at {}",
            aside.display()
        );
    }
    store
        .sync_employees(&config.badges)
        .map_err(|e| e.to_string())?;
    log::info!(
        "store {} opened and checked after {} ms",
        path.display(),
        ms_since_start()
    );
    Ok((store, report))
}

/// One vendor connection per venue.
pub fn connect_vendors(config: &Config) -> HashMap<String, Box<dyn Vendor>> {
    config
        .venues
        .iter()
        .map(|v| (v.key.clone(), vendors::connect(config, v)))
        .collect()
}

/// Whether the config runs only on the built-in simulated vendor.
pub fn is_demo(config: &Config) -> bool {
    config
        .venues
        .iter()
        .all(|v| matches!(v.vendor, VendorSettings::Demo))
}

/// The running kiosk: the service for the UI thread and the worker behind it.
pub struct App {
    pub config: Arc<Config>,
    pub kiosk: Kiosk,
    pub worker: Worker,
    pub listeners: Listeners,
    pub status: SharedStatus,
    pub open_report: OpenReport,
}

impl App {
    /// Opens the store and starts the sync worker.
    pub fn start(config: Config, clock: Arc<dyn Clock>) -> Result<App, String> {
        let config = Arc::new(config);
        let (store, open_report) = open_store(&config)?;
        let listeners = Listeners::default();
        let status = SharedStatus::default();
        let worker_store = Store::connect(store.path()).map_err(|e| e.to_string())?;
        let engine = Engine::new(
            config.clone(),
            worker_store,
            clock.clone(),
            connect_vendors(&config),
        )
        .with_listeners(listeners.clone())
        .with_status(status.clone());
        let worker = Worker::spawn(engine, clock.clone())
            .map_err(|e| format!("cannot start the sync worker: {e}"))?;
        log::debug!("sync worker started after {} ms", ms_since_start());
        start_webhook_listeners(&config, &worker.handle);
        let kiosk =
            Kiosk::new(config.clone(), store, clock).with_waker(Arc::new(worker.handle.clone()));
        Ok(App {
            config,
            kiosk,
            worker,
            listeners,
            status,
            open_report,
        })
    }

    /// Stops the worker and waits for it (the outbox keeps whatever was not sent).
    pub fn shutdown(self) {
        self.worker.handle.shutdown();
        let _ = self.worker.thread.join();
    }
}

/// Starts a webhook receiver for each Liefersoft venue that has one: verified events go to
/// the worker, which applies them like a status poll. A listener that cannot start is logged
/// (the kiosk still works by polling).
fn start_webhook_listeners(config: &Config, worker: &WorkerHandle) {
    for venue in &config.venues {
        let VendorSettings::Liefersoft(s) = &venue.vendor else {
            continue;
        };
        let Some(hook) = &s.webhook else { continue };
        let handle = worker.clone();
        let key = venue.key.clone();
        match crate::vendors::webhook::serve(&hook.listen, hook.secret.clone(), move |update| {
            handle.push_update(&key, update)
        }) {
            Ok(_) => log::info!(
                "webhook receiver of {} listening on {}",
                venue.key,
                hook.listen
            ),
            Err(e) => log::error!(
                "webhook receiver of {} cannot listen on {}: {e}; orders are polled instead",
                venue.key,
                hook.listen
            ),
        }
    }
}
