//! The menu cache: menu days and their articles, with when and where they were fetched.

use super::{Result, Store, from_secs, parse_day, to_secs};
use crate::domain::{Article, CachedMenuDay, MenuDay, Money, Percent};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

impl Store {
    /// Replaces the cached menu of each given (venue, day) in one transaction.
    pub fn put_menu_days(
        &mut self,
        days: &[MenuDay],
        fetched_at: Timestamp,
        source: &str,
    ) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        {
            let mut del =
                tx.prepare_cached("DELETE FROM menu_days WHERE venue = ?1 AND day = ?2")?;
            let mut day_ins = tx.prepare_cached(
                "INSERT INTO menu_days (venue, day, vendor_day_id, fetched_at, source)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut art_ins = tx.prepare_cached(
                "INSERT INTO articles (venue, day, position, vendor_id, name, description,
                     price_cents, vat_hundredths, allergens, portions_left, sold_out)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for m in days {
                let day = m.day.to_string();
                del.execute(params![m.venue, day])?;
                day_ins.execute(params![
                    m.venue,
                    day,
                    m.vendor_day_id,
                    to_secs(fetched_at),
                    source
                ])?;
                for (i, a) in m.articles.iter().enumerate() {
                    art_ins.execute(params![
                        m.venue,
                        day,
                        i as i64,
                        a.vendor_id,
                        a.name,
                        a.description,
                        a.price.cents(),
                        a.vat.map(|v| v.hundredths()),
                        a.allergens,
                        a.portions_left,
                        a.sold_out,
                    ])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The cached menu of one day, if any.
    pub fn menu_day(&self, venue: &str, day: Date) -> Result<Option<CachedMenuDay>> {
        let head = self
            .conn()
            .prepare_cached(
                "SELECT vendor_day_id, fetched_at, source FROM menu_days WHERE venue = ?1 AND day = ?2",
            )?
            .query_row(params![venue, day.to_string()], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
            })
            .optional()?;
        let Some((vendor_day_id, fetched_at, source)) = head else {
            return Ok(None);
        };
        Ok(Some(CachedMenuDay {
            menu: MenuDay {
                venue: venue.to_string(),
                day,
                vendor_day_id,
                articles: self.articles(venue, day)?,
            },
            fetched_at: from_secs(fetched_at)?,
            source,
        }))
    }

    /// The cached days of a venue from `from` to `to` (inclusive), in date order.
    pub fn menu_days(&self, venue: &str, from: Date, to: Date) -> Result<Vec<CachedMenuDay>> {
        let days: Vec<String> = self
            .conn()
            .prepare_cached(
                "SELECT day FROM menu_days WHERE venue = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
            )?
            .query_map(params![venue, from.to_string(), to.to_string()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(days.len());
        for d in days {
            if let Some(m) = self.menu_day(venue, parse_day(&d)?)? {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// The oldest fetch time among a venue's cached days from `from` on (menu age).
    pub fn menu_fetched_at(&self, venue: &str, from: Date) -> Result<Option<Timestamp>> {
        let secs: Option<i64> = self.conn().query_row(
            "SELECT MIN(fetched_at) FROM menu_days WHERE venue = ?1 AND day >= ?2",
            params![venue, from.to_string()],
            |r| r.get(0),
        )?;
        secs.map(from_secs).transpose()
    }

    /// Drops cached days before `before` (old menus are of no use to anyone).
    pub fn prune_menus(&self, before: Date) -> Result<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM menu_days WHERE day < ?1", [before.to_string()])?)
    }

    fn articles(&self, venue: &str, day: Date) -> Result<Vec<Article>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT vendor_id, name, description, price_cents, vat_hundredths, allergens,
                    portions_left, sold_out
             FROM articles WHERE venue = ?1 AND day = ?2 ORDER BY position",
        )?;
        let rows = stmt.query_map(params![venue, day.to_string()], |r| {
            Ok(Article {
                vendor_id: r.get(0)?,
                name: r.get(1)?,
                description: r.get(2)?,
                price: Money::from_cents(r.get(3)?),
                vat: r.get::<_, Option<i64>>(4)?.map(Percent::from_hundredths),
                allergens: r.get(5)?,
                portions_left: r.get(6)?,
                sold_out: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
