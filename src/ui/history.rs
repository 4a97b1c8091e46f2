//! "My month": [`Kiosk::orders_by_month`](crate::kiosk::Kiosk::orders_by_month) as the rows
//! of the history screen, a heading with the month's total before its orders.

use super::generated::HistoryRow;
use super::models::{date_parts, money, status};
use crate::config::{Config, Language};
use crate::domain::Money;
use crate::domain::history::Month;

/// The rows of `months`; each order names its venue as `config` calls it (its key, for a
/// venue a reload took out).
pub fn rows(months: &[Month], config: &Config, lang: Language) -> Vec<HistoryRow> {
    let venue_name = |key: &str| {
        config
            .venue(key)
            .map_or(key, |v| v.name.as_str())
            .to_string()
    };
    let mut out = Vec::new();
    for m in months {
        let total: Vec<String> = m
            .totals
            .iter()
            .map(|t| money(Money::from_cents(t.amount), &t.currency, lang))
            .collect();
        out.push(HistoryRow {
            heading: true,
            year: i32::from(m.year),
            month: i32::from(m.month),
            total: total.join(" + ").into(),
            ..HistoryRow::default()
        });
        for o in &m.orders {
            let dishes: Vec<&str> = o.order.lines.iter().map(|l| l.name.as_str()).collect();
            let charged = o.order.state.is_charged();
            out.push(HistoryRow {
                heading: false,
                year: i32::from(m.year),
                month: i32::from(m.month),
                date: date_parts(o.order.day),
                dish: dishes.join(", ").into(),
                venue: venue_name(&o.order.venue).into(),
                price: money(o.order.total(), &o.currency, lang).into(),
                status: status(o.order.state),
                charged,
                ..HistoryRow::default()
            });
        }
    }
    out
}
