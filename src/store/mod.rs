//! The SQLite store: one file in the data dir, WAL, `synchronous=FULL`, foreign keys on.
//!
//! Each thread opens its own [`Store`] on the same file (WAL lets readers run beside the one
//! writer; the busy timeout absorbs short waits). Only [`Store::open`] checks integrity and
//! migrates; it runs once at start.

mod check;
mod counts;
mod menus;
mod meta;
mod open;
mod orders;
mod outbox;
mod peers;
mod poll_times;
mod prefs;
mod prune;
mod salvage;
pub mod schema;
mod venue_orders;
mod watches;
mod webhook_events;

pub use peers::{PeerPage, PeerRow, PeerStatus};
pub use prefs::BadgePrefs;
pub use prune::FreeSpace;
pub use salvage::SalvageRecord;
pub use watches::DishWatch;
pub use webhook_events::KeptEvent;

pub use meta::VendorContact;
pub use orders::{HistoryEntry, OrderFilter};
pub use outbox::{OutboxChange, OutboxKind, OutboxRow, OutboxStatus};

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database file's name inside the data dir.
pub const FILE_NAME: &str = "kiosk.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database file: {0}")]
    Io(#[from] std::io::Error),
    /// A row that cannot be read back (a bad date, an unknown state): names the table and row.
    #[error("database content: {0}")]
    Corrupt(String),
    /// SQLite's integrity check found the file damaged.
    #[error("database file damaged: {0}")]
    Damaged(String),
    /// The file is newer than this program.
    #[error(
        "the database has schema version {found}, but this program knows only up to \
         {supported}: it was written by a newer canteen-kiosk"
    )]
    TooNew { found: u32, supported: u32 },
}

impl StoreError {
    /// Whether the file itself is damaged: the only error that may replace it.
    pub fn is_corruption(&self) -> bool {
        open::is_corruption(self)
    }

    /// Whether the error passes by itself (a full disk, a lock, an I/O hiccup) rather than
    /// being about the row that was read: the pass stops and starts over later, where an
    /// unreadable row is parked and the pass goes on.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Io(_) => true,
            StoreError::Sqlite(e) => !matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt) | None
            ),
            _ => false,
        }
    }

    /// What an admin can do about it, in a few words.
    pub fn advice(&self) -> &'static str {
        open::advice(self)
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What happened when the store was opened, for the log and the admin screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// The schema version found (0 for a new file).
    pub found_version: u32,
    /// Where a corrupt file was moved, and why.
    pub moved_aside: Option<(PathBuf, String)>,
}

/// The meta key under which a salvage stays recorded until an admin acknowledges it.
const SALVAGE_KEY: &str = "salvage";

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the store at `path`: checks integrity (quick, or in full after
    /// a failed [`Store::full_check`]) and applies migrations. Only a damaged file is replaced —
    /// moved aside (never deleted) after its unsettled orders were carried into a fresh one;
    /// every other error leaves the file as it is and goes up (see [`StoreError::advice`]).
    pub fn open(path: &Path) -> Result<(Store, OpenReport)> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        open::finish_interrupted_swap(path)?;
        let mut report = OpenReport::default();
        let conn = match Self::open_checked(path) {
            Ok(conn) => conn,
            Err(e) if e.is_corruption() => {
                let record = open::salvage_and_replace(path, &e.to_string())?;
                report.moved_aside = Some((record.moved_to.clone(), record.reason.clone()));
                Self::open_checked(path)?
            }
            Err(e) => return Err(e),
        };
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        report.found_version = store.migrate()?;
        Ok((store, report))
    }

    /// The salvage of a corrupt file this store was started from, until an admin
    /// acknowledges it.
    pub fn salvage_record(&self) -> Result<Option<SalvageRecord>> {
        Ok(self
            .meta(SALVAGE_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Records a salvage as [`Store::open`] does after replacing a corrupt file, so the
    /// screenshots can show one without breaking a file.
    pub fn record_salvage(&self, record: &SalvageRecord) -> Result<()> {
        let json = serde_json::to_string(record).unwrap_or_default();
        self.conn().execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            [SALVAGE_KEY, json.as_str()],
        )?;
        Ok(())
    }

    /// An admin has seen the salvage: it is no longer shown (the log keeps it).
    pub fn acknowledge_salvage(&self) -> Result<Option<SalvageRecord>> {
        let record = self.salvage_record()?;
        self.conn()
            .execute("DELETE FROM meta WHERE key = ?1", [SALVAGE_KEY])?;
        Ok(record)
    }

    /// A further connection to an already opened store (another thread).
    pub fn connect(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        configure(&conn)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn open_checked(path: &Path) -> Result<Connection> {
        let conn = Connection::open(path)?;
        configure(&conn)?;
        // Refused before the integrity check: a newer program's file is never moved aside.
        refuse_newer(schema::version(&conn)?)?;
        // At start only the small tables and the live work are checked (`check`), so the
        // first frame does not wait for years of history; the full integrity_check (every
        // table, also index contents) runs in the sync worker after start. If that one found
        // a problem, it left a marker and the full check runs here, so a restart moves the
        // bad file aside.
        let marker = check_failed_marker(path);
        let verdict: String = if marker.exists() {
            conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?
        } else {
            check::at_start(&conn)?
        };
        if verdict != "ok" {
            return Err(StoreError::Damaged(format!("integrity check: {verdict}")));
        }
        let _ = std::fs::remove_file(&marker);
        Ok(conn)
    }

    /// The full `PRAGMA integrity_check`, run by the sync worker once after start. On a
    /// problem a marker file is left so that the next start checks in full and moves the file
    /// aside; returns the problem.
    pub fn full_check(&self) -> Result<Option<String>> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if verdict == "ok" {
            return Ok(None);
        }
        std::fs::write(check_failed_marker(&self.path), &verdict)?;
        Ok(Some(verdict))
    }

    /// Reads the version and applies migrations in one immediate transaction; returns the
    /// version found. Immediate takes the write lock before the read, so of two processes
    /// opening the file at once (the kiosk and a CLI command) one migrates and the other
    /// waits (busy timeout), then finds the file current.
    fn migrate(&mut self) -> Result<u32> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = schema::version(&tx)?;
        refuse_newer(found)?;
        if found < schema::CURRENT_VERSION {
            schema::upgrade(&tx, found)?;
            tx.commit()?;
            log::info!(
                "database schema upgraded from version {found} to {}",
                schema::CURRENT_VERSION
            );
        }
        Ok(found)
    }

    /// `PRAGMA quick_check` on demand (admin screen, `status`): fast enough for the UI thread.
    pub fn health(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))?)
    }

    /// Size of the database file and its WAL, in bytes.
    pub fn size_bytes(&self) -> u64 {
        let wal = side(&self.path, "-wal");
        [self.path.as_path(), wal.as_path()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A file written by a newer program is refused, never touched.
fn refuse_newer(found: u32) -> Result<()> {
    if found > schema::CURRENT_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: schema::CURRENT_VERSION,
        });
    }
    Ok(())
}

/// Pragmas are set outside any transaction (SQLite ignores some inside one).
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Takes effect only in a new file, before its first table (and before WAL): then the
    // pages that pruning frees can be given back (`prune`). A no-op on an existing file.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let mode = wal_mode(conn)?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("database journal mode is {mode}, not WAL");
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 512 KiB of page cache per connection instead of SQLite's 2 MiB: the hot queries touch
    // a few indexed pages, the kernel's page cache holds the file anyway, and on a Pi with
    // 1 GB the kiosk's few connections each kept 2 MiB of copies (issue 15's PSS budget).
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    Ok(())
}

/// The page cache of each connection, in KiB (SQLite's negative cache_size).
const CACHE_KIB: i64 = -512;

/// How long a statement waits for another connection's lock before it gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Switches the file to WAL (a no-op once it is). Switching from another journal mode needs
/// the file to itself, and SQLite answers SQLITE_BUSY at once there instead of waiting in the
/// busy handler, so two processes opening an old file together retry here for as long as the
/// busy timeout would have waited.
fn wal_mode(conn: &Connection) -> Result<String> {
    let started = std::time::Instant::now();
    loop {
        // journal_mode answers with a row, so it is read, not just executed.
        match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)) {
            // (Where the busy handler did wait, the time is up at once.)
            Err(e)
                if started.elapsed() < BUSY_TIMEOUT
                    && e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return Ok(other?),
        }
    }
}

/// Left next to the database when the worker's full check failed.
fn check_failed_marker(path: &Path) -> PathBuf {
    side(path, ".check-failed")
}

/// A file beside the database: its WAL (`-wal`), a marker, a salvage copy (`.fresh`, …).
pub(crate) fn side(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// Unix seconds ↔ Timestamp, the one time format in the database.
pub(crate) fn to_secs(t: Timestamp) -> i64 {
    t.as_second()
}

pub(crate) fn from_secs(s: i64) -> Result<Timestamp> {
    Timestamp::from_second(s).map_err(|e| StoreError::Corrupt(format!("time {s}: {e}")))
}

pub(crate) fn parse_day(s: &str) -> Result<jiff::civil::Date> {
    s.parse()
        .map_err(|e| StoreError::Corrupt(format!("date {s:?}: {e}")))
}
