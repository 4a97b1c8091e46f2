//! The times of the vendor calls a vendor limits ("poll no more than every 2 minutes"): per
//! order for status polls, per venue for bulk polls and order lists. The worker keeps them in
//! memory and writes the pass's changes at its end, so `sync --once` runs and restarts keep
//! to the limits too.

use super::{Result, Store, from_secs, to_secs};
use jiff::Timestamp;
use rusqlite::params;
use std::collections::HashMap;

impl Store {
    /// Every time kept under `what` (`status`, `bulk`, `list`).
    pub fn poll_times(&self, what: &str) -> Result<HashMap<String, Timestamp>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT key, at FROM poll_times WHERE what = ?1")?;
        let rows = stmt.query_map(params![what], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (key, at) = row?;
            out.insert(key, from_secs(at)?);
        }
        Ok(out)
    }

    /// Writes changed times (`None`: forget the key) under `what`, in one transaction.
    pub fn save_poll_times(
        &mut self,
        what: &str,
        changes: &[(String, Option<Timestamp>)],
    ) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let tx = self.conn_mut().transaction()?;
        for (key, at) in changes {
            match at {
                Some(at) => tx
                    .prepare_cached(
                        "INSERT INTO poll_times (what, key, at) VALUES (?1, ?2, ?3)
                         ON CONFLICT (what, key) DO UPDATE SET at = excluded.at",
                    )?
                    .execute(params![what, key, to_secs(*at)])?,
                None => tx
                    .prepare_cached("DELETE FROM poll_times WHERE what = ?1 AND key = ?2")?
                    .execute(params![what, key])?,
            };
        }
        tx.commit()?;
        Ok(())
    }
}
