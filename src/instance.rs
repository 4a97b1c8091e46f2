//! One kiosk per data dir.
//!
//! The running kiosk (window or `serve`) holds an exclusive lock on `<data dir>/kiosk.lock`
//! and is then the only process that runs the sync worker and the HTTP listeners. The kernel
//! releases the lock when the process ends, however it ends (kill -9 and power cuts
//! included), so a stale lock cannot keep a kiosk from starting.
//!
//! CLI commands save through the store as always, then wake that kiosk's worker over a Unix
//! socket, `<data dir>/kiosk.sock`, one line per request:
//! - `wake` → `ok`: new rows are waiting;
//! - `sync` → the JSON report of one pass the worker ran for the caller.
//!
//! Only a process that holds the lock may run a pass itself, so two CLI commands never
//! race each other either.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const LOCK_FILE: &str = "kiosk.lock";
pub const SOCKET_FILE: &str = "kiosk.sock";

/// How long a CLI command waits for the running kiosk's pass (a slow vendor's timeouts).
const SYNC_ANSWER_TIMEOUT: Duration = Duration::from_secs(180);
const WAKE_ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// What the running kiosk does for a CLI command.
pub trait Control: Send + Sync + 'static {
    /// New rows are waiting: start a pass soon.
    fn wake(&self);
    /// Run one pass now and answer with its report as JSON (`None`: the worker is gone).
    fn sync_now(&self) -> Option<String>;
}

/// The exclusive right to run this data dir's worker, for as long as the value lives.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    data_dir: PathBuf,
}

/// The answer of [`claim`].
#[derive(Debug)]
pub enum Claim {
    /// No kiosk runs on this data dir: this process may run the worker.
    Ours(InstanceLock),
    /// Another process holds the lock; its PID as it recorded it.
    Held { pid: Option<u32> },
}

/// Tries to take the data dir's lock without waiting.
pub fn claim(data_dir: &Path) -> std::io::Result<Claim> {
    std::fs::create_dir_all(data_dir)?;
    let path = data_dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => {
            // The PID is for people (`status`, the log); the lock itself is the flock.
            file.set_len(0)?;
            writeln!(file, "{}", std::process::id())?;
            Ok(Claim::Ours(InstanceLock {
                _file: file,
                data_dir: data_dir.to_path_buf(),
            }))
        }
        Err(std::fs::TryLockError::WouldBlock) => Ok(Claim::Held {
            pid: std::fs::read_to_string(&path)
                .ok()
                .and_then(|s| s.trim().parse().ok()),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

impl InstanceLock {
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Listens on the data dir's socket for CLI commands, on a thread of its own that blocks
    /// in `accept`. A socket file left by a kiosk that died is replaced: holding the lock
    /// proves no other kiosk uses it.
    pub fn listen(&self, control: impl Control) -> std::io::Result<()> {
        let path = self.data_dir.join(SOCKET_FILE);
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path)?;
        // The kiosk user and its group (an admin's shell in the group) may wake it.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660))?;
        std::thread::Builder::new()
            .name("control-socket".into())
            .spawn(move || serve(listener, control))?;
        log::debug!("control socket listening at {}", path.display());
        Ok(())
    }
}

fn serve(listener: UnixListener, control: impl Control) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if let Err(e) = answer(stream, &control) {
                    log::warn!("control socket: {e}");
                }
            }
            Err(e) => {
                log::error!("control socket stopped accepting: {e}");
                return;
            }
        }
    }
}

/// One request, answered in turn: requests are rare (an admin's command), and the worker
/// runs one pass at a time anyway.
fn answer(stream: UnixStream, control: &impl Control) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut line = String::new();
    // A request is one word: read at most a short line.
    BufReader::new(std::io::Read::take(&stream, 64)).read_line(&mut line)?;
    let reply = match line.trim() {
        "wake" => {
            control.wake();
            "ok".to_string()
        }
        "sync" => control
            .sync_now()
            .unwrap_or_else(|| "error: the sync worker has stopped".into()),
        other => format!("error: unknown request {other:?}"),
    };
    let mut stream = stream;
    stream.write_all(reply.as_bytes())?;
    stream.write_all(b"\n")
}

/// What a CLI command asks of the running kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Wake,
    Sync,
}

/// Sends a request to the kiosk running on `data_dir`. `Ok(None)`: no kiosk listens there.
pub fn request(data_dir: &Path, req: Request) -> std::io::Result<Option<String>> {
    let path = data_dir.join(SOCKET_FILE);
    let mut stream = match UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let (word, wait) = match req {
        Request::Wake => ("wake\n", WAKE_ANSWER_TIMEOUT),
        Request::Sync => ("sync\n", SYNC_ANSWER_TIMEOUT),
    };
    stream.set_read_timeout(Some(wait))?;
    stream.write_all(word.as_bytes())?;
    let mut reply = String::new();
    BufReader::new(stream).read_line(&mut reply)?;
    Ok(Some(reply.trim_end().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Counting(Arc<AtomicU32>);

    impl Control for Counting {
        fn wake(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        fn sync_now(&self) -> Option<String> {
            Some(format!("{{\"passes\":{}}}", self.0.load(Ordering::SeqCst)))
        }
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ck-inst-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn one_holder_per_data_dir_and_the_lock_goes_with_it() {
        let d = dir("lock");
        let Claim::Ours(lock) = claim(&d).unwrap() else {
            panic!("a fresh dir is free");
        };
        match claim(&d).unwrap() {
            Claim::Held { pid } => assert_eq!(pid, Some(std::process::id())),
            Claim::Ours(_) => panic!("a second claim must fail while the first holds"),
        }
        drop(lock);
        assert!(matches!(claim(&d).unwrap(), Claim::Ours(_)));
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_cli_wakes_the_holder_and_asks_it_for_a_pass() {
        let d = dir("sock");
        assert_eq!(
            request(&d, Request::Wake).unwrap(),
            None,
            "nobody listens yet"
        );
        let Claim::Ours(lock) = claim(&d).unwrap() else {
            panic!("free");
        };
        let wakes = Arc::new(AtomicU32::new(0));
        lock.listen(Counting(wakes.clone())).unwrap();
        assert_eq!(request(&d, Request::Wake).unwrap().as_deref(), Some("ok"));
        assert_eq!(wakes.load(Ordering::SeqCst), 1);
        assert_eq!(
            request(&d, Request::Sync).unwrap().as_deref(),
            Some("{\"passes\":1}")
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_socket_left_by_a_dead_kiosk_is_no_kiosk() {
        let d = dir("stale");
        std::fs::create_dir_all(&d).unwrap();
        // A socket file nobody listens on (its kiosk was killed).
        drop(UnixListener::bind(d.join(SOCKET_FILE)).unwrap());
        assert_eq!(request(&d, Request::Wake).unwrap(), None);
        let _ = std::fs::remove_dir_all(&d);
    }
}
