//! The week at a glance as the kiosk service builds it (`Kiosk::week_view`), on a real SQLite
//! store with the demo config and a fixed clock: which days, each dish's state, what a badge
//! ordered (twice the same dish is 2, cancelled newest first), and the day's state.

use canteen_kiosk::domain::{Clock, ManualClock, Order, OrderLine};
use canteen_kiosk::kiosk::{Kiosk, Orderable, WeekDay, WeekDayState};
use canteen_kiosk::store::{OutboxChange, OutboxKind, Store};
use canteen_kiosk::vendors::demo::demo_menu_day;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::sync::Arc;

/// `day` at `hour:minute` in Vienna, the demo venue's zone.
fn vienna(day: Date, hour: i8, minute: i8) -> Timestamp {
    day.at(hour, minute, 0, 0)
        .to_zoned(TimeZone::get("Europe/Vienna").unwrap())
        .unwrap()
        .timestamp()
}

/// Thursday 19 November 2026, 09:41 in Vienna: today's ordering is open until 11:00.
fn t0() -> Timestamp {
    vienna(date(2026, 11, 19), 9, 41)
}

/// The demo kiosk with menus for a week from today (Thursday to Wednesday).
fn kiosk() -> (Kiosk, ManualClock, tempfile::TempDir) {
    kiosk_with_menus(7)
}

/// The demo kiosk with menus for `days` days from today.
fn kiosk_with_menus(days: i64) -> (Kiosk, ManualClock, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::open(&dir.path().join("kiosk.sqlite")).unwrap();
    let today = date(2026, 11, 19);
    let days: Vec<_> = (0..days)
        .map(|i| demo_menu_day("demo", today.checked_add(i.days()).unwrap()))
        .collect();
    store.put_menu_days(&days, t0(), "demo").unwrap();
    let clock = ManualClock::new(t0());
    let config = Arc::new(canteen_kiosk::config::demo(dir.path().to_path_buf()));
    let floor = t0() - SignedDuration::from_hours(24 * 20);
    let kiosk = Kiosk::new(config, store, Arc::new(clock.clone())).with_clock_floor(floor);
    (kiosk, clock, dir)
}

fn day(days: &[WeekDay], d: Date) -> &WeekDay {
    days.iter()
        .find(|w| w.view.day == d)
        .unwrap_or_else(|| panic!("no {d} in the week"))
}

fn order(k: &mut Kiosk, clock: &ManualClock, d: Date, dish: usize) -> String {
    let badge = k.badge_in("1001").unwrap();
    let menu = k.store().menu_day("demo", d).unwrap().unwrap();
    let id = menu.menu.articles[dish].vendor_id.clone();
    let placed = k.place_order(&badge, "demo", d, &id).unwrap();
    // Orders a second apart: "newest" is well defined.
    clock.advance(SignedDuration::from_secs(1));
    placed.id
}

#[test]
fn the_working_days_of_this_week_and_next_with_their_states() {
    let (k, _clock, _dir) = kiosk();
    let week = k.week_view("demo", "1001").unwrap();
    assert_eq!(week.venue, "demo");
    let dates: Vec<Date> = week.days.iter().map(|d| d.view.day).collect();
    // Thursday and Friday of this week, Monday to Friday of the next; no weekend (the demo
    // canteen has no menu on Saturday and Sunday).
    let expected: Vec<Date> = [19, 20, 23, 24, 25, 26, 27]
        .into_iter()
        .map(|d| date(2026, 11, d))
        .collect();
    assert_eq!(dates, expected);

    let today = day(&week.days, date(2026, 11, 19));
    assert_eq!(
        today.state,
        WeekDayState::Open {
            seconds_left: 79 * 60
        }
    );
    assert!(today.view.is_today);
    assert_eq!(today.ordered_codes(), "");
    let codes: Vec<&str> = today.dishes.iter().map(|d| d.code.as_str()).collect();
    // The demo's dishes are named "M1 …" to "M4 …"; its soup has no code: its place.
    assert_eq!(codes, ["M1", "M2", "M3", "M4", "M5"]);
    // Menus are fetched five days ahead: the Thursday and Friday of next week have none yet.
    let later = day(&week.days, date(2026, 11, 26));
    assert_eq!(later.state, WeekDayState::NoMenu);
    assert!(later.dishes.is_empty());

    // A sold-out dish says so on an open day.
    let sold_out = week
        .days
        .iter()
        .flat_map(|d| d.dishes.iter())
        .find(|d| !d.article.is_available())
        .expect("the demo sells out one dish in five days");
    assert_eq!(sold_out.orderable, Orderable::SoldOut);
    assert!(
        week.days
            .iter()
            .flat_map(|d| d.dishes.iter())
            .filter(|d| d.article.is_available())
            .all(|d| d.orderable == Orderable::Open),
        "every other dish of an open day can be ordered"
    );
}

#[test]
fn the_same_dish_twice_counts_two_and_cancels_newest_first() {
    let (mut k, clock, _dir) = kiosk();
    let friday = date(2026, 11, 20);
    let first = order(&mut k, &clock, friday, 0);
    let second = order(&mut k, &clock, friday, 0);
    order(&mut k, &clock, friday, 2);

    let week = k.week_view("demo", "1001").unwrap();
    let fri = day(&week.days, friday);
    assert_eq!(fri.state, WeekDayState::Ordered);
    assert_eq!(fri.ordered_codes(), "2×M1 · M3");
    let m1 = &fri.dishes[0];
    assert_eq!(m1.ordered, 2);
    assert_eq!(m1.cancellable, [second.clone(), first.clone()]);
    assert_eq!(
        fri.newest_cancellable(&m1.article.vendor_id),
        Some(second.as_str())
    );
    assert_eq!(fri.dishes[1].ordered, 0);
    // Ordering more stays possible while the day is open.
    assert_eq!(m1.orderable, Orderable::Open);

    let badge = k.badge_in("1001").unwrap();
    k.cancel_order(&badge, &second).unwrap();
    let week = k.week_view("demo", "1001").unwrap();
    let fri = day(&week.days, friday);
    assert_eq!(fri.ordered_codes(), "M1 · M3");
    assert_eq!(fri.dishes[0].cancellable, [first]);

    // Another badge's week knows nothing of these.
    let other = k.week_view("demo", "1002").unwrap();
    assert!(!day(&other.days, friday).ordered());
}

#[test]
fn past_the_cutoff_a_day_closes_and_its_orders_stay_shown() {
    let (mut k, clock, _dir) = kiosk();
    let today = date(2026, 11, 19);
    let tomorrow = date(2026, 11, 20);
    order(&mut k, &clock, today, 1);
    let week = k.week_view("demo", "1001").unwrap();
    let before = day(&week.days, tomorrow).clone();

    // 11:30: today's ordering closed (and its cancelling, at 10:00).
    clock.advance(SignedDuration::from_mins(109));
    let at = clock.now();
    let w = k.week_view("demo", "1001").unwrap();
    let thu = day(&w.days, today);
    assert_eq!(thu.state, WeekDayState::Ordered, "ordered stays ordered");
    assert_eq!(thu.ordered_codes(), "M2");
    assert!(thu.dishes.iter().all(|d| d.orderable == Orderable::Closed));
    assert!(
        thu.dishes[1].cancellable.is_empty(),
        "too late to cancel: nothing to cancel from the week"
    );
    // Tomorrow's countdown goes on from the view read before, without a new read.
    let left = match before.state_at(at) {
        WeekDayState::Open { seconds_left } => seconds_left,
        other => panic!("tomorrow is open, not {other:?}"),
    };
    let cutoff = vienna(tomorrow, 11, 0);
    assert_eq!(left, cutoff.as_second() - at.as_second());
    let one_day = SignedDuration::from_hours(24);
    assert_eq!(before.state_at(at + one_day), WeekDayState::Closed);
}

#[test]
fn an_order_for_a_dish_no_longer_on_the_menu_is_shown() {
    let (mut k, clock, _dir) = kiosk();
    let monday = date(2026, 11, 23);
    let serving = vienna(monday, 12, 0);
    let line = OrderLine {
        article_id: "X9".into(),
        name: "Chef's special".into(),
        quantity: 1,
        unit_price: canteen_kiosk::domain::Money::from_cents(990),
        vat: None,
    };
    let order = Order::new_queued(
        "gone-1".into(),
        "demo",
        "1001",
        monday,
        serving,
        vec![line],
        clock.now(),
    );
    k.store_mut()
        .insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    let week = k.week_view("demo", "1001").unwrap();
    let mon = day(&week.days, monday);
    let gone = mon.dishes.last().unwrap();
    assert_eq!(gone.article.name, "Chef's special");
    assert_eq!(gone.code, "M6", "after the menu's five dishes");
    assert_eq!(gone.orderable, Orderable::Closed);
    assert_eq!(gone.ordered, 1);
    assert_eq!(gone.cancellable, ["gone-1"]);
    assert_eq!(mon.ordered_codes(), "M6");
}

/// Thursday with next week's Monday to Wednesday on the menu: reminded until the badge orders
/// one of them; never on a Friday; not when next week has no menu yet.
#[test]
fn next_week_not_ordered_yet_is_said_monday_to_thursday() {
    let (mut k, clock, _dir) = kiosk();
    let thursday = date(2026, 11, 19);
    let monday = date(2026, 11, 23);
    let week = k.week_view("demo", "1001").unwrap();
    assert_eq!(week.next_week_unordered(thursday), Some(monday));
    // Friday: next week is what the week shows first.
    assert_eq!(week.next_week_unordered(date(2026, 11, 20)), None);
    // This week's orders do not count.
    order(&mut k, &clock, thursday, 0);
    let week = k.week_view("demo", "1001").unwrap();
    assert_eq!(week.next_week_unordered(thursday), Some(monday));
    // One order next week is enough.
    order(&mut k, &clock, date(2026, 11, 24), 1);
    let week = k.week_view("demo", "1001").unwrap();
    assert_eq!(week.next_week_unordered(thursday), None);
    // Another badge still gets it.
    let week = k.week_view("demo", "1002").unwrap();
    assert_eq!(week.next_week_unordered(thursday), Some(monday));
}

#[test]
fn no_reminder_while_next_weeks_menus_are_not_there() {
    // Thursday and Friday only.
    let (k, _clock, _dir) = kiosk_with_menus(2);
    let week = k.week_view("demo", "1001").unwrap();
    assert_eq!(week.next_week_unordered(date(2026, 11, 19)), None);
}
