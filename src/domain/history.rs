//! An employee's orders by month, with what payroll deducts: pure, from the orders the store
//! keeps.
//!
//! An order belongs to the month of its menu day, the venue's local date (an order served
//! just after midnight on the 1st is the new month's, whatever UTC says). What it costs is
//! its total in integer minor units where [`OrderState::is_charged`] says it is charged, else
//! nothing; a month's totals are summed per currency, never across currencies.
//!
//! [`OrderState::is_charged`]: super::OrderState::is_charged

use super::order::Order;
use std::collections::BTreeMap;

/// One order in a month's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthOrder {
    pub order: Order,
    /// The venue's ISO 4217 code ("" for a venue no longer in the config: its orders are
    /// totalled apart, never added to another currency).
    pub currency: String,
    /// What payroll deducts for it, in minor units: its total if charged, else 0.
    pub charged: i64,
}

/// What a month's orders cost in one currency, in minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthTotal {
    pub currency: String,
    pub amount: i64,
}

/// One calendar month of an employee's orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub year: i16,
    /// 1 to 12.
    pub month: i8,
    /// Newest day first (orders of a day by when they were made, newest first).
    pub orders: Vec<MonthOrder>,
    /// One per currency of the month's orders, by currency code.
    pub totals: Vec<MonthTotal>,
}

/// The orders by month, newest month first. `currency` names the currency of an order (its
/// venue's).
pub fn by_month(orders: Vec<Order>, currency: impl Fn(&Order) -> String) -> Vec<Month> {
    let mut months: BTreeMap<(i16, i8), Vec<MonthOrder>> = BTreeMap::new();
    for order in orders {
        let charged = if order.state.is_charged() {
            order.total().cents()
        } else {
            0
        };
        let key = (order.day.year(), order.day.month());
        months.entry(key).or_default().push(MonthOrder {
            currency: currency(&order),
            charged,
            order,
        });
    }
    months
        .into_iter()
        .rev()
        .map(|((year, month), mut orders)| {
            orders.sort_by(|a, b| {
                (b.order.day, b.order.created_at).cmp(&(a.order.day, a.order.created_at))
            });
            Month {
                year,
                month,
                totals: totals(&orders),
                orders,
            }
        })
        .collect()
}

/// The sum per currency. Saturating, like order totals: only a broken amount gets there.
fn totals(orders: &[MonthOrder]) -> Vec<MonthTotal> {
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    for o in orders {
        let sum = sums.entry(o.currency.as_str()).or_insert(0);
        *sum = sum.saturating_add(o.charged);
    }
    sums.into_iter()
        .map(|(currency, amount)| MonthTotal {
            currency: currency.to_string(),
            amount,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CutoffRules, Money, OrderLine, OrderState};
    use jiff::civil::Date;
    use jiff::tz::TimeZone;
    use jiff::{SignedDuration, Timestamp};

    fn rules(zone: &str, serving: &str) -> CutoffRules {
        CutoffRules {
            time_zone: TimeZone::get(zone).unwrap(),
            serving_time: serving.parse().unwrap(),
            preorder_delta: SignedDuration::from_hours(1),
            cancellation_cutoff: SignedDuration::from_hours(1),
            allow_cancel: true,
        }
    }

    /// An order of `qty` × `cents` for the venue's day `day`, served at the venue's time.
    fn order(id: &str, venue: &str, r: &CutoffRules, day: &str, cents: i64, qty: u32) -> Order {
        let day: Date = day.parse().unwrap();
        let serving = r.serving_instant(day).unwrap();
        let made: Timestamp = "2026-01-01T08:00:00Z".parse().unwrap();
        let line = OrderLine {
            article_id: "1".into(),
            name: "M1".into(),
            quantity: qty,
            unit_price: Money::from_cents(cents),
            vat: None,
        };
        Order::new_queued(id.into(), venue, "1001", day, serving, vec![line], made)
    }

    fn currency_of(o: &Order) -> String {
        match o.venue.as_str() {
            "bistro" => "BRL".into(),
            "gone" => String::new(),
            _ => "EUR".into(),
        }
    }

    fn total(m: &Month, currency: &str) -> Option<i64> {
        m.totals
            .iter()
            .find(|t| t.currency == currency)
            .map(|t| t.amount)
    }

    #[test]
    fn months_newest_first_each_with_what_payroll_deducts() {
        let vienna = rules("Europe/Vienna", "12:00");
        let mut cancelled = order("c", "canteen", &vienna, "2026-03-10", 550, 1);
        cancelled.state = OrderState::Cancelled;
        let mut confirmed = order("k", "canteen", &vienna, "2026-03-12", 400, 1);
        confirmed.state = OrderState::Confirmed;
        let months = by_month(
            vec![
                order("a", "canteen", &vienna, "2026-02-27", 450, 1),
                cancelled,
                confirmed,
                // A guest's portion too: two of them.
                order("q", "canteen", &vienna, "2026-03-11", 450, 2),
            ],
            currency_of,
        );
        let keys: Vec<(i16, i8)> = months.iter().map(|m| (m.year, m.month)).collect();
        assert_eq!(keys, [(2026, 3), (2026, 2)]);
        let march = &months[0];
        let ids: Vec<&str> = march.orders.iter().map(|o| o.order.id.as_str()).collect();
        assert_eq!(ids, ["k", "q", "c"], "newest day first");
        let charged: Vec<i64> = march.orders.iter().map(|o| o.charged).collect();
        assert_eq!(charged, [400, 900, 0], "a cancelled order costs nothing");
        assert_eq!(
            march.totals,
            [MonthTotal {
                currency: "EUR".into(),
                amount: 1300
            }]
        );
        assert_eq!(total(&months[1], "EUR"), Some(450));
    }

    /// The month is the venue's: an order for the 1st served at a quarter past midnight in
    /// Vienna is served on the last day of the month before in UTC, and counts in the new one.
    #[test]
    fn the_month_is_the_venues_local_day_not_utc() {
        let late = rules("Europe/Vienna", "00:15");
        let first = order("n", "canteen", &late, "2026-04-01", 300, 1);
        assert_eq!(first.serving.to_string(), "2026-03-31T22:15:00Z");
        let last = order("o", "canteen", &late, "2026-03-31", 300, 1);
        let months = by_month(vec![first, last], currency_of);
        let keys: Vec<(i16, i8, usize)> = months
            .iter()
            .map(|m| (m.year, m.month, m.orders.len()))
            .collect();
        assert_eq!(keys, [(2026, 4, 1), (2026, 3, 1)]);
        // And west of UTC: São Paulo's 31 January evening is 1 February in UTC.
        let evening = rules("America/Sao_Paulo", "22:30");
        let jan = order("s", "bistro", &evening, "2026-01-31", 3290, 1);
        assert_eq!(jan.serving.to_string(), "2026-02-01T01:30:00Z");
        let months = by_month(vec![jan], currency_of);
        assert_eq!((months[0].year, months[0].month), (2026, 1));
    }

    /// The days summer time begins and ends are days like any other: the orders of the
    /// month's last Sunday stay in that month.
    #[test]
    fn summer_time_changes_move_no_order_to_another_month() {
        let r = rules("Europe/Vienna", "00:30");
        let spring = order("m", "canteen", &r, "2026-03-29", 500, 1);
        let autumn = order("t", "canteen", &r, "2026-10-25", 500, 1);
        let after = order("u", "canteen", &r, "2026-11-01", 500, 1);
        let months = by_month(vec![spring, autumn, after], currency_of);
        let keys: Vec<(i8, i64)> = months
            .iter()
            .map(|m| (m.month, total(m, "EUR").unwrap()))
            .collect();
        assert_eq!(keys, [(11, 500), (10, 500), (3, 500)]);
    }

    #[test]
    fn each_currency_is_totalled_apart() {
        let vienna = rules("Europe/Vienna", "12:00");
        let sao = rules("America/Sao_Paulo", "12:00");
        let months = by_month(
            vec![
                order("e1", "canteen", &vienna, "2026-05-04", 450, 1),
                order("b1", "bistro", &sao, "2026-05-05", 3290, 2),
                order("e2", "canteen", &vienna, "2026-05-06", 550, 1),
                order("x", "gone", &vienna, "2026-05-07", 100, 1),
            ],
            currency_of,
        );
        assert_eq!(months.len(), 1);
        let totals: Vec<(&str, i64)> = months[0]
            .totals
            .iter()
            .map(|t| (t.currency.as_str(), t.amount))
            .collect();
        assert_eq!(totals, [("", 100), ("BRL", 6580), ("EUR", 1000)]);
    }

    #[test]
    fn every_state_counts_as_is_charged_says() {
        let vienna = rules("Europe/Vienna", "12:00");
        let orders: Vec<Order> = crate::domain::ALL_ORDER_STATES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut o = order(&format!("o{i}"), "canteen", &vienna, "2026-06-01", 100, 1);
                o.state = *s;
                o
            })
            .collect();
        let months = by_month(orders, currency_of);
        let charged = crate::domain::ALL_ORDER_STATES
            .iter()
            .filter(|s| s.is_charged())
            .count() as i64;
        assert_eq!(total(&months[0], "EUR"), Some(100 * charged));
        assert_eq!(
            charged, 7,
            "queued, sending, sent, confirmed, done, cancel asked, unknown"
        );
        assert!(by_month(Vec::new(), currency_of).is_empty());
    }
}
