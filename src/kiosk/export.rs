//! The day's orders as CSV for the kitchen (a file in the data dir, and `orders --csv`).

use super::{Kiosk, KitchenView, Pickup};
use crate::domain::Order;

/// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const HEADER: &str = "date,name,badge,dish,quantity,price,state,order_id,reason\n";

/// A kitchen day as CSV: `date,name,badge,dish,quantity,price,state,order_id,reason`, one
/// line per pickup row (order line). Orders placed elsewhere have no badge, and no price where
/// the vendor lists none.
pub fn day_csv(view: &KitchenView) -> String {
    let day = view.day.map(|d| d.to_string()).unwrap_or_default();
    rows_csv(view.pickups.iter().map(|p| (day.clone(), p.clone())))
}

/// Orders of this kiosk (of any day) as CSV, in the same columns as [`day_csv`].
pub fn orders_csv(kiosk: &Kiosk, orders: &[Order]) -> String {
    rows_csv(
        orders
            .iter()
            .flat_map(|o| kiosk.own_pickups(o).map(|p| (o.day.to_string(), p))),
    )
}

fn rows_csv(rows: impl Iterator<Item = (String, Pickup)>) -> String {
    let mut out = String::from(HEADER);
    for (day, p) in rows {
        let cols = [
            day,
            p.name,
            p.badge,
            p.dish,
            p.quantity.to_string(),
            p.price.map(|m| m.to_decimal_string()).unwrap_or_default(),
            p.state.as_str().to_string(),
            p.order_id,
            p.reason.unwrap_or_default(),
        ];
        let line: Vec<String> = cols.iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field("Soup"), "Soup");
        assert_eq!(field("Salat, gemischt"), "\"Salat, gemischt\"");
        assert_eq!(field("the \"big\" one"), "\"the \"\"big\"\" one\"");
    }
}
