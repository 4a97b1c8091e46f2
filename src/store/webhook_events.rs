//! Webhook events as they arrived: written before the receiver answers 2xx, applied by the
//! worker from here, and kept as the record of the event ids already seen (a repeat is
//! answered 2xx and dropped), across restarts.

use super::{Result, Store, from_secs, to_secs};
use jiff::Timestamp;
use rusqlite::params;

/// A kept event the worker has not applied yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptEvent {
    pub venue: String,
    pub event_id: String,
    pub received_at: Timestamp,
    /// The raw body whose signature was verified (JSON, so UTF-8: kept as text, byte for
    /// byte, and readable with the sqlite3 shell).
    pub body: String,
}

impl Store {
    /// Keeps a verified event. False if this venue's event id was kept before (a repeat).
    /// Durable when it returns: only then may the receiver answer 2xx.
    pub fn keep_webhook_event(
        &self,
        venue: &str,
        event_id: &str,
        body: &str,
        now: Timestamp,
    ) -> Result<bool> {
        let added = self
            .conn()
            .prepare_cached(
                "INSERT INTO webhook_events (venue, event_id, received_at, body)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (venue, event_id) DO NOTHING",
            )?
            .execute(params![venue, event_id, to_secs(now), body])?;
        Ok(added == 1)
    }

    /// The events still to apply, oldest first.
    pub fn webhook_events_to_apply(&self, limit: usize) -> Result<Vec<KeptEvent>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT venue, event_id, received_at, body FROM webhook_events
             WHERE applied_at IS NULL ORDER BY received_at, rowid LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (venue, event_id, at, body) = row?;
            out.push(KeptEvent {
                venue,
                event_id,
                received_at: from_secs(at)?,
                body,
            });
        }
        Ok(out)
    }

    /// Marks an event applied, with what applying it did.
    pub fn webhook_event_applied(
        &self,
        venue: &str,
        event_id: &str,
        note: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "UPDATE webhook_events SET applied_at = ?3, note = ?4
                 WHERE venue = ?1 AND event_id = ?2",
            )?
            .execute(params![venue, event_id, to_secs(now), note])?;
        Ok(())
    }

    /// Forgets applied events received before `before` (their ids are no longer needed to
    /// spot a repeat: the platform repeats a delivery only soon after a failed one).
    pub fn prune_webhook_events(&self, before: Timestamp) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM webhook_events WHERE applied_at IS NOT NULL AND received_at < ?1",
            params![to_secs(before)],
        )?)
    }
}
