//! The vendor's lists of a venue's orders per day (see [`crate::domain::listed`]), cached for
//! the kitchen view.

use super::{Result, Store, StoreError, from_secs, to_secs};
use crate::domain::{DayList, ListedLine, ListedOrder, Money, OrderState};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

impl Store {
    /// Replaces the lists of `venue` for every day in `days` with `orders` (each order goes to
    /// its own day; a day without orders gets an empty list), in one transaction. Lists older
    /// than `keep_from` are dropped.
    pub fn put_day_lists(
        &mut self,
        venue: &str,
        days: &[Date],
        orders: &[ListedOrder],
        fetched_at: Timestamp,
        complete: bool,
        keep_from: Date,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        {
            let mut del =
                tx.prepare_cached("DELETE FROM venue_day_lists WHERE venue = ?1 AND day = ?2")?;
            let mut head = tx.prepare_cached(
                "INSERT INTO venue_day_lists (venue, day, fetched_at, complete)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut row = tx.prepare_cached(
                "INSERT OR REPLACE INTO venue_day_orders
                     (venue, day, ref_id, customer, state, raw_status, reason, lines)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for day in days {
                let d = day.to_string();
                del.execute(params![venue, d])?;
                head.execute(params![venue, d, to_secs(fetched_at), complete])?;
                for o in orders.iter().filter(|o| o.day == *day) {
                    row.execute(params![
                        venue,
                        d,
                        o.ref_id,
                        o.customer,
                        o.state.as_str(),
                        o.raw_status,
                        o.reason,
                        lines_json(&o.lines).to_string(),
                    ])?;
                }
            }
            tx.execute(
                "DELETE FROM venue_day_lists WHERE venue = ?1 AND day < ?2",
                params![venue, keep_from.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The vendor's list of a venue's day, if one was fetched.
    pub fn day_list(&self, venue: &str, day: Date) -> Result<Option<DayList>> {
        let d = day.to_string();
        let head = self
            .conn()
            .prepare_cached(
                "SELECT fetched_at, complete FROM venue_day_lists WHERE venue = ?1 AND day = ?2",
            )?
            .query_row(params![venue, d], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?))
            })
            .optional()?;
        let Some((fetched_at, complete)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT ref_id, customer, state, raw_status, reason, lines FROM venue_day_orders
             WHERE venue = ?1 AND day = ?2 ORDER BY customer, ref_id",
        )?;
        let rows = stmt
            .query_map(params![venue, d], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut orders = Vec::with_capacity(rows.len());
        for (ref_id, customer, state, raw_status, reason, lines) in rows {
            let state = OrderState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("listed order state {state:?}")))?;
            orders.push(ListedOrder {
                lines: parse_lines(&lines)?,
                ref_id,
                day,
                customer,
                state,
                raw_status,
                reason,
            });
        }
        Ok(Some(DayList {
            venue: venue.to_string(),
            day,
            fetched_at: from_secs(fetched_at)?,
            complete,
            orders,
        }))
    }
}

fn lines_json(lines: &[ListedLine]) -> Value {
    Value::Array(
        lines
            .iter()
            .map(|l| {
                json!({
                    "name": l.name,
                    "quantity": l.quantity,
                    "unit_price_cents": l.unit_price.map(|m| m.cents()),
                })
            })
            .collect(),
    )
}

fn parse_lines(text: &str) -> Result<Vec<ListedLine>> {
    let bad = || StoreError::Corrupt(format!("listed order lines {text:?}"));
    let v: Value = serde_json::from_str(text).map_err(|_| bad())?;
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|l| {
            Ok(ListedLine {
                name: l["name"].as_str().ok_or_else(bad)?.to_string(),
                quantity: l["quantity"]
                    .as_u64()
                    .and_then(|q| u32::try_from(q).ok())
                    .ok_or_else(bad)?,
                unit_price: l["unit_price_cents"].as_i64().map(Money::from_cents),
            })
        })
        .collect()
}
