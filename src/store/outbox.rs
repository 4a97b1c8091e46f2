//! The outbox: durable rows the sync worker drains. A row is written in the same transaction
//! as the order change it belongs to, and settled in the same transaction as the order's next
//! state, so the two can never disagree after a crash.

use super::{Result, Store, StoreError, from_secs, to_secs};
use jiff::Timestamp;
use rusqlite::{Row, Transaction, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// Send a new order.
    Place,
    /// Cancel a sent order.
    Cancel,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxKind::Place => "place",
            OutboxKind::Cancel => "cancel",
        }
    }
    fn parse(s: &str) -> Option<OutboxKind> {
        match s {
            "place" => Some(OutboxKind::Place),
            "cancel" => Some(OutboxKind::Cancel),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A request is (or was, at a crash) on its way to the vendor.
    InFlight,
    /// Failed too often or needs an admin: kept, shown, never retried by itself.
    Parked,
    /// Settled for good.
    Done,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::InFlight => "in_flight",
            OutboxStatus::Parked => "parked",
            OutboxStatus::Done => "done",
        }
    }
    fn parse(s: &str) -> Option<OutboxStatus> {
        [Self::Pending, Self::InFlight, Self::Parked, Self::Done]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: OutboxKind,
    pub order_id: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
}

/// What a state change does to the order's outbox, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxChange {
    None,
    /// Adds a new pending row, due at once.
    Enqueue(OutboxKind),
    /// Marks a row in flight (just before the request goes out).
    InFlight {
        row: i64,
    },
    /// Settles a row for good.
    Done {
        row: i64,
    },
    /// Schedules another attempt.
    Retry {
        row: i64,
        at: Timestamp,
        error: String,
    },
    /// Parks a row for an admin.
    Park {
        row: i64,
        error: String,
    },
}

pub(crate) fn apply_outbox_change(
    tx: &Transaction<'_>,
    order_id: &str,
    change: OutboxChange,
    now: Timestamp,
) -> Result<()> {
    let now = to_secs(now);
    match change {
        OutboxChange::None => {}
        OutboxChange::Enqueue(kind) => {
            tx.prepare_cached(
                "INSERT INTO outbox (kind, order_id, status, attempts, next_attempt_at, created_at, updated_at)
                 VALUES (?1, ?2, 'pending', 0, ?3, ?3, ?3)",
            )?
            .execute(params![kind.as_str(), order_id, now])?;
        }
        OutboxChange::InFlight { row } => {
            tx.prepare_cached(
                "UPDATE outbox SET status = 'in_flight', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![row, now])?;
        }
        OutboxChange::Done { row } => {
            tx.prepare_cached("UPDATE outbox SET status = 'done', updated_at = ?2 WHERE id = ?1")?
                .execute(params![row, now])?;
        }
        OutboxChange::Retry { row, at, error } => {
            tx.prepare_cached(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ?2, last_error = ?3, updated_at = ?4 WHERE id = ?1",
            )?
            .execute(params![row, to_secs(at), error, now])?;
        }
        OutboxChange::Park { row, error } => {
            tx.prepare_cached(
                "UPDATE outbox SET status = 'parked', last_error = ?2, updated_at = ?3 WHERE id = ?1",
            )?
            .execute(params![row, error, now])?;
        }
    }
    Ok(())
}

const ROW_COLUMNS: &str =
    "id, kind, order_id, status, attempts, next_attempt_at, last_error, created_at";

impl Store {
    /// Applies an outbox change that has no order state change with it.
    pub fn change_outbox(
        &mut self,
        order_id: &str,
        change: OutboxChange,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        apply_outbox_change(&tx, order_id, change, now)?;
        tx.commit()?;
        Ok(())
    }

    /// Pending rows due at `now`, in the order they were made (so orders reach a vendor in the
    /// order people placed them, also after retries).
    pub fn due_outbox(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxRow>> {
        self.outbox_query(
            &format!(
                "SELECT {ROW_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1
                 ORDER BY id LIMIT ?2"
            ),
            params![to_secs(now), limit as i64],
        )
    }

    /// When the next pending row falls due (to know how long the worker may sleep).
    pub fn next_outbox_due(&self) -> Result<Option<Timestamp>> {
        let secs: Option<i64> = self.conn().query_row(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'",
            [],
            |r| r.get(0),
        )?;
        secs.map(from_secs).transpose()
    }

    /// Rows in a status, oldest first.
    pub fn outbox_rows(&self, status: OutboxStatus) -> Result<Vec<OutboxRow>> {
        self.outbox_query(
            &format!("SELECT {ROW_COLUMNS} FROM outbox WHERE status = ?1 ORDER BY id"),
            params![status.as_str()],
        )
    }

    /// An order's rows in a status (indexed).
    pub fn outbox_rows_of(&self, order_id: &str, status: OutboxStatus) -> Result<Vec<OutboxRow>> {
        self.outbox_query(
            &format!(
                "SELECT {ROW_COLUMNS} FROM outbox WHERE order_id = ?1 AND status = ?2 ORDER BY id"
            ),
            params![order_id, status.as_str()],
        )
    }

    pub fn outbox_row(&self, id: i64) -> Result<Option<OutboxRow>> {
        Ok(self
            .outbox_query(
                &format!("SELECT {ROW_COLUMNS} FROM outbox WHERE id = ?1"),
                params![id],
            )?
            .pop())
    }

    /// Counts of rows by status.
    pub fn outbox_counts(&self) -> Result<Vec<(OutboxStatus, u64)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (s, n) = row?;
            let s = OutboxStatus::parse(&s)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown outbox status {s:?}")))?;
            out.push((s, n as u64));
        }
        Ok(out)
    }

    /// The rows a query names. One row that cannot be read never hides the others: it is
    /// parked with its error (so the queue goes on and the admin sees it) and left out.
    fn outbox_query(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let mut rows = stmt.query(args)?;
        let mut out = Vec::new();
        let mut bad = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            match read_raw(r)
                .map_err(StoreError::from)
                .and_then(RawRow::finish)
            {
                Ok(row) => out.push(row),
                Err(e) => bad.push((id, e)),
            }
        }
        drop(rows);
        drop(stmt);
        for (id, e) in bad {
            self.park_unreadable(id, &e.to_string())?;
        }
        Ok(out)
    }

    /// Parks a row that cannot be read, whatever its columns hold.
    pub(crate) fn park_unreadable(&self, id: i64, error: &str) -> Result<()> {
        log::error!("outbox row {id} cannot be read ({error}); parked for an admin");
        self.conn().execute(
            "UPDATE outbox SET status = 'parked', last_error = ?2 WHERE id = ?1",
            params![id, format!("this row cannot be read: {error}")],
        )?;
        Ok(())
    }

    /// Parks the open rows of an order that cannot be read (its row is damaged): the rest of
    /// the queue goes on, and `status` and the admin screen show it.
    pub fn park_rows_of_unreadable_order(&self, order_id: &str, error: &str) -> Result<()> {
        log::error!("order {order_id} cannot be read ({error}); its outbox rows are parked");
        self.conn().execute(
            "UPDATE outbox SET status = 'parked', last_error = ?2
             WHERE order_id = ?1 AND status IN ('pending', 'in_flight')",
            params![order_id, format!("the order cannot be read: {error}")],
        )?;
        Ok(())
    }
}

struct RawRow {
    id: i64,
    kind: String,
    order_id: String,
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
    created_at: i64,
}

fn read_raw(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        order_id: r.get(2)?,
        status: r.get(3)?,
        attempts: r.get(4)?,
        next_attempt_at: r.get(5)?,
        last_error: r.get(6)?,
        created_at: r.get(7)?,
    })
}

impl RawRow {
    fn finish(self) -> Result<OutboxRow> {
        let bad = |what: &str, v: &str| {
            StoreError::Corrupt(format!("outbox row {}: {what} {v:?}", self.id))
        };
        Ok(OutboxRow {
            id: self.id,
            kind: OutboxKind::parse(&self.kind).ok_or_else(|| bad("kind", &self.kind))?,
            status: OutboxStatus::parse(&self.status).ok_or_else(|| bad("status", &self.status))?,
            order_id: self.order_id.clone(),
            attempts: self.attempts.max(0) as u32,
            next_attempt_at: from_secs(self.next_attempt_at)?,
            last_error: self.last_error.clone(),
            created_at: from_secs(self.created_at)?,
        })
    }
}
