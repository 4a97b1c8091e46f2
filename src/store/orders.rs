//! Orders, their lines and their history. Every state change is written together with its
//! history row and its outbox change in one transaction, and only if the order is still in
//! the state the caller saw (so the UI and the worker can never overwrite each other).

use super::outbox::{OutboxChange, apply_outbox_change};
use super::{Result, Store, StoreError, from_secs, parse_day, to_secs};
use crate::domain::{Money, Order, OrderLine, OrderState, Percent};
use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use std::collections::{HashMap, HashSet};

/// Which orders to list.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter<'a> {
    pub venue: Option<&'a str>,
    pub badge: Option<&'a str>,
    pub from_day: Option<Date>,
    pub to_day: Option<Date>,
    pub states: Option<&'a [OrderState]>,
}

/// One change of an order's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub from: Option<OrderState>,
    pub to: OrderState,
    pub note: Option<String>,
}

const ORDER_COLUMNS: &str = "id, venue, badge, day, serving, state, state_before_cancel, \
    vendor_ref, vendor_hash, vendor_status, reason, created_at, updated_at";

impl Store {
    /// Saves a new order and, where given, its outbox row, in one transaction: when this
    /// returns, the order survives a power cut. The badge's watches of its dishes end in the
    /// same transaction.
    pub fn insert_order(&mut self, order: &Order, outbox: OutboxChange) -> Result<()> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            &format!("INSERT INTO orders ({ORDER_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"),
            params![
                order.id,
                order.venue,
                order.badge,
                order.day.to_string(),
                to_secs(order.serving),
                order.state.as_str(),
                order.state_before_cancel.map(OrderState::as_str),
                order.vendor_ref,
                order.vendor_hash,
                order.vendor_status,
                order.reason,
                to_secs(order.created_at),
                to_secs(order.updated_at),
            ],
        )?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO order_lines (order_id, position, article_id, name, quantity,
                     unit_price_cents, vat_hundredths) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (i, l) in order.lines.iter().enumerate() {
                stmt.execute(params![
                    order.id,
                    i as i64,
                    l.article_id,
                    l.name,
                    l.quantity,
                    l.unit_price.cents(),
                    l.vat.map(|v| v.hundredths()),
                ])?;
            }
        }
        insert_event(&tx, &order.id, order.created_at, None, order.state, None)?;
        apply_outbox_change(&tx, &order.id, outbox, order.updated_at)?;
        super::watches::end_watches_for(&tx, order)?;
        tx.commit()?;
        Ok(())
    }

    /// Writes an order whose state the caller changed from `from` (through the state machine),
    /// with its history row and outbox change, in one transaction. If the stored state is no
    /// longer `from` (someone else changed it meanwhile), nothing is written and `Ok(false)`
    /// is returned: the caller reads the order again and decides anew.
    pub fn save_transition(
        &mut self,
        order: &Order,
        from: OrderState,
        note: Option<&str>,
        outbox: OutboxChange,
    ) -> Result<bool> {
        let tx = self.conn_mut().transaction()?;
        let changed = tx.execute(
            "UPDATE orders SET state = ?1, state_before_cancel = ?2, vendor_ref = ?3,
                 vendor_hash = ?4, vendor_status = ?5, reason = ?6, updated_at = ?7
             WHERE id = ?8 AND state = ?9",
            params![
                order.state.as_str(),
                order.state_before_cancel.map(OrderState::as_str),
                order.vendor_ref,
                order.vendor_hash,
                order.vendor_status,
                order.reason,
                to_secs(order.updated_at),
                order.id,
                from.as_str(),
            ],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        if from != order.state {
            insert_event(
                &tx,
                &order.id,
                order.updated_at,
                Some(from),
                order.state,
                note,
            )?;
        }
        apply_outbox_change(&tx, &order.id, outbox, order.updated_at)?;
        tx.commit()?;
        if from != order.state {
            log::info!(
                "order {} {} → {}{}",
                order.id,
                from,
                order.state,
                note.map(|n| format!(" ({n})")).unwrap_or_default()
            );
        }
        Ok(true)
    }

    pub fn order(&self, id: &str) -> Result<Option<Order>> {
        let head = self
            .conn()
            .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"))?
            .query_row([id], read_head)
            .optional()?;
        head.map(|h| self.finish(h)).transpose()
    }

    /// Orders matching `filter`, by day then creation time.
    pub fn orders(&self, filter: &OrderFilter<'_>) -> Result<Vec<Order>> {
        // The heads and their lines are two statements: one read transaction makes them one
        // snapshot, so a prune committing between them cannot show an order without lines.
        // (Inside a caller's transaction that one is the snapshot already.)
        let snapshot = match self.conn().is_autocommit() {
            true => Some(self.conn().unchecked_transaction()?),
            false => None,
        };
        let out = self.orders_now(filter)?;
        if let Some(tx) = snapshot {
            tx.commit()?;
        }
        Ok(out)
    }

    fn orders_now(&self, filter: &OrderFilter<'_>) -> Result<Vec<Order>> {
        let (condition, args) = filter_sql(filter);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE {condition} ORDER BY day, created_at, id"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut heads = Vec::new();
        // One damaged row costs that order only: it is logged and left out (the worker parks
        // its outbox rows when it meets them), and the others are listed.
        while let Some(r) = rows.next()? {
            match read_head(r) {
                Ok(h) => heads.push(h),
                Err(e) => log::error!("an order row cannot be read and is left out: {e}"),
            }
        }
        let (mut lines, damaged) = self.lines_where(&condition, &args)?;
        let mut out = Vec::with_capacity(heads.len());
        for h in heads {
            if let Some(e) = damaged.get(&h.id) {
                log::error!(
                    "a line of order {} cannot be read and the order is left out: {e}",
                    h.id
                );
                continue;
            }
            let mine = lines.remove(&h.id).unwrap_or_default();
            match order_from(h, mine) {
                Ok(order) => out.push(order),
                Err(e) => log::error!("an order row cannot be read and is left out: {e}"),
            }
        }
        Ok(out)
    }

    /// The lines of every order matching `condition`, in one query: the sync worker lists
    /// hundreds of live orders each pass, and a query per order cost most of its idle CPU.
    /// Also the orders with a line that cannot be read, with why (left out, as a damaged head
    /// is).
    fn lines_where(
        &self,
        condition: &str,
        args: &[String],
    ) -> Result<(LinesOf, HashMap<String, rusqlite::Error>)> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT order_id, {LINE_COLUMNS} FROM order_lines
             WHERE order_id IN (SELECT id FROM orders WHERE {condition})
             ORDER BY order_id, position"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter()))?;
        let mut out = LinesOf::new();
        let mut damaged = HashMap::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            match read_line(r, 1) {
                Ok(line) => out.entry(id).or_default().push(line),
                Err(e) => {
                    damaged.insert(id, e);
                }
            }
        }
        Ok((out, damaged))
    }

    /// Orders in any of `states` (the worker's status polls, crash recovery).
    pub fn orders_in_states(&self, states: &[OrderState]) -> Result<Vec<Order>> {
        self.orders(&OrderFilter {
            states: Some(states),
            ..OrderFilter::default()
        })
    }

    /// The history of an order, oldest first.
    pub fn order_history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, from_state, to_state, note FROM order_events WHERE order_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, from, to, note) = row?;
            out.push(HistoryEntry {
                at: from_secs(at)?,
                from: from.map(|f| state(&f)).transpose()?,
                to: state(&to)?,
                note,
            });
        }
        Ok(out)
    }

    /// The id of the newest history row: the kitchen view remembers it to show what changed.
    pub fn last_event_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT COALESCE(MAX(id), 0) FROM order_events", [], |r| {
                r.get(0)
            })?)
    }

    /// Orders changed after history row `after`.
    pub fn orders_changed_since(&self, after: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT DISTINCT order_id FROM order_events WHERE id > ?1")?;
        Ok(stmt
            .query_map([after], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn finish(&self, h: Head) -> Result<Order> {
        let lines = self.lines(&h.id)?;
        order_from(h, lines)
    }

    fn lines(&self, order_id: &str) -> Result<Vec<OrderLine>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id = ?1 ORDER BY position"
        ))?;
        let rows = stmt.query_map([order_id], |r| read_line(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

type LinesOf = HashMap<String, Vec<OrderLine>>;

const LINE_COLUMNS: &str = "article_id, name, quantity, unit_price_cents, vat_hundredths";

/// An order line from the [`LINE_COLUMNS`] starting at column `at`.
fn read_line(r: &Row<'_>, at: usize) -> rusqlite::Result<OrderLine> {
    Ok(OrderLine {
        article_id: r.get(at)?,
        name: r.get(at + 1)?,
        quantity: r.get(at + 2)?,
        unit_price: Money::from_cents(r.get(at + 3)?),
        vat: r
            .get::<_, Option<i64>>(at + 4)?
            .map(Percent::from_hundredths),
    })
}

/// The SQL condition (and its arguments) of a filter, shared by the orders and their lines.
fn filter_sql(filter: &OrderFilter<'_>) -> (String, Vec<String>) {
    let mut sql = String::from("1 = 1");
    let mut args: Vec<String> = Vec::new();
    let mut push = |cond: &str, v: String, sql: &mut String| {
        args.push(v);
        sql.push_str(&format!(" AND {cond} ?{}", args.len()));
    };
    if let Some(v) = filter.venue {
        push("venue =", v.to_string(), &mut sql);
    }
    if let Some(b) = filter.badge {
        push("badge =", b.to_string(), &mut sql);
    }
    if let Some(d) = filter.from_day {
        push("day >=", d.to_string(), &mut sql);
    }
    if let Some(d) = filter.to_day {
        push("day <=", d.to_string(), &mut sql);
    }
    // States filtered in SQL (indexed), so a pass over live orders never loads them all.
    if let Some(states) = filter.states {
        let names: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
        sql.push_str(&format!(" AND state IN ({})", names.join(", ")));
    }
    (sql, args)
}

fn order_from(h: Head, lines: Vec<OrderLine>) -> Result<Order> {
    Ok(Order {
        day: parse_day(&h.day)?,
        serving: from_secs(h.serving)?,
        state: state(&h.state)?,
        state_before_cancel: h.state_before_cancel.as_deref().map(state).transpose()?,
        created_at: from_secs(h.created_at)?,
        updated_at: from_secs(h.updated_at)?,
        id: h.id,
        venue: h.venue,
        badge: h.badge,
        lines,
        vendor_ref: h.vendor_ref,
        vendor_hash: h.vendor_hash,
        vendor_status: h.vendor_status,
        reason: h.reason,
    })
}

struct Head {
    id: String,
    venue: String,
    badge: String,
    day: String,
    serving: i64,
    state: String,
    state_before_cancel: Option<String>,
    vendor_ref: Option<String>,
    vendor_hash: Option<String>,
    vendor_status: Option<String>,
    reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

fn read_head(r: &Row<'_>) -> rusqlite::Result<Head> {
    Ok(Head {
        id: r.get(0)?,
        venue: r.get(1)?,
        badge: r.get(2)?,
        day: r.get(3)?,
        serving: r.get(4)?,
        state: r.get(5)?,
        state_before_cancel: r.get(6)?,
        vendor_ref: r.get(7)?,
        vendor_hash: r.get(8)?,
        vendor_status: r.get(9)?,
        reason: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

fn state(s: &str) -> Result<OrderState> {
    OrderState::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown order state {s:?}")))
}

fn insert_event(
    tx: &Transaction<'_>,
    order_id: &str,
    at: Timestamp,
    from: Option<OrderState>,
    to: OrderState,
    note: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO order_events (order_id, at, from_state, to_state, note) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![order_id, to_secs(at), from.map(OrderState::as_str), to.as_str(), note])?;
    Ok(())
}

impl Store {
    /// An order of a venue by the vendor's id for it (webhooks and polls that do not echo
    /// the kiosk's own id).
    pub fn order_by_vendor_ref(&self, venue: &str, vendor_ref: &str) -> Result<Option<Order>> {
        let head = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE venue = ?1 AND vendor_ref = ?2"
            ))?
            .query_row(params![venue, vendor_ref], read_head)
            .optional()?;
        head.map(|h| self.finish(h)).transpose()
    }

    /// The vendor ids that the venue's orders of `day` own, but `except`'s: what a look-up by
    /// content must not hand out again (see `Vendor::find_order`).
    pub fn claimed_refs(&self, venue: &str, day: Date, except: &str) -> Result<HashSet<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT vendor_ref FROM orders
             WHERE venue = ?1 AND day = ?2 AND id <> ?3 AND vendor_ref IS NOT NULL",
        )?;
        let refs = stmt
            .query_map(params![venue, day.to_string(), except], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(refs)
    }
}

impl Store {
    pub fn count_orders_in_state(&self, state: OrderState) -> Result<u64> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM orders WHERE state = ?1",
            [state.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }
}
