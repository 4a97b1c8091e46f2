//! Counts for the metrics endpoint (read at scrape time, on the endpoint's own connection):
//! orders by venue and state, the oldest row still to send, files moved aside.

use super::{Result, Store, from_secs};
use jiff::Timestamp;

impl Store {
    /// How many orders the store holds, by venue and state (state as stored: "queued", …).
    pub fn orders_by_venue_and_state(&self) -> Result<Vec<(String, String, u64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT venue, state, COUNT(*) FROM orders GROUP BY venue, state ORDER BY venue, state",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When the oldest outbox row not yet sent (pending, or in flight) was made.
    pub fn oldest_unsent_outbox_row(&self) -> Result<Option<Timestamp>> {
        let secs: Option<i64> = self.conn().query_row(
            "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'in_flight')",
            [],
            |r| r.get(0),
        )?;
        secs.map(from_secs).transpose()
    }

    /// How many database files were moved aside as corrupt beside this one (their `-wal` and
    /// `-shm` files not counted): `open` names them `<file>.corrupt-<time>`.
    pub fn moved_aside_files(&self) -> usize {
        let Some(dir) = self.path().parent() else {
            return 0;
        };
        let Some(name) = self.path().file_name() else {
            return 0;
        };
        let prefix = format!("{}.corrupt-", name.to_string_lossy());
        std::fs::read_dir(if dir.as_os_str().is_empty() {
            ".".as_ref()
        } else {
            dir
        })
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&prefix))
                .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
                .count()
        })
        .unwrap_or(0)
    }
}
