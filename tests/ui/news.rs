//! What the kiosk tells a person at badge-in (issue 16): next week not ordered yet (Monday to
//! Thursday, a banner with the way there), and a watched sold-out dish that has portions again
//! ("tell me", said first, once). A module of `tests/ui.rs`.

use super::*;
use canteen_kiosk::domain::MenuDay;

impl Fixture {
    /// Today's (Thursday 19 November) first dish sold out, or back with `portions`.
    fn set_first_dish(&mut self, portions: Option<u32>) {
        let mut day: MenuDay = demo_menu_day("demo", date(2026, 11, 19));
        let a = &mut day.articles[0];
        a.sold_out = portions.is_none();
        a.portions_left = Some(portions.unwrap_or(0));
        self.worker.put_menu_days(&[day], t0(), "demo").unwrap();
        self.listeners.notify(Change::Menus);
        self.ui.pump();
        settle();
    }

    /// The date of the first day column the week shows.
    fn first_column(&self) -> (i32, i32) {
        let first = self.api().get_week_first().max(0) as usize;
        let day = self.api().get_week().row_data(first).unwrap();
        (day.tab.date.day, day.tab.date.month)
    }
}

#[test]
fn next_week_not_ordered_yet_is_said_with_the_way_there() {
    for (name, size) in [
        ("next-week-land", SHOT_SIZES[0]),
        ("next-week-port", SHOT_SIZES[3]),
    ] {
        let f = Fixture::new(name);
        f.ui.window()
            .window()
            .set_size(slint::PhysicalSize::new(size.0, size.1));
        settle();
        // Thursday, with next week's Monday to Wednesday on the menu and nothing ordered.
        f.badge_in();
        assert!(f.api().get_next_week_reminder());
        assert!(f.find("You have not ordered for next week yet.").is_some());
        f.tap("Show next week");
        assert!(!f.api().get_next_week_reminder(), "said once");
        assert_eq!(
            f.first_column(),
            (23, 11),
            "{name}: Monday 23 November first"
        );
        // In portrait the week stands in for the day menu until "Menu".
        assert!(f.find("Next days").is_some(), "{name}: the week is shown");
        f.tap("Menu");
        assert!(!f.api().get_week_in_portrait());
        f.tap("Log out");
    }
}

#[test]
fn an_order_for_next_week_ends_the_reminder() {
    let f = Fixture::new("next-week-ordered");
    f.badge_in();
    assert!(f.api().get_next_week_reminder());
    // Monday 23 November is the fourth tab (Thursday, Friday, Saturday, Sunday, Monday).
    f.api().invoke_select_day(4);
    settle();
    f.tap(&f.dish_name(0));
    f.tap("Order now");
    f.api().invoke_close_sheet();
    f.tap("Log out");
    f.type_keys("1002\n");
    assert!(
        f.api().get_next_week_reminder(),
        "another badge is still reminded"
    );
    f.tap("Log out");
    f.badge_in();
    assert!(!f.api().get_next_week_reminder());
}

/// Said once per week: not again at the next badge-in, but again in a new week that finds
/// the week after unordered.
#[test]
fn the_reminder_is_said_once_a_week() {
    let mut f = Fixture::new("next-week-once");
    f.badge_in();
    assert!(f.api().get_next_week_reminder());
    f.tap("Log out");
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert!(!f.api().get_next_week_reminder(), "said once this week");
    f.tap("Log out");
    // Monday 23 November: the week of the 30th is on the menu now, and nothing is ordered.
    let days: Vec<MenuDay> = (0..12)
        .map(|i| demo_menu_day("demo", date(2026, 11, 23).checked_add(i.days()).unwrap()))
        .collect();
    f.worker.put_menu_days(&days, t0(), "demo").unwrap();
    f.clock.advance(SignedDuration::from_hours(4 * 24));
    f.listeners.notify(Change::Menus);
    f.ui.pump();
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert!(f.api().get_next_week_reminder(), "a new week: said again");
}

#[test]
fn a_watched_dish_that_is_back_is_said_first_and_once() {
    let mut f = Fixture::new("watch");
    f.set_first_dish(None);
    f.badge_in();
    let dish = f.dish_name(0);
    f.tap(&dish);
    assert_eq!(f.api().get_sheet(), Sheet::Problem);
    assert_eq!(f.api().get_problem(), Problem::SoldOut);
    f.tap("Tell me when it is back");
    assert_eq!(f.api().get_sheet(), Sheet::Watching);
    assert_eq!(f.api().get_news_dish(), dish);
    assert_eq!(f.api().get_news_until(), "11:00");
    f.tap("OK");
    f.tap("Log out");

    // Still sold out: nothing is said.
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert_eq!(f.api().get_sheet(), Sheet::None);
    f.tap("Log out");

    // Portions again: said first at the next badge-in, and "Order it" opens the order sheet.
    f.set_first_dish(Some(4));
    f.type_keys("1002\n");
    assert_eq!(
        f.api().get_sheet(),
        Sheet::None,
        "only the badge that asked"
    );
    f.tap("Log out");
    f.badge_in();
    assert_eq!(f.api().get_sheet(), Sheet::FreedDish);
    assert_eq!(f.api().get_news_dish(), dish);
    f.tap("Order it");
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmOrder);
    f.tap("Order now");
    assert_eq!(f.orders_of("1001").len(), 1);
    f.api().invoke_close_sheet();
    f.tap("Log out");
    f.type_keys("1002\n");
    f.tap("Log out");
    // Said once: the watch ended.
    f.badge_in();
    assert_eq!(f.api().get_sheet(), Sheet::None);
}

#[test]
fn not_now_ends_the_watch_too() {
    let mut f = Fixture::new("watch-not-now");
    f.set_first_dish(None);
    f.badge_in();
    f.tap(&f.dish_name(0));
    f.tap("Tell me when it is back");
    f.tap("OK");
    f.tap("Log out");
    f.set_first_dish(Some(2));
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert_eq!(f.api().get_sheet(), Sheet::FreedDish);
    f.tap("Not now");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    f.tap("Log out");
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert_eq!(f.api().get_sheet(), Sheet::None);
}
