//! The integrity check at start, whose cost must not grow with the order history.
//!
//! A kiosk with years of orders must show its first frame as fast as one with a month, so
//! the start does not walk the history tables (orders, their lines, their history and the
//! outbox: tens of MB after a few years). It checks, with `PRAGMA quick_check(<table>)`,
//! every other table — the schema, menus, the roster, meta, the kitchen's caches, kept
//! webhook events: what the first frame shows, each kept small by its own pruning — and it
//! reads the live work in full: every open outbox row and every order that is not settled,
//! with its lines, which is what the sync worker will send and what a salvage must carry.
//! SQLite answers "malformed" for a damaged page on that path, and the caller moves the file
//! aside as for any corruption.
//!
//! The history tables are checked with the rest of the file by the worker's full
//! `integrity_check` after start ([`super::Store::full_check`]); a problem found there leaves
//! the marker that makes the next start check everything.

use super::Result;
use super::prune::state_list;
use rusqlite::Connection;

/// The tables that grow with every order (checked in full by the worker, not at start).
const HISTORY: [&str; 4] = ["orders", "order_lines", "order_events", "outbox"];

/// The live work, read to the last column (so every page on its path is read): the open
/// outbox rows with their orders, and the unsettled orders with their lines. Only columns of
/// schema version 1, since this runs before the migrations.
fn live_work() -> [String; 2] {
    [
        "SELECT b.*, o.* FROM outbox b JOIN orders o ON o.id = b.order_id
         WHERE b.status IN ('pending', 'in_flight', 'parked')"
            .to_string(),
        format!(
            "SELECT o.*, l.* FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id
             WHERE o.state IN {}",
            state_list(|s| !s.is_final())
        ),
    ]
}

/// The start's check: `"ok"`, or what SQLite found and where.
pub(super) fn at_start(conn: &Connection) -> Result<String> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let small = tables
        .iter()
        .map(String::as_str)
        .filter(|t| !HISTORY.contains(t));
    for table in std::iter::once("sqlite_schema").chain(small) {
        let pragma = format!("PRAGMA quick_check(\"{}\")", table.replace('"', "\"\""));
        let verdict: String = conn.query_row(&pragma, [], |r| r.get(0))?;
        if verdict != "ok" {
            return Ok(format!("{table}: {verdict}"));
        }
    }
    if HISTORY.iter().all(|t| tables.iter().any(|n| n == t)) {
        for sql in live_work() {
            read_every_column(conn, &sql)?;
        }
    }
    Ok("ok".into())
}

fn read_every_column(conn: &Connection, sql: &str) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            row.get_ref(i)?;
        }
    }
    Ok(())
}
