//! The day's orders as CSV for the kitchen (a file in the data dir, and `orders --csv`).

use super::{Kiosk, KitchenView, Parked, Pickup, Result};
use crate::domain::Order;

const HEADER: [&str; 9] = [
    "date", "name", "badge", "dish", "quantity", "price", "state", "order_id", "reason",
];

/// A kitchen day as CSV: `date,name,badge,dish,quantity,price,state,order_id,reason`, one
/// line per pickup row (order line). Orders placed elsewhere have no badge, and no price where
/// the vendor lists none.
pub fn day_csv(view: &KitchenView) -> String {
    let day = view.day.map(|d| d.to_string()).unwrap_or_default();
    rows_csv(view.pickups.iter().map(|p| (day.clone(), p.clone())))
}

/// Orders of this kiosk (of any day) as CSV, in the same columns as [`day_csv`].
pub fn orders_csv(kiosk: &Kiosk, orders: &[Order]) -> Result<String> {
    let parked = kiosk.parked_orders()?;
    Ok(rows_csv(orders.iter().flat_map(|o| {
        kiosk
            .own_pickups(o, parked.get(&o.id))
            .map(|p| (o.day.to_string(), p))
    })))
}

/// The `csv` crate writes RFC 4180: a field is quoted only where it holds a comma, a quote
/// or a line break, quotes are doubled, lines end in `\n`.
fn rows_csv(rows: impl Iterator<Item = (String, Pickup)>) -> String {
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut write = |cols: &[&str]| out.write_record(cols).expect("writing to memory");
    write(&HEADER);
    for (day, p) in rows {
        let quantity = p.quantity.to_string();
        let price = p.price.map(|m| m.to_decimal_string()).unwrap_or_default();
        write(&[
            &day,
            &p.name,
            &p.badge,
            &p.dish,
            &quantity,
            &price,
            Parked::state_word(p.parked.as_ref(), p.state),
            &p.order_id,
            Parked::reason(p.parked.as_ref(), p.reason.as_deref()).unwrap_or_default(),
        ]);
    }
    let bytes = out.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the fields were UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Money, OrderState};

    #[test]
    fn quotes_only_what_needs_it() {
        let pickup = |dish: &str, reason: Option<&str>| Pickup {
            name: "Anna".into(),
            badge: "1001".into(),
            dish: dish.into(),
            quantity: 2,
            price: Some(Money::from_cents(450)),
            state: OrderState::Sent,
            order_id: "o-1".into(),
            reason: reason.map(str::to_string),
            parked: None,
            placed_at: None,
        };
        let rows = [
            ("2026-02-13".to_string(), pickup("Soup", None)),
            ("2026-02-13".to_string(), pickup("Salat, gemischt", None)),
            (
                "2026-02-13".to_string(),
                pickup("the \"big\" one", Some("a\nb")),
            ),
        ];
        let text = rows_csv(rows.into_iter());
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        assert_eq!(
            lines[0],
            "date,name,badge,dish,quantity,price,state,order_id,reason\n"
        );
        assert_eq!(lines[1], "2026-02-13,Anna,1001,Soup,2,4.50,sent,o-1,\n");
        assert_eq!(
            lines[2],
            "2026-02-13,Anna,1001,\"Salat, gemischt\",2,4.50,sent,o-1,\n"
        );
        assert_eq!(
            &text[lines[0].len() + lines[1].len() + lines[2].len()..],
            "2026-02-13,Anna,1001,\"the \"\"big\"\" one\",2,4.50,sent,o-1,\"a\nb\"\n"
        );
    }
}
