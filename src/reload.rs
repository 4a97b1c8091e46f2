//! Config reload without restart: on SIGHUP, or when the config file (or the secrets or badges
//! file it names) changes on disk, the file is checked first; a config with problems is not
//! taken (the old one stays) and its problems are kept for the admin screen.

use crate::config::{self, Config, ConfigReport};
use crate::sync::{Change, Listeners, WorkerHandle, worker::Msg};
use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

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

/// A burst of writes (an editor saving, `cp` of several files) is one reload: after a change
/// the watcher waits until the files have been quiet this long.
const SETTLE: Duration = Duration::from_millis(500);

impl Reloader {
    /// Reloads when the config file, or the secrets or badges file it names, is written or
    /// replaced. The `notify` crate watches their directories (editors and `sed -i` write a
    /// new file and rename it over the old one); its events come over a channel, and this
    /// thread blocks on it: it never polls.
    pub fn watch_files(self) -> std::io::Result<JoinHandle<()>> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(std::io::Error::other)?;
        std::thread::Builder::new()
            .name("config-watch".into())
            .spawn(move || {
                loop {
                    let files = watched_files(&self.path);
                    watch_dirs(&mut watcher, &files);
                    if !wait_for_change(&events, &files) {
                        log::warn!("config file watch stopped");
                        return;
                    }
                    settle(&events);
                    let _ = self.reload();
                }
            })
    }
}

/// Watches the directory of each file (watching one twice is harmless).
fn watch_dirs(watcher: &mut impl Watcher, files: &[PathBuf]) {
    for dir in files.iter().map(|f| dir_of(f)) {
        if let Err(e) = watcher.watch(dir, RecursiveMode::NonRecursive) {
            log::warn!("cannot watch {} for config changes: {e}", dir.display());
        }
    }
}

fn dir_of(file: &Path) -> &Path {
    file.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Blocks until one of `files` is written and closed, or renamed into place. False when the
/// watcher is gone.
fn wait_for_change(events: &Receiver<notify::Result<Event>>, files: &[PathBuf]) -> bool {
    // The watcher reports absolute paths (a relative directory joined to the working one).
    let files: Vec<PathBuf> = files
        .iter()
        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
        .collect();
    for event in events {
        match event {
            Ok(e) if is_save(&e.kind) && e.paths.iter().any(|p| files.contains(p)) => {
                return true;
            }
            Ok(_) => {}
            Err(e) => log::warn!("config file watch: {e}"),
        }
    }
    false
}

/// A file written and closed, or renamed into place (not every write of a file still open).
fn is_save(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

/// Swallows further events until there was none for [`SETTLE`].
fn settle(events: &Receiver<notify::Result<Event>>) {
    while events.recv_timeout(SETTLE).is_ok() {}
}

/// The config file and the secrets and badges files it names (relative to its directory).
/// Read leniently: a broken file still has its own path watched, so fixing it reloads.
pub fn watched_files(config_path: &Path) -> Vec<PathBuf> {
    let mut files = vec![config_path.to_path_buf()];
    let dir = config_path.parent().unwrap_or(Path::new("."));
    let table = std::fs::read_to_string(config_path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok());
    if let Some(table) = table {
        for key in ["secrets_file", "badges_file"] {
            if let Some(name) = table.get(key).and_then(|v| v.as_str()) {
                files.push(dir.join(name));
            }
        }
    }
    files
}

/// The config file a running kiosk reloads from (none for the built-in demo).
pub fn reload_path(config: &Config) -> Option<&Path> {
    config.path.as_deref()
}
