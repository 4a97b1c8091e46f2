//! Watched dishes: a sold-out dish an employee wants to hear about if portions come free
//! again. A watch ends at the day's order cutoff (pruned after it), when the employee orders
//! the dish (in the order's transaction), or when they take it back.

use super::{Result, Store, from_secs, parse_day, to_secs};
use crate::domain::Order;
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Transaction, params};

/// Ends one badge's watch of one dish of one day.
const END_WATCH: &str =
    "DELETE FROM dish_watches WHERE badge = ?1 AND venue = ?2 AND day = ?3 AND dish = ?4";

/// One watch of one badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DishWatch {
    pub badge: String,
    pub venue: String,
    pub day: Date,
    /// The dish's vendor id (`Article::vendor_id`).
    pub dish: String,
    /// The day's order cutoff: the watch ends then.
    pub until: Timestamp,
}

impl Store {
    /// Starts (or renews) a watch.
    pub fn watch_dish(&self, w: &DishWatch) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO dish_watches (badge, venue, day, dish, until)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                w.badge,
                w.venue,
                w.day.to_string(),
                w.dish,
                to_secs(w.until)
            ])?;
        Ok(())
    }

    /// Ends a watch; whether there was one.
    pub fn unwatch_dish(&self, badge: &str, venue: &str, day: Date, dish: &str) -> Result<bool> {
        let n = self.conn().prepare_cached(END_WATCH)?.execute(params![
            badge,
            venue,
            day.to_string(),
            dish
        ])?;
        Ok(n > 0)
    }

    /// A badge's watches, by day and dish (also those past their cutoff not pruned yet).
    pub fn dish_watches(&self, badge: &str) -> Result<Vec<DishWatch>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT venue, day, dish, until FROM dish_watches WHERE badge = ?1
             ORDER BY day, venue, dish",
        )?;
        let rows = stmt.query_map([badge], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (venue, day, dish, until) = row?;
            out.push(DishWatch {
                badge: badge.to_string(),
                venue,
                day: parse_day(&day)?,
                dish,
                until: from_secs(until)?,
            });
        }
        Ok(out)
    }
}

/// Ordering a dish ends the badge's watch of it: called in the order's own transaction.
pub(super) fn end_watches_for(tx: &Transaction<'_>, order: &Order) -> Result<()> {
    let mut stmt = tx.prepare_cached(END_WATCH)?;
    let day = order.day.to_string();
    for line in &order.lines {
        stmt.execute(params![order.badge, order.venue, day, line.article_id])?;
    }
    Ok(())
}
