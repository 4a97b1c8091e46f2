//! Config reload without restart: on SIGHUP, or when the config file (or the secrets or badges
//! file it names) changes on disk, the file is checked first; a config with problems is not
//! taken (the old one stays) and its problems are kept for the admin screen.

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

/// A burst of writes (an editor saving, `cp` of several files) is one reload: after a change
/// the watcher waits until the files have been quiet this long.
const SETTLE_MS: i32 = 500;

impl Reloader {
    /// Reloads when the config file, or the secrets or badges file it names, is written or
    /// replaced (inotify on their directories: editors and `sed -i` write a new file and
    /// rename it over the old one). The thread blocks in `read`; it never polls.
    pub fn watch_files(self) -> std::io::Result<JoinHandle<()>> {
        let watcher = inotify::Watcher::new()?;
        std::thread::Builder::new()
            .name("config-watch".into())
            .spawn(move || {
                loop {
                    let files = watched_files(&self.path);
                    if let Err(e) = watcher.watch_dirs(&files) {
                        log::warn!("config file watch stopped: {e}");
                        return;
                    }
                    match watcher.wait_for_change(&files) {
                        Ok(()) => {
                            watcher.settle(SETTLE_MS);
                            let _ = self.reload();
                        }
                        Err(e) => {
                            log::warn!("config file watch stopped: {e}");
                            return;
                        }
                    }
                }
            })
    }
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

/// A minimal inotify binding (libc): watch directories, block until a named file in one of
/// them is written or renamed into place.
mod inotify {
    use std::collections::HashMap;
    use std::ffi::{CString, OsStr};
    use std::io;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    const MASK: u32 = libc::IN_CLOSE_WRITE | libc::IN_MOVED_TO;

    pub struct Watcher {
        fd: libc::c_int,
        /// Watch descriptor → directory.
        dirs: Mutex<HashMap<libc::c_int, PathBuf>>,
    }

    impl Watcher {
        pub fn new() -> io::Result<Watcher> {
            // SAFETY: plain syscall; the fd is owned by the Watcher and closed in Drop.
            let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(Watcher {
                fd,
                dirs: Mutex::new(HashMap::new()),
            })
        }

        /// Watches the directory of each file (adding a directory twice is harmless).
        pub fn watch_dirs(&self, files: &[PathBuf]) -> io::Result<()> {
            let mut dirs = self.dirs.lock().unwrap_or_else(|p| p.into_inner());
            for f in files {
                let dir = f
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                let c = CString::new(dir.as_os_str().as_bytes())
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in path"))?;
                // SAFETY: `c` is a valid NUL-terminated path.
                let wd = unsafe { libc::inotify_add_watch(self.fd, c.as_ptr(), MASK) };
                if wd < 0 {
                    let e = io::Error::last_os_error();
                    log::warn!("cannot watch {} for config changes: {e}", dir.display());
                    continue;
                }
                dirs.insert(wd, dir.to_path_buf());
            }
            Ok(())
        }

        /// Blocks until one of `files` is written or renamed into place.
        pub fn wait_for_change(&self, files: &[PathBuf]) -> io::Result<()> {
            let mut buf = [0u8; 4096];
            loop {
                let n = self.read(&mut buf)?;
                let dirs = self.dirs.lock().unwrap_or_else(|p| p.into_inner());
                if events(&buf[..n]).any(|(wd, name)| {
                    dirs.get(&wd)
                        .is_some_and(|d| files.iter().any(|f| f == &d.join(name)))
                }) {
                    return Ok(());
                }
            }
        }

        /// Swallows further events until there was none for `quiet_ms`.
        pub fn settle(&self, quiet_ms: i32) {
            let mut buf = [0u8; 4096];
            loop {
                let mut pfd = libc::pollfd {
                    fd: self.fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd.
                let ready = unsafe { libc::poll(&mut pfd, 1, quiet_ms) };
                if ready <= 0 || self.read(&mut buf).is_err() {
                    return;
                }
            }
        }

        fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
            loop {
                // SAFETY: `buf` is writable for its length.
                let n = unsafe { libc::read(self.fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n >= 0 {
                    return Ok(n as usize);
                }
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }

    impl Drop for Watcher {
        fn drop(&mut self) {
            // SAFETY: the fd is ours and closed once.
            unsafe { libc::close(self.fd) };
        }
    }

    /// The (watch descriptor, file name) of each event in a read buffer.
    fn events(buf: &[u8]) -> impl Iterator<Item = (libc::c_int, &OsStr)> {
        const HEAD: usize = std::mem::size_of::<libc::inotify_event>();
        let mut at = 0;
        std::iter::from_fn(move || {
            if at + HEAD > buf.len() {
                return None;
            }
            let wd = libc::c_int::from_ne_bytes(buf[at..at + 4].try_into().ok()?);
            let len = u32::from_ne_bytes(buf[at + 12..at + 16].try_into().ok()?) as usize;
            let name_bytes = buf.get(at + HEAD..at + HEAD + len)?;
            at += HEAD + len;
            let end = name_bytes.iter().position(|b| *b == 0).unwrap_or(len);
            Some((wd, OsStr::from_bytes(&name_bytes[..end])))
        })
    }
}

/// The config file a running kiosk reloads from (none for the built-in demo).
pub fn reload_path(config: &Config) -> Option<&Path> {
    config.path.as_deref()
}
