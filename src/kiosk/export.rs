//! The day's orders as CSV for the kitchen (a file in the data dir, and `orders --csv`).

use super::Kiosk;
use crate::domain::Order;

/// RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `date,name,badge,dish,quantity,price,state,order_id,reason` — one line per order line.
pub fn orders_csv(kiosk: &Kiosk, orders: &[Order]) -> String {
    let mut out = String::from("date,name,badge,dish,quantity,price,state,order_id,reason\n");
    for o in orders {
        let name = kiosk
            .config()
            .badge(&o.badge)
            .map(|b| b.name.clone())
            .unwrap_or_default();
        for l in &o.lines {
            let cols = [
                o.day.to_string(),
                name.clone(),
                o.badge.clone(),
                l.name.clone(),
                l.quantity.to_string(),
                l.total().to_decimal_string(),
                o.state.as_str().to_string(),
                o.id.clone(),
                o.reason.clone().unwrap_or_default(),
            ];
            let line: Vec<String> = cols.iter().map(|c| field(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
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
