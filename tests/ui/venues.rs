//! Several venues (issue 16): the idle screen shows each venue's today, a person picks the
//! venue (menu, ordering and the kitchen follow it, every view names it), and the next person
//! starts from the first again. A module of `tests/ui.rs`.

use super::*;
use canteen_kiosk::domain::MenuDay;
use canteen_kiosk::vendors::demo::BISTRO_VENUE;

/// The demo's two venues: the canteen and the bistro (ordering until 11:30), whose dishes
/// are coded "B1" …
fn two_venues(config: &mut Config) {
    config.venues = canteen_kiosk::config::demo(config.kiosk.data_dir.clone()).venues;
}

fn bistro_days() -> Vec<MenuDay> {
    (0..7)
        .map(|i| {
            demo_menu_day(
                BISTRO_VENUE,
                date(2026, 11, 19).checked_add(i.days()).unwrap(),
            )
        })
        .collect()
}

fn fixture(name: &str) -> Fixture {
    let mut f = Fixture::with_config(name, two_venues);
    f.worker
        .put_menu_days(&bistro_days(), t0(), "demo")
        .unwrap();
    f.listeners.notify(Change::Menus);
    f.ui.pump();
    settle();
    f
}

#[test]
fn the_idle_screen_shows_each_venues_today() {
    let f = fixture("venues-idle");
    let venues = f.api().get_today_venues();
    assert_eq!(venues.row_count(), 2);
    assert_eq!(f.api().get_today_dishes().row_count(), 0);
    let names: Vec<String> = venues.iter().map(|v| v.name.to_string()).collect();
    assert_eq!(names, ["Canteen Demo", "Bistro"]);
    let bistro = venues.row_data(1).unwrap();
    let first = bistro.dishes.row_data(0).unwrap().name.to_string();
    assert!(first.starts_with("B1 "), "{first}");
    // Each with its own countdown (09:41; the bistro takes orders until 11:30).
    assert_eq!(bistro.tab.state, DayState::Open);
    assert_eq!(bistro.tab.order_until, "11:30");
    assert_eq!(venues.row_data(0).unwrap().tab.order_until, "11:00");
}

#[test]
fn a_person_picks_the_venue_and_orders_there() {
    let f = fixture("venues-pick");
    f.badge_in();
    assert_eq!(f.api().get_venue_name(), "Canteen Demo");
    assert!(f.dish_name(0).starts_with("M1 "));
    f.tap("Venue: Canteen Demo");
    assert_eq!(f.api().get_sheet(), Sheet::Venue);
    f.tap("Bistro");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert_eq!(f.api().get_screen(), Screen::Menu);
    assert_eq!(f.api().get_venue_name(), "Bistro");
    assert!(f.find("Venue: Bistro").is_some(), "the top bar names it");
    let dish = f.dish_name(0);
    assert!(dish.starts_with("B1 "), "{dish}");
    // Two taps: the dish, then "Order now"; the order is the bistro's.
    let id = f.api().get_dishes().row_data(0).unwrap().id;
    f.api().invoke_dish_tapped(id);
    settle();
    f.tap("Order now");
    let orders = f.orders_of("1001");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].venue, "bistro");
    // The next person starts from the first venue.
    f.api().invoke_close_sheet();
    f.tap("Log out");
    assert_eq!(f.api().get_venue_name(), "Canteen Demo");
    f.type_keys("1002\n");
    assert!(f.dish_name(0).starts_with("M1 "));
    // Anna's pick is remembered for her next badge-in.
    f.tap("Log out");
    f.badge_in();
    assert_eq!(f.api().get_venue_name(), "Bistro");
    assert!(f.dish_name(0).starts_with("B1 "));
}

#[test]
fn the_kitchen_names_its_venue_and_can_switch() {
    let f = fixture("venues-kitchen");
    f.type_keys("9001\n");
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    f.tap("Venue: Canteen Demo");
    f.tap("Bistro");
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    assert_eq!(f.api().get_venue_name(), "Bistro");
    assert!(f.find("Venue: Bistro").is_some());
}

#[test]
fn my_orders_and_my_month_say_where_each_order_is_served() {
    let f = fixture("venues-orders");
    f.badge_in();
    // Today's first dish at the canteen, then at the bistro.
    for venue in ["Canteen Demo", "Bistro"] {
        f.tap(&format!("Venue: {}", f.api().get_venue_name()));
        f.tap(venue);
        f.tap(&f.dish_name(0));
        f.tap("Order now");
        f.api().invoke_close_sheet();
        // A minute apart, so "newest first" has one answer.
        f.clock.advance(SignedDuration::from_secs(60));
    }
    f.tap("My orders");
    for venue in ["Canteen Demo", "Bistro"] {
        assert!(f.find(venue).is_some(), "My orders names {venue}");
    }
    f.tap("By month");
    let venues: Vec<String> = f
        .api()
        .get_history()
        .iter()
        .filter(|r| !r.heading)
        .map(|r| r.venue.to_string())
        .collect();
    assert_eq!(venues, ["Bistro", "Canteen Demo"], "newest first");
    settle();
    let labels: Vec<String> = i_slint_backend_testing::ElementQuery::from_root(f.ui.window())
        .match_descendants()
        .find_all()
        .iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect();
    assert!(
        labels.iter().any(|l| l.ends_with(", Bistro")),
        "the line's label names the venue: {labels:?}"
    );
}
