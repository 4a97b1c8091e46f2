//! Bounded growth: the order history is deleted after the retention period
//! (`[kiosk] retention_days`), a small batch per transaction; watched dishes go once their
//! cutoff passed, and the preferences and watches of a badge once it is off the roster.
//!
//! Only a settled order goes ([`OrderState::is_settled_once_past`]: done, cancelled,
//! cancelled by the kitchen, rejected, expired, or accepted by the vendor — sent or
//! confirmed, which is where a served Bessa or Order Mesa order stays), and only when none of
//! its outbox rows is still open (pending,
//! in flight or parked: an admin still has to see a parked one). With it go its lines, its
//! history, its done outbox rows and its status poll time. Each batch is one immediate
//! transaction of at most a few hundred orders, so the UI thread saving an order waits a few
//! milliseconds for the lock at worst (the busy timeout covers it); the sync worker decides
//! when and how far (`sync::engine::prune`).
//!
//! Deleted rows leave free pages. A file made by this version has `auto_vacuum=INCREMENTAL`
//! (set in `configure` before its first table), so the worker gives them back to the file
//! system a few at a time ([`Store::release_free_pages`]); an older file keeps its size and
//! reuses them for new rows (shrinking it needs a full `VACUUM`: twice the space and, on an SD
//! card, long enough to hold up the kiosk, so it is left to an admin with the kiosk stopped).

use super::{Result, Store, parse_day, to_secs};
use crate::domain::{ALL_ORDER_STATES, OrderState};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::collections::HashSet;

/// The free pages of the file and what that means on disk, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeSpace {
    /// Pages on the free list (reused for new rows, or given back by an incremental vacuum).
    pub free_pages: u64,
    pub page_size: u64,
    /// Whether the file gives free pages back (`auto_vacuum=INCREMENTAL`).
    pub incremental: bool,
}

impl FreeSpace {
    pub fn free_bytes(&self) -> u64 {
        self.free_pages * self.page_size
    }
}

/// `('done', 'cancelled', …)`: the states that `keep` says yes to, as an SQL list, so the
/// SQL goes by the one rule in the domain.
pub(super) fn state_list(keep: fn(OrderState) -> bool) -> String {
    let names: Vec<String> = ALL_ORDER_STATES
        .iter()
        .filter(|s| keep(**s))
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    format!("({})", names.join(", "))
}

impl Store {
    /// The venues that have orders: those of the config, and any it no longer has.
    pub fn order_venues(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT venue FROM orders ORDER BY venue")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest day `venue` has an order for (by the `(venue, day)` index).
    pub fn last_order_day(&self, venue: &str) -> Result<Option<Date>> {
        let day: Option<String> = self
            .conn()
            .prepare_cached("SELECT MAX(day) FROM orders WHERE venue = ?1")?
            .query_row([venue], |r| r.get(0))
            .optional()?
            .flatten();
        day.as_deref().map(parse_day).transpose()
    }

    /// Deletes at most `limit` settled orders of `venue` whose day is before `before`, oldest
    /// first, with their lines, history, outbox rows (all done) and status poll times, in one
    /// transaction. Returns how many went; fewer than `limit` means none are left.
    pub fn prune_orders(&mut self, venue: &str, before: Date, limit: usize) -> Result<usize> {
        let select = format!(
            "SELECT id FROM orders
             WHERE venue = ?1 AND day < ?2 AND state IN {}
               AND NOT EXISTS (SELECT 1 FROM outbox
                               WHERE outbox.order_id = orders.id AND outbox.status <> 'done')
             ORDER BY day LIMIT ?3",
            state_list(OrderState::is_settled_once_past)
        );
        // Immediate: the write lock is taken before the read, so no other writer can change
        // an order between choosing it and deleting it.
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids: Vec<String> = tx
            .prepare_cached(&select)?
            .query_map(params![venue, before.to_string(), limit as i64], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        {
            // Children first: the outbox refers to the order without a cascade.
            let mut deletes = Vec::with_capacity(5);
            for sql in [
                "DELETE FROM outbox WHERE order_id = ?1",
                "DELETE FROM order_events WHERE order_id = ?1",
                "DELETE FROM order_lines WHERE order_id = ?1",
                "DELETE FROM poll_times WHERE what = 'status' AND key = ?1",
                "DELETE FROM orders WHERE id = ?1",
            ] {
                deletes.push(tx.prepare_cached(sql)?);
            }
            for id in &ids {
                for stmt in &mut deletes {
                    stmt.execute([id])?;
                }
            }
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Drops what the day caches still hold from before `before` where nothing else would:
    /// the vendor's order lists of a venue no longer in the config, the last known orders of
    /// a peer not heard from since, menus of a venue whose refresh keeps failing. Returns the
    /// rows deleted.
    pub fn prune_day_caches(&self, before: Date) -> Result<usize> {
        let day = before.to_string();
        let mut gone = 0;
        for sql in [
            "DELETE FROM venue_day_lists WHERE day < ?1",
            "DELETE FROM peer_orders WHERE day < ?1",
        ] {
            gone += self.conn().execute(sql, [&day])?;
        }
        gone += self.prune_menus(before)?;
        Ok(gone)
    }

    /// Deletes the watches whose cutoff was before `before`: they ended then. Returns how many.
    pub fn prune_watches(&self, before: Timestamp) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM dish_watches WHERE until < ?1",
            [to_secs(before)],
        )?)
    }

    /// Forgets the preferences, watches and notices told of every badge not in `badges` (the config's):
    /// an employee taken off the roster leaves nothing personal behind. Returns the rows
    /// deleted.
    pub fn forget_badges_except(&mut self, badges: &HashSet<&str>) -> Result<usize> {
        let tx = self.conn_mut().transaction()?;
        let mut gone = 0;
        for table in ["badge_prefs", "dish_watches", "badge_told"] {
            let stored: Vec<String> = tx
                .prepare(&format!("SELECT DISTINCT badge FROM {table}"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut delete = tx.prepare(&format!("DELETE FROM {table} WHERE badge = ?1"))?;
            for badge in stored.iter().filter(|b| !badges.contains(b.as_str())) {
                gone += delete.execute([badge])?;
            }
        }
        tx.commit()?;
        Ok(gone)
    }

    /// The free pages of the file.
    pub fn free_space(&self) -> Result<FreeSpace> {
        let pragma = |name: &str| -> Result<u64> {
            Ok(self
                .conn()
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))?
                .max(0) as u64)
        };
        Ok(FreeSpace {
            free_pages: pragma("freelist_count")?,
            page_size: pragma("page_size")?,
            incremental: pragma("auto_vacuum")? == 2,
        })
    }

    /// Gives up to `pages` free pages back to the file system (a file with
    /// `auto_vacuum=INCREMENTAL`; elsewhere nothing happens). One short write each time.
    pub fn release_free_pages(&self, pages: u32) -> Result<FreeSpace> {
        let before = self.free_space()?;
        if before.incremental && before.free_pages > 0 {
            // The pragma frees one page per step (a row each): stepped to its end.
            let mut stmt = self
                .conn()
                .prepare(&format!("PRAGMA incremental_vacuum({pages})"))?;
            let mut rows = stmt.query([])?;
            while rows.next()?.is_some() {}
            drop(rows);
            drop(stmt);
            return self.free_space();
        }
        Ok(before)
    }
}
