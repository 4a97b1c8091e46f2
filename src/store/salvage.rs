//! Carrying what matters out of a corrupt database file.
//!
//! Only SQLite's own verdict ("not a database", "malformed", a failed integrity check) makes a
//! file corrupt (`open.rs`); then every order that is not settled, with its lines and
//! its open outbox rows, is read row by row from a copy of the old file — what cannot be read
//! is skipped and counted — and written into the fresh file before the kiosk takes orders.
//! So are the webhook events (acknowledged to the platform) and what employees asked the
//! kiosk to remember (preferences, watched dishes). Menus are not carried: the worker fetches
//! them again.

use super::side;
use crate::domain::OrderState;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The columns copied, in the order of the current schema (the tables are unchanged since v1).
const ORDER_COLUMNS: &[&str] = &[
    "id",
    "venue",
    "badge",
    "day",
    "serving",
    "state",
    "state_before_cancel",
    "vendor_ref",
    "vendor_hash",
    "vendor_status",
    "reason",
    "created_at",
    "updated_at",
];
const LINE_COLUMNS: &[&str] = &[
    "order_id",
    "position",
    "article_id",
    "name",
    "quantity",
    "unit_price_cents",
    "vat_hundredths",
];
const OUTBOX_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "order_id",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "updated_at",
];

const WEBHOOK_COLUMNS: &[&str] = &[
    "venue",
    "event_id",
    "received_at",
    "body",
    "applied_at",
    "note",
];

const PREFS_COLUMNS: &[&str] = &["badge", "venue", "large_text", "high_contrast", "updated"];

const WATCH_COLUMNS: &[&str] = &["badge", "venue", "day", "dish", "until"];

const TOLD_COLUMNS: &[&str] = &["badge", "notice", "about", "at"];

/// Where rowids are looked for one by one when a table cannot be scanned: this many past the
/// last readable rowid (a kiosk's tables hold thousands of rows, not millions).
const PROBE_PAST_LAST: i64 = 200_000;

/// What a salvage did, kept in the fresh store (meta key `salvage`) until an admin
/// acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalvageRecord {
    /// When the file was moved aside (unix seconds).
    pub at: i64,
    /// Where the corrupt file is now.
    pub moved_to: PathBuf,
    /// SQLite's verdict on the old file.
    pub reason: String,
    /// Orders not yet settled that were carried into the fresh file.
    pub orders_carried: u32,
    /// Order rows (and orders whose lines) that could not be read: their state is unknown.
    pub rows_unreadable: u32,
}

/// Counts of one salvage pass.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    pub orders: u32,
    pub unreadable: u32,
}

/// Copies the unsettled orders of the database `old` (a copy of the corrupt file, with its
/// WAL) into `fresh` (an open, migrated store), in one transaction.
pub fn carry_over(old: &Path, fresh: &mut Connection) -> rusqlite::Result<Carried> {
    let mut carried = Carried::default();
    let src = match Connection::open(old) {
        Ok(c) => c,
        Err(e) => {
            log::error!("salvage: the old file cannot be opened at all: {e}");
            return Ok(carried);
        }
    };
    let _ = src.busy_timeout(std::time::Duration::from_secs(1));
    let tx = fresh.transaction()?;
    let mut lost_outbox = 0u32;
    for rowid in rowids(&src, "orders") {
        let Some(order) = read_row(&src, "orders", ORDER_COLUMNS, rowid) else {
            carried.unreadable += 1;
            continue;
        };
        match settled(&order) {
            Some(true) => continue,
            None => {
                carried.unreadable += 1;
                continue;
            }
            Some(false) => {}
        }
        let id = &order[0];
        let Some(lines) = read_children(&src, "order_lines", LINE_COLUMNS, "order_id", id) else {
            log::error!("salvage: the lines of order {id:?} cannot be read; order left behind");
            carried.unreadable += 1;
            continue;
        };
        insert(&tx, "orders", ORDER_COLUMNS, &order)?;
        for line in &lines {
            insert(&tx, "order_lines", LINE_COLUMNS, line)?;
        }
        let rows =
            read_children(&src, "outbox", OUTBOX_COLUMNS, "order_id", id).unwrap_or_else(|| {
                lost_outbox += 1;
                Vec::new()
            });
        let open: Vec<&Vec<Value>> = rows
            .iter()
            .filter(|r| !matches!(&r[3], Value::Text(s) if s == "done"))
            .collect();
        for row in &open {
            insert(&tx, "outbox", OUTBOX_COLUMNS, row)?;
        }
        if open.is_empty() {
            requeue(&tx, &order)?;
        }
        tx.execute(
            "INSERT INTO order_events (order_id, at, from_state, to_state, note)
             VALUES (?1, strftime('%s','now'), NULL, ?2, 'carried over from a corrupt database')",
            rusqlite::params![id, order[5]],
        )?;
        carried.orders += 1;
    }
    // Webhook events were acknowledged to the platform, which will not send them again: the
    // unapplied ones are promises like the orders, the applied ones the record of seen ids.
    carry_table(&src, &tx, "webhook_events", WEBHOOK_COLUMNS)?;
    // What employees asked the kiosk to remember: small, and they were told it would be.
    carry_table(&src, &tx, "badge_prefs", PREFS_COLUMNS)?;
    carry_table(&src, &tx, "dish_watches", WATCH_COLUMNS)?;
    carry_table(&src, &tx, "badge_told", TOLD_COLUMNS)?;
    if lost_outbox > 0 {
        // Their orders are carried all the same; those that still need sending get a new row.
        log::warn!("salvage: the outbox rows of {lost_outbox} orders could not be read");
    }
    if let Some(seen) = src
        .query_row("SELECT value FROM meta WHERE key = 'last_seen'", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()
        .ok()
        .flatten()
    {
        // The clock floor survives: a corrupt file is no reason to trust a clock gone back.
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_seen', ?1)",
            [seen],
        )?;
    }
    tx.commit()?;
    Ok(carried)
}

/// Copies every readable row of `table` (a file older than the table has none).
fn carry_table(
    src: &Connection,
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    columns: &[&str],
) -> rusqlite::Result<()> {
    let exists = src
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |_| Ok(()),
        )
        .optional()
        .ok()
        .flatten()
        .is_some();
    if !exists {
        return Ok(());
    }
    for rowid in rowids(src, table) {
        match read_row(src, table, columns, rowid) {
            Some(row) => insert(tx, table, columns, &row)?,
            None => log::error!("salvage: {table} row {rowid} cannot be read"),
        }
    }
    Ok(())
}

/// Whether an order row is settled (`None`: its state cannot be read).
fn settled(order: &[Value]) -> Option<bool> {
    let Value::Text(state) = &order[5] else {
        return None;
    };
    OrderState::parse(state).map(OrderState::is_final)
}

/// An unsettled order whose outbox rows were lost gets the row its state needs, so it is
/// sent (or reconciled) like any other.
fn requeue(tx: &rusqlite::Transaction<'_>, order: &[Value]) -> rusqlite::Result<()> {
    let Value::Text(state) = &order[5] else {
        return Ok(());
    };
    let kind = match OrderState::parse(state) {
        Some(OrderState::Queued | OrderState::Sending | OrderState::Unknown) => "place",
        Some(OrderState::CancelRequested) => "cancel",
        _ => return Ok(()),
    };
    tx.execute(
        "INSERT INTO outbox (kind, order_id, status, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, 'pending', 0, strftime('%s','now'), ?3, strftime('%s','now'))",
        rusqlite::params![kind, order[0], order[11]],
    )?;
    Ok(())
}

/// Every rowid of `table` that can be found: a scan while it works, then one look-up per
/// rowid past the last one read, so a damaged page costs its own rows only.
fn rowids(src: &Connection, table: &str) -> Vec<i64> {
    let mut found = Vec::new();
    let scanned = (|| -> rusqlite::Result<()> {
        let mut stmt = src.prepare(&format!("SELECT rowid FROM {table} ORDER BY rowid"))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            found.push(r.get(0)?);
        }
        Ok(())
    })();
    let Err(e) = scanned else {
        return found;
    };
    log::warn!("salvage: {table} cannot be scanned ({e}); looking rows up one by one");
    let last = found.last().copied().unwrap_or(0);
    let max: Option<i64> = src
        .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
        .ok()
        .flatten();
    let end = max
        .unwrap_or(last + PROBE_PAST_LAST)
        .min(last + PROBE_PAST_LAST);
    let Ok(mut probe) = src.prepare(&format!("SELECT rowid FROM {table} WHERE rowid = ?1")) else {
        return found;
    };
    for rowid in last + 1..=end {
        if let Ok(Some(id)) = probe.query_row([rowid], |r| r.get(0)).optional() {
            found.push(id);
        }
    }
    found
}

/// One row by rowid, every column as a value (`None` where it cannot be read).
fn read_row(src: &Connection, table: &str, columns: &[&str], rowid: i64) -> Option<Vec<Value>> {
    let sql = format!(
        "SELECT {} FROM {table} WHERE rowid = ?1",
        columns.join(", ")
    );
    let row = src
        .query_row(&sql, [rowid], |r| values(r, columns.len()))
        .map_err(|e| log::warn!("salvage: {table} row {rowid} cannot be read: {e}"))
        .ok()?;
    valid(&row).then_some(row)
}

/// The rows of `table` whose `key` column equals `value` (`None` if they cannot be read).
fn read_children(
    src: &Connection,
    table: &str,
    columns: &[&str],
    key: &str,
    value: &Value,
) -> Option<Vec<Vec<Value>>> {
    let sql = format!(
        "SELECT {} FROM {table} WHERE {key} = ?1 ORDER BY rowid",
        columns.join(", ")
    );
    let mut stmt = src.prepare(&sql).ok()?;
    let rows: rusqlite::Result<Vec<Vec<Value>>> = stmt
        .query_map([value], |r| values(r, columns.len()))
        .and_then(|m| m.collect());
    // The caller says what it means (one summary line, not one per order).
    let rows = rows.ok()?;
    rows.iter().all(|r| valid(r)).then_some(rows)
}

fn values(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<Value>> {
    (0..n).map(|i| r.get::<_, Value>(i)).collect()
}

/// A row is carried only if it holds no blob: the kiosk writes none, so a blob is a damaged
/// cell. (Text that is not UTF-8 already fails to read.) Values that read but mean nothing
/// (a bad date) are carried, and the queue parks that one order with its error.
fn valid(row: &[Value]) -> bool {
    !row.iter().any(|v| matches!(v, Value::Blob(_)))
}

fn insert(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    columns: &[&str],
    row: &[Value],
) -> rusqlite::Result<()> {
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT OR IGNORE INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    );
    tx.prepare_cached(&sql)?.execute(params_from_iter(row))?;
    Ok(())
}

/// Copies the database file and its WAL to `to` (the salvage reads the copy, so the file
/// moved aside stays exactly as it was found).
pub fn copy_with_wal(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::copy(from, to)?;
    let wal = side(from, "-wal");
    if wal.exists() {
        std::fs::copy(&wal, side(to, "-wal"))?;
    }
    Ok(())
}

/// Removes a database file with its WAL and shared-memory files.
pub fn remove_with_sides(path: &Path) {
    for p in [path.to_path_buf(), side(path, "-wal"), side(path, "-shm")] {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// Acknowledged webhook events are promises like the orders: a salvage carries them, the
    /// unapplied ones still to apply, the applied ones as the record of seen ids.
    #[test]
    fn webhook_events_are_carried_over() {
        let dir = tempfile::tempdir().unwrap();
        let (old, _) = Store::open(&dir.path().join("old.sqlite3")).unwrap();
        let at: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
        old.keep_webhook_event("ls", "ev-1", r#"{"a":1}"#, at)
            .unwrap();
        old.keep_webhook_event("ls", "ev-2", r#"{"b":2}"#, at)
            .unwrap();
        old.webhook_event_applied("ls", "ev-1", "applied", at)
            .unwrap();
        let (mut fresh, _) = Store::open(&dir.path().join("fresh.sqlite3")).unwrap();
        carry_over(old.path(), fresh.conn_mut()).unwrap();
        let to_apply = fresh.webhook_events_to_apply(10).unwrap();
        assert_eq!(to_apply.len(), 1);
        assert_eq!(to_apply[0].event_id, "ev-2");
        assert_eq!(to_apply[0].body, r#"{"b":2}"#);
        assert!(!fresh.keep_webhook_event("ls", "ev-1", "again", at).unwrap());
    }

    /// Preferences and watches are what employees asked the kiosk to remember: a salvage
    /// keeps them.
    #[test]
    fn preferences_and_watches_are_carried_over() {
        use crate::store::{BadgePrefs, DishWatch};
        let dir = tempfile::tempdir().unwrap();
        let (old, _) = Store::open(&dir.path().join("old.sqlite3")).unwrap();
        let at: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
        let prefs = BadgePrefs {
            venue: Some("canteen".into()),
            large_text: true,
            high_contrast: false,
        };
        old.save_badge_prefs("1001", &prefs, at).unwrap();
        let watch = DishWatch {
            badge: "1001".into(),
            venue: "canteen".into(),
            day: "2026-12-03".parse().unwrap(),
            dish: "182378".into(),
            until: "2026-12-03T10:00:00Z".parse().unwrap(),
        };
        old.watch_dish(&watch).unwrap();
        let (mut fresh, _) = Store::open(&dir.path().join("fresh.sqlite3")).unwrap();
        carry_over(old.path(), fresh.conn_mut()).unwrap();
        assert_eq!(fresh.badge_prefs("1001").unwrap(), Some(prefs));
        assert_eq!(fresh.dish_watches("1001").unwrap(), [watch]);
    }

    /// A file from before the tables (schema 6) is salvaged all the same.
    #[test]
    fn a_file_without_the_newer_tables_is_salvaged() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.sqlite3");
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch(
            "CREATE TABLE orders (id TEXT); CREATE TABLE meta (key TEXT, value TEXT);",
        )
        .unwrap();
        let (mut fresh, _) = Store::open(&dir.path().join("fresh.sqlite3")).unwrap();
        let carried = carry_over(&old, fresh.conn_mut()).unwrap();
        assert_eq!(carried, Carried::default());
        assert_eq!(fresh.badge_prefs("1001").unwrap(), None);
    }
}
