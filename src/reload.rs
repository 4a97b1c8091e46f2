//! Config reload without restart: on SIGHUP the file is checked first; a config with problems
//! is not taken (the old one stays) and its problems are kept for the admin screen.

use crate::config::{self, Config, ConfigReport};
use crate::sync::{Change, Listeners, WorkerHandle, worker::Msg};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the last reload left for the UI thread to pick up.
#[derive(Default)]
pub struct ReloadState {
    /// A new config the UI has not taken yet.
    pending: Mutex<Option<Arc<Config>>>,
    /// The problems of the last reload that was refused (empty when the last one was fine).
    problems: Mutex<String>,
}

impl ReloadState {
    /// Takes the new config, if a reload brought one.
    pub fn take_pending(&self) -> Option<Arc<Config>> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    pub fn problems(&self) -> String {
        self.problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Everything a reload reaches.
#[derive(Clone)]
pub struct Reloader {
    pub path: PathBuf,
    pub state: Arc<ReloadState>,
    pub worker: WorkerHandle,
    pub listeners: Listeners,
}

impl Reloader {
    /// Checks the file and, if it is fine, hands it to the worker and (through `Change::Config`)
    /// to the UI. If not, nothing changes but the problems shown to the admin.
    pub fn reload(&self) -> Result<Arc<Config>, ConfigReport> {
        log::info!("reloading the config from {}", self.path.display());
        match config::load(&self.path) {
            Ok(new) => {
                let new = Arc::new(new);
                *self.state.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(new.clone());
                self.state
                    .problems
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clear();
                self.worker.send(Msg::Reload(new.clone()));
                self.listeners.notify(Change::Config);
                log::info!("config reloaded");
                Ok(new)
            }
            Err(report) => {
                log::error!("config reload refused, the old config stays:\n{report}");
                *self
                    .state
                    .problems
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = report.to_string();
                self.listeners.notify(Change::Config);
                Err(report)
            }
        }
    }

    /// Reloads on every SIGHUP (`systemctl reload canteen-kiosk`), on a thread that blocks
    /// on the signal.
    pub fn watch_sighup(self) -> std::io::Result<JoinHandle<()>> {
        let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGHUP])?;
        std::thread::Builder::new()
            .name("config-reload".into())
            .spawn(move || {
                for _ in signals.forever() {
                    let _ = self.reload();
                }
            })
    }
}

/// The config file a running kiosk reloads from (none for the built-in demo).
pub fn reload_path(config: &Config) -> Option<&Path> {
    config.path.as_deref()
}
