//! "My month" (issue 16): the person's orders by month with what payroll deducts, reached
//! from "My orders". A module of `tests/ui.rs`.

use super::*;
use canteen_kiosk::ui::generated::HistoryRow;

impl Fixture {
    fn history(&self) -> Vec<HistoryRow> {
        self.api().get_history().iter().collect()
    }
}

#[test]
fn my_month_totals_what_payroll_deducts() {
    let f = Fixture::new("history");
    f.badge_in();
    // Today's first dish, cancelled again; tomorrow's first dish, kept.
    let today = f.dish_name(0);
    f.tap(&today);
    f.tap("Order now");
    f.api().invoke_close_sheet();
    f.api().invoke_select_day(1);
    settle();
    let tomorrow = f.dish_name(0);
    let kept_price = f.api().get_dishes().row_data(0).unwrap().price.to_string();
    f.tap(&tomorrow);
    f.tap("Order now");
    f.api().invoke_close_sheet();
    f.tap("My orders");
    f.tap(&format!("Cancel order {today}"));
    f.tap("Yes, cancel it");

    f.tap("By month");
    assert_eq!(f.api().get_screen(), Screen::History);
    let rows = f.history();
    assert_eq!(rows.len(), 3, "{rows:?}");
    let heading = &rows[0];
    assert!(heading.heading);
    assert_eq!((heading.year, heading.month), (2026, 11));
    assert_eq!(
        heading.total, kept_price,
        "the cancelled order costs nothing"
    );
    assert!(f.find(&format!("November 2026: {kept_price}")).is_some());
    // Newest day first: tomorrow's (charged), then today's (cancelled, not charged).
    assert_eq!(rows[1].dish, tomorrow);
    assert!(rows[1].charged);
    assert_eq!(rows[2].dish, today);
    assert!(!rows[2].charged);
    assert_eq!(rows[2].status, OrderStatus::Cancelled);

    f.tap("Coming days");
    assert_eq!(f.api().get_screen(), Screen::Orders);
    // The next person sees nothing of it.
    f.tap("Log out");
    assert!(f.history().is_empty());
}
