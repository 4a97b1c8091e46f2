//! Key-value facts about the kiosk: the last time seen (clock trust), vendor contact.

use super::{Result, Store, from_secs, to_secs};
use crate::domain::clock::Trusted;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

const LAST_SEEN: &str = "last_seen";

/// A vendor's last successful contact and last error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorContact {
    pub venue: String,
    pub last_ok_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
}

impl Store {
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// The latest time the kiosk has seen on its clock (never moves backwards).
    pub fn last_seen(&self) -> Result<Option<Timestamp>> {
        match self.meta(LAST_SEEN)? {
            Some(v) => {
                let secs = v.parse::<i64>().unwrap_or(0);
                Ok(Some(from_secs(secs)?))
            }
            None => Ok(None),
        }
    }

    /// Records `now` as seen if it is later than what was seen before.
    pub fn note_seen(&self, now: Timestamp) -> Result<()> {
        self.conn().execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value
             WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)",
            params![LAST_SEEN, to_secs(now).to_string()],
        )?;
        Ok(())
    }

    /// Records the time of a clock judged trusted: raises the time seen as [`Store::note_seen`]
    /// does, or lowers it where the judgement says an earlier reading came from the future.
    pub fn note_trusted(&self, now: Timestamp, trusted: &Trusted) -> Result<()> {
        match trusted.jumped_back_from {
            Some(from) => {
                log::warn!(
                    "the clock went back from {from} to {now} and the system says it is \
                     synchronised: {from} was wrong; trusting {now} from now on"
                );
                self.lower_seen(now)
            }
            None => self.note_seen(now),
        }
    }

    /// Sets the time seen to `now` even if a later time was seen: the admin (or the system's
    /// time daemon) vouches for the clock.
    pub fn lower_seen(&self, now: Timestamp) -> Result<()> {
        self.set_meta(LAST_SEEN, &to_secs(now).to_string())
    }

    pub fn record_vendor_ok(&self, venue: &str, at: Timestamp) -> Result<()> {
        self.conn().execute(
            "INSERT INTO vendor_contact (venue, last_ok_at) VALUES (?1, ?2)
             ON CONFLICT (venue) DO UPDATE SET last_ok_at = excluded.last_ok_at",
            params![venue, to_secs(at)],
        )?;
        Ok(())
    }

    pub fn record_vendor_error(&self, venue: &str, error: &str, at: Timestamp) -> Result<()> {
        self.conn().execute(
            "INSERT INTO vendor_contact (venue, last_error, last_error_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (venue) DO UPDATE SET last_error = excluded.last_error,
                 last_error_at = excluded.last_error_at",
            params![venue, error, to_secs(at)],
        )?;
        Ok(())
    }

    pub fn vendor_contacts(&self) -> Result<Vec<VendorContact>> {
        let mut stmt = self.conn().prepare(
            "SELECT venue, last_ok_at, last_error, last_error_at FROM vendor_contact ORDER BY venue",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (venue, ok, err, err_at) = row?;
            out.push(VendorContact {
                venue,
                last_ok_at: ok.map(from_secs).transpose()?,
                last_error: err,
                last_error_at: err_at.map(from_secs).transpose()?,
            });
        }
        Ok(out)
    }

    /// Keeps the employees table in step with the roster of the config.
    pub fn sync_employees(&mut self, badges: &[crate::config::Badge]) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM employees", [])?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO employees (badge, name, email, employee_number, role)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for b in badges {
                stmt.execute(params![
                    b.number,
                    b.name,
                    b.email,
                    b.employee_number,
                    b.role.as_str()
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Employee names by badge number (for the kitchen's pickup list).
    pub fn employee_name(&self, badge: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name FROM employees WHERE badge = ?1",
                [badge],
                |r| r.get(0),
            )
            .optional()?)
    }
}
