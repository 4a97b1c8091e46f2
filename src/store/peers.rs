//! What this kiosk last heard from its peers (`[peers] from`): each peer's orders as its feed
//! gave them, and when it last answered. A cache: losing it costs one full read per peer.

use super::{Result, Store, from_secs, to_secs};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Transaction, params};

/// What this kiosk knows of one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerStatus {
    /// The peer's URL as configured.
    pub peer: String,
    /// Its `[kiosk] name`, once it answered.
    pub kiosk_name: Option<String>,
    pub epoch: Option<String>,
    /// Its change cursor as of the last answer: the next read asks what changed since.
    pub cursor: i64,
    pub heard_at: Option<Timestamp>,
    /// Why the last try failed, and when (cleared by the next answer).
    pub error: Option<(String, Timestamp)>,
}

/// One order of a peer, as its feed gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRow {
    pub peer: String,
    pub id: String,
    pub venue: String,
    pub day: Date,
    pub badge_key: String,
    /// The order as the feed gave it (JSON of `peers::wire::FeedOrder`).
    pub body: String,
}

/// One answer of a peer's feed, to be kept.
#[derive(Debug, Clone)]
pub struct PeerPage {
    pub peer: String,
    pub kiosk_name: String,
    pub epoch: String,
    pub cursor: i64,
    /// The answer holds every order of the peer from `keep_from` on (not only changes): the
    /// peer's rows not in it are gone.
    pub full: bool,
    pub rows: Vec<PeerRow>,
    pub heard_at: Timestamp,
    /// Rows of days before this one are dropped (past services).
    pub keep_from: Date,
}

impl Store {
    /// The id of this database file in the feed this kiosk serves. A salvaged or new file
    /// gets another one (its change cursor starts over), and its peers read it anew.
    pub fn feed_epoch(&self) -> Result<String> {
        if let Some(epoch) = self.meta("feed_epoch")? {
            return Ok(epoch);
        }
        let fresh = uuid::Uuid::new_v4().to_string();
        self.conn().execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('feed_epoch', ?1)",
            [&fresh],
        )?;
        Ok(self.meta("feed_epoch")?.unwrap_or(fresh))
    }

    /// Keeps one answer of a peer's feed, in one transaction.
    pub fn save_peer_page(&mut self, page: &PeerPage) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        if page.full {
            tx.execute("DELETE FROM peer_orders WHERE peer = ?1", [&page.peer])?;
        }
        upsert_rows(&tx, &page.rows)?;
        tx.execute(
            "DELETE FROM peer_orders WHERE peer = ?1 AND day < ?2",
            params![page.peer, page.keep_from.to_string()],
        )?;
        tx.execute(
            "INSERT INTO peer_status (peer, kiosk_name, epoch, cursor, heard_at, error, error_at)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL)
             ON CONFLICT (peer) DO UPDATE SET kiosk_name = ?2, epoch = ?3, cursor = ?4,
                 heard_at = ?5, error = NULL, error_at = NULL",
            params![
                page.peer,
                page.kiosk_name,
                page.epoch,
                page.cursor,
                to_secs(page.heard_at)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets every peer but `keep` (peers taken out of the config), rows and status.
    pub fn forget_peers_except(&mut self, keep: &[String]) -> Result<usize> {
        let tx = self.conn_mut().transaction()?;
        let mut gone = 0;
        let known: Vec<String> = tx
            .prepare("SELECT peer FROM peer_status UNION SELECT DISTINCT peer FROM peer_orders")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for peer in known.iter().filter(|p| !keep.contains(p)) {
            gone += tx.execute("DELETE FROM peer_orders WHERE peer = ?1", [peer])?;
            tx.execute("DELETE FROM peer_status WHERE peer = ?1", [peer])?;
        }
        tx.commit()?;
        Ok(gone)
    }

    /// Notes that a peer did not answer (or answered badly); what was heard before stays.
    pub fn note_peer_error(&self, peer: &str, error: &str, at: Timestamp) -> Result<()> {
        self.conn().execute(
            "INSERT INTO peer_status (peer, error, error_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (peer) DO UPDATE SET error = ?2, error_at = ?3",
            params![peer, error, to_secs(at)],
        )?;
        Ok(())
    }

    /// Forgets a peer's cursor, so its next read is a full one (it has another database).
    pub fn reset_peer_cursor(&self, peer: &str) -> Result<()> {
        self.conn()
            .execute("UPDATE peer_status SET cursor = 0 WHERE peer = ?1", [peer])?;
        Ok(())
    }

    pub fn peer_status(&self, peer: &str) -> Result<Option<PeerStatus>> {
        let status = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {STATUS_COLUMNS} FROM peer_status WHERE peer = ?1"
            ))?
            .query_row([peer], read_status)
            .optional()?;
        status.map(finish_status).transpose()
    }

    /// Every peer heard from or tried, by URL.
    pub fn peer_statuses(&self) -> Result<Vec<PeerStatus>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {STATUS_COLUMNS} FROM peer_status ORDER BY peer"
        ))?;
        let rows = stmt.query_map([], read_status)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(finish_status(row?)?);
        }
        Ok(out)
    }

    /// The peers' orders of one venue's day.
    pub fn peer_orders_of_day(&self, venue: &str, day: Date) -> Result<Vec<PeerRow>> {
        self.peer_rows("venue = ?1 AND day = ?2", params![venue, day.to_string()])
    }

    /// The peers' orders of one employee (by badge key) from `from_day` on.
    pub fn peer_orders_of_badge(&self, badge_key: &str, from_day: Date) -> Result<Vec<PeerRow>> {
        self.peer_rows(
            "badge_key = ?1 AND day >= ?2",
            params![badge_key, from_day.to_string()],
        )
    }

    fn peer_rows(&self, filter: &str, args: impl rusqlite::Params) -> Result<Vec<PeerRow>> {
        let sql = format!(
            "SELECT peer, id, venue, day, badge_key, body FROM peer_orders WHERE {filter}
             ORDER BY day, peer, id"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(args)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let day: String = r.get(3)?;
            let Ok(day) = day.parse::<Date>() else {
                log::error!("a peer's order row has a bad day {day:?} and is left out");
                continue;
            };
            out.push(PeerRow {
                peer: r.get(0)?,
                id: r.get(1)?,
                venue: r.get(2)?,
                day,
                badge_key: r.get(4)?,
                body: r.get(5)?,
            });
        }
        Ok(out)
    }
}

fn upsert_rows(tx: &Transaction<'_>, rows: &[PeerRow]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO peer_orders (peer, id, venue, day, badge_key, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (peer, id) DO UPDATE SET venue = ?3, day = ?4, badge_key = ?5, body = ?6",
    )?;
    for r in rows {
        stmt.execute(params![
            r.peer,
            r.id,
            r.venue,
            r.day.to_string(),
            r.badge_key,
            r.body
        ])?;
    }
    Ok(())
}

const STATUS_COLUMNS: &str = "peer, kiosk_name, epoch, cursor, heard_at, error, error_at";

type StatusRow = (
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

fn read_status(r: &rusqlite::Row<'_>) -> rusqlite::Result<StatusRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

fn finish_status(row: StatusRow) -> Result<PeerStatus> {
    let (peer, kiosk_name, epoch, cursor, heard_at, error, error_at) = row;
    let error = match (error, error_at) {
        (Some(e), Some(at)) => Some((e, from_secs(at)?)),
        _ => None,
    };
    Ok(PeerStatus {
        peer,
        kiosk_name,
        epoch,
        cursor,
        heard_at: heard_at.map(from_secs).transpose()?,
        error,
    })
}
