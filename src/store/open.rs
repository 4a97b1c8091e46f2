//! What an error at open means, and the one case that replaces the file.
//!
//! A kiosk must never drop a healthy file: a full disk, a read-only mount, too many open
//! files or another process holding a lock all pass, and the orders in the file are still
//! owed to the vendors. So only SQLite's own word that the file is damaged ("not a database",
//! "malformed", a failed integrity check) moves it aside, and then the unsettled orders are
//! carried into the fresh file first ([`super::salvage`]). Every other error goes up with
//! advice for the admin, and the file is left exactly as it was.
//!
//! The swap is crash-safe: the fresh file is built beside the old one (`<db>.fresh`), the old
//! one is moved aside, then the fresh one is renamed into place. A start that finds a
//! `.fresh` file and no database finishes the swap; one that finds both starts the salvage
//! over.

use super::salvage::{self, Carried, SalvageRecord};
use super::{StoreError, configure, schema};
use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode};
use std::path::{Path, PathBuf};

/// Whether a store error means the file itself is damaged (and only then may it be moved
/// aside).
pub fn is_corruption(e: &StoreError) -> bool {
    match e {
        StoreError::Damaged(_) => true,
        StoreError::Sqlite(e) => matches!(
            e.sqlite_error_code(),
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
        ),
        _ => false,
    }
}

/// What an admin can do about an error that kept the store from opening.
pub fn advice(e: &StoreError) -> &'static str {
    let code = match e {
        StoreError::Sqlite(e) => e.sqlite_error_code(),
        StoreError::Io(e) => {
            return match e.kind() {
                std::io::ErrorKind::PermissionDenied => {
                    "the kiosk user cannot write its data dir: check its owner and mode"
                }
                std::io::ErrorKind::StorageFull => "the disk is full: free some space",
                _ => "check that the data dir exists and is writable",
            };
        }
        StoreError::TooNew { .. } => {
            return "run the newer canteen-kiosk again, or move the file away to start empty";
        }
        _ => None,
    };
    match code {
        Some(ErrorCode::DiskFull) => {
            "the disk is full: free some space (df -h); the orders in the file are kept"
        }
        Some(ErrorCode::ReadOnly) => {
            "the data dir or its disk is read-only: check the mount and the file's owner"
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "another process holds the database (a second canteen-kiosk, an sqlite3 shell?): \
             stop it; the kiosk retries by itself"
        }
        Some(ErrorCode::CannotOpen) => {
            "the file cannot be opened: check the data dir's permissions and the limit on open \
             files (ulimit -n)"
        }
        Some(ErrorCode::PermissionDenied) => "the kiosk user may not read or write the file",
        Some(ErrorCode::SystemIoFailure) => {
            "the disk answered with an I/O error: check free space and the SD card (dmesg)"
        }
        _ => "see the log; the file was left as it is",
    }
}

/// The fresh file built beside `path` during a salvage.
fn fresh_path(path: &Path) -> PathBuf {
    super::side(path, ".fresh")
}

/// Finishes a swap that a crash interrupted: a `.fresh` file with no database next to it is
/// the salvaged store, whose old file was already moved aside. A `.fresh` file next to a
/// database is a salvage that did not get that far: it is thrown away and done again.
pub fn finish_interrupted_swap(path: &Path) -> std::io::Result<()> {
    let fresh = fresh_path(path);
    if !fresh.exists() {
        return Ok(());
    }
    if path.exists() {
        salvage::remove_with_sides(&fresh);
    } else {
        log::warn!("finishing a database swap that was interrupted");
        std::fs::rename(&fresh, path)?;
    }
    Ok(())
}

/// Replaces the corrupt file at `path`: builds a fresh store with the old file's unsettled
/// orders, moves the old file aside (never deletes it) and puts the fresh one in its place.
pub fn salvage_and_replace(path: &Path, reason: &str) -> Result<SalvageRecord, StoreError> {
    let copy = super::side(path, ".salvage");
    let fresh = fresh_path(path);
    salvage::remove_with_sides(&copy);
    salvage::remove_with_sides(&fresh);
    let started = std::time::Instant::now();
    let carried = match salvage::copy_with_wal(path, &copy) {
        Ok(()) => build_fresh(&copy, &fresh)?,
        Err(e) => {
            log::error!("salvage: the corrupt file cannot be copied ({e}); nothing carried over");
            build_fresh(Path::new(""), &fresh)?
        }
    };
    salvage::remove_with_sides(&copy);
    let aside = move_aside(path)?;
    let record = SalvageRecord {
        at: Timestamp::now().as_second(),
        moved_to: aside,
        reason: reason.to_string(),
        orders_carried: carried.orders,
        rows_unreadable: carried.unreadable,
    };
    write_record(&fresh, &record)?;
    std::fs::rename(&fresh, path)?;
    log::error!(
        "database {} was corrupt ({reason}); moved it to {}; {} unsettled orders carried over, \
         {} rows could not be read ({} ms); menus are fetched again",
        path.display(),
        record.moved_to.display(),
        record.orders_carried,
        record.rows_unreadable,
        started.elapsed().as_millis()
    );
    Ok(record)
}

/// A migrated store at `fresh` holding what could be read from `old` (nothing if `old` is
/// empty or unreadable).
fn build_fresh(old: &Path, fresh: &Path) -> Result<Carried, StoreError> {
    let mut conn = Connection::open(fresh)?;
    configure(&conn)?;
    let tx = conn.transaction()?;
    schema::upgrade(&tx, 0)?;
    tx.commit()?;
    if old.as_os_str().is_empty() {
        return Ok(Carried::default());
    }
    Ok(salvage::carry_over(old, &mut conn)?)
}

fn write_record(fresh: &Path, record: &SalvageRecord) -> Result<(), StoreError> {
    let conn = Connection::open(fresh)?;
    let json = serde_json::to_string(record).unwrap_or_default();
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        [super::SALVAGE_KEY, json.as_str()],
    )?;
    // Closing checkpoints the WAL into the file, so the rename moves everything.
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// Moves a bad database (and its WAL and shared-memory files) aside with a timestamped name.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
    let aside = PathBuf::from(format!("{}.corrupt-{stamp}", path.display()));
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let side = super::side(path, suffix);
        if side.exists() {
            let _ = std::fs::rename(&side, super::side(&aside, suffix));
        }
    }
    Ok(aside)
}
