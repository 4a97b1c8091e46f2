//! What the kiosk keeps for an employee, through the kiosk service on a real SQLite file:
//! preferences per badge, watched dishes (until the cutoff, ended by an order), and the
//! monthly history with what payroll deducts.

use canteen_kiosk::config::{self, Badge, Config, Role};
use canteen_kiosk::domain::{Article, ManualClock, MenuDay, Money};
use canteen_kiosk::kiosk::{BadgePrefs, FreedDish, Kiosk, KioskError, WatchOutcome};
use canteen_kiosk::store::Store;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use tempfile::TempDir;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// Monday 2026-01-26, 08:00 in Vienna: the demo venue serves at 12:00 and takes orders until
/// 11:00 (10:00Z in winter).
const NOW: &str = "2026-01-26T07:00:00Z";

struct Rig {
    kiosk: Kiosk,
    clock: ManualClock,
    _dir: TempDir,
}

/// The demo config (the canteen and the bistro), the bistro in another currency.
fn config(dir: &TempDir) -> Config {
    let mut config = config::demo(dir.path().to_path_buf());
    let bistro = config.venues.iter_mut().find(|v| v.key == "bistro");
    bistro.expect("the demo has a bistro").currency = "BRL".into();
    config
}

fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let (store, _) = Store::open(&dir.path().join("kiosk.sqlite3")).unwrap();
    let clock = ManualClock::new(ts(NOW));
    clock.set_os_synced(Some(true));
    let kiosk = Kiosk::new(Arc::new(config), store, Arc::new(clock.clone()))
        .with_clock_floor(ts("2026-01-01T00:00:00Z"));
    Rig {
        kiosk,
        clock,
        _dir: dir,
    }
}

fn dish(id: &str, cents: i64, portions: u32) -> Article {
    Article {
        vendor_id: id.into(),
        name: format!("Dish {id}"),
        description: String::new(),
        price: Money::from_cents(cents),
        vat: None,
        allergens: String::new(),
        portions_left: Some(portions),
        sold_out: portions == 0,
    }
}

impl Rig {
    fn badge(&self, number: &str) -> Badge {
        self.kiosk.badge_in(number).unwrap()
    }

    /// Replaces the cached menu of a venue's day.
    fn menu(&mut self, venue: &str, on: &str, articles: Vec<Article>) {
        let menu = MenuDay {
            venue: venue.into(),
            day: day(on),
            vendor_day_id: None,
            articles,
        };
        let now = self.kiosk.now();
        self.kiosk
            .store_mut()
            .put_menu_days(&[menu], now, "demo")
            .unwrap();
    }

    /// The dishes a badge watches.
    fn watched(&self, badge: &Badge) -> Vec<String> {
        let watches = self.kiosk.my_watches(badge).unwrap();
        watches.into_iter().map(|w| w.dish).collect()
    }

    fn order(&mut self, number: &str, venue: &str, on: &str, dish: &str) -> String {
        let badge = self.badge(number);
        self.kiosk
            .place_order(&badge, venue, day(on), dish)
            .unwrap()
            .id
    }
}

/// The rig with Tuesday 2026-01-27's demo menu of `articles`, badge 1001 and the day.
fn tuesday(articles: Vec<Article>) -> (Rig, Badge, Date) {
    let mut r = rig();
    r.menu("demo", "2026-01-27", articles);
    let anna = r.badge("1001");
    (r, anna, day("2026-01-27"))
}

/// A badge that is not on the roster (taken out by a reload while its session ran).
fn stranger() -> Badge {
    Badge {
        number: "7777".into(),
        name: "Nobody".into(),
        email: None,
        employee_number: None,
        role: Role::Employee,
    }
}

#[test]
fn preferences_are_remembered_per_badge() {
    let r = rig();
    let anna = r.badge("1001");
    let ben = r.badge("1002");
    assert_eq!(r.kiosk.prefs(&anna).unwrap(), BadgePrefs::default());
    let hers = BadgePrefs {
        venue: Some("bistro".into()),
        large_text: true,
        high_contrast: true,
    };
    r.kiosk.set_prefs(&anna, &hers).unwrap();
    assert_eq!(r.kiosk.prefs(&anna).unwrap(), hers);
    assert_eq!(r.kiosk.prefs(&ben).unwrap(), BadgePrefs::default());
    // Switched off again: replaced whole.
    let plain = BadgePrefs {
        venue: Some("demo".into()),
        ..BadgePrefs::default()
    };
    r.kiosk.set_prefs(&anna, &plain).unwrap();
    assert_eq!(r.kiosk.prefs(&anna).unwrap(), plain);
}

/// The next-week reminder is said once per week and badge: the day given may be any of the
/// week's (the first with a menu), the week is what counts.
#[test]
fn the_next_week_reminder_is_said_once_a_week() {
    let r = rig();
    let (anna, ben) = (r.badge("1001"), r.badge("1002"));
    let remind = |b, d| r.kiosk.remind_of_week_once(b, day(d)).unwrap();
    assert!(remind(&anna, "2026-02-02"));
    assert!(!remind(&anna, "2026-02-02"), "said once");
    assert!(
        !remind(&anna, "2026-02-04"),
        "the same week, from its Wednesday"
    );
    assert!(remind(&ben, "2026-02-02"), "another badge is told too");
    assert!(remind(&anna, "2026-02-09"), "a new week");
    assert!(!remind(&anna, "2026-02-13"));
    assert!(matches!(
        r.kiosk.remind_of_week_once(&stranger(), day("2026-02-09")),
        Err(KioskError::UnknownBadge)
    ));
}

#[test]
fn a_badge_off_the_roster_or_a_venue_not_in_the_config_is_refused() {
    let mut r = rig();
    let nobody = stranger();
    assert!(matches!(
        r.kiosk.prefs(&nobody),
        Err(KioskError::UnknownBadge)
    ));
    assert!(matches!(
        r.kiosk.set_prefs(&nobody, &BadgePrefs::default()),
        Err(KioskError::UnknownBadge)
    ));
    let anna = r.badge("1001");
    let elsewhere = BadgePrefs {
        venue: Some("mensa".into()),
        ..BadgePrefs::default()
    };
    assert!(matches!(
        r.kiosk.set_prefs(&anna, &elsewhere),
        Err(KioskError::UnknownVenue(v)) if v == "mensa"
    ));
    // A remembered venue that a reload took out of the config is forgotten.
    let bistro = BadgePrefs {
        venue: Some("bistro".into()),
        large_text: true,
        ..BadgePrefs::default()
    };
    r.kiosk.set_prefs(&anna, &bistro).unwrap();
    let mut reloaded = (**r.kiosk.config()).clone();
    reloaded.venues.retain(|v| v.key != "bistro");
    r.kiosk.set_config(Arc::new(reloaded));
    let now = r.kiosk.prefs(&anna).unwrap();
    assert_eq!((now.venue, now.large_text), (None, true));
    for e in [
        r.kiosk.orders_by_month(&nobody).err(),
        r.kiosk.my_watches(&nobody).err(),
        r.kiosk
            .watch_dish(&nobody, "demo", day("2026-01-26"), "M1")
            .err(),
    ] {
        assert!(matches!(e, Some(KioskError::UnknownBadge)), "{e:?}");
    }
}

#[test]
fn a_sold_out_dish_is_watched_until_the_cutoff_and_reported_once_freed() {
    let (mut r, anna, tue) = tuesday(vec![dish("M1", 450, 0), dish("M2", 550, 5)]);
    let cutoff = ts("2026-01-27T10:00:00Z");
    assert_eq!(
        r.kiosk.watch_dish(&anna, "demo", tue, "M1").unwrap(),
        WatchOutcome::Watching { until: cutoff }
    );
    // A dish with portions is ordered, not watched: nothing is stored.
    assert_eq!(
        r.kiosk.watch_dish(&anna, "demo", tue, "M2").unwrap(),
        WatchOutcome::Available
    );
    assert!(matches!(
        r.kiosk.watch_dish(&anna, "demo", tue, "M9"),
        Err(KioskError::NoSuchDish)
    ));
    assert_eq!(r.watched(&anna), ["M1"]);
    assert!(r.kiosk.my_watches(&r.badge("1002")).unwrap().is_empty());

    let now = r.kiosk.now();
    assert!(
        r.kiosk.freed_watches(&anna, now).unwrap().is_empty(),
        "still sold out"
    );
    r.menu(
        "demo",
        "2026-01-27",
        vec![dish("M1", 450, 2), dish("M2", 550, 5)],
    );
    let freed = FreedDish {
        venue: "demo".into(),
        day: tue,
        dish: "M1".into(),
        name: "Dish M1".into(),
        order_until: cutoff,
    };
    assert_eq!(
        r.kiosk.freed_watches(&anna, now).unwrap(),
        std::slice::from_ref(&freed)
    );
    // Told at each badge-in until the cutoff: the watch stays until ordered or taken back.
    assert_eq!(r.kiosk.freed_watches(&anna, cutoff).unwrap(), [freed]);
    let after = cutoff.checked_add(SignedDuration::from_secs(1)).unwrap();
    assert!(r.kiosk.freed_watches(&anna, after).unwrap().is_empty());
    assert!(r.kiosk.unwatch_dish(&anna, "demo", tue, "M1").unwrap());
    assert!(r.kiosk.my_watches(&anna).unwrap().is_empty());
    assert!(!r.kiosk.unwatch_dish(&anna, "demo", tue, "M1").unwrap());
}

#[test]
fn a_watch_ends_at_the_cutoff_and_none_starts_after_it() {
    let mut r = rig();
    let anna = r.badge("1001");
    let mon = day("2026-01-26");
    r.menu("demo", "2026-01-26", vec![dish("M1", 450, 0)]);
    assert!(matches!(
        r.kiosk.watch_dish(&anna, "demo", mon, "M1").unwrap(),
        WatchOutcome::Watching { .. }
    ));
    // 11:00 in Vienna is the cutoff; a second later the watch is over.
    r.clock.set(ts("2026-01-26T10:00:01Z"));
    assert!(r.kiosk.my_watches(&anna).unwrap().is_empty());
    r.menu("demo", "2026-01-26", vec![dish("M1", 450, 3)]);
    let now = r.kiosk.now();
    assert!(r.kiosk.freed_watches(&anna, now).unwrap().is_empty());
    assert!(matches!(
        r.kiosk.watch_dish(&anna, "demo", mon, "M1"),
        Err(KioskError::OrderClosed { until }) if until == ts("2026-01-26T10:00:00Z")
    ));
}

#[test]
fn ordering_a_watched_dish_ends_the_watch() {
    let (mut r, anna, tue) = tuesday(vec![dish("M1", 450, 0), dish("M2", 550, 0)]);
    r.kiosk.watch_dish(&anna, "demo", tue, "M1").unwrap();
    r.kiosk.watch_dish(&anna, "demo", tue, "M2").unwrap();
    r.menu(
        "demo",
        "2026-01-27",
        vec![dish("M1", 450, 1), dish("M2", 550, 0)],
    );
    r.order("1001", "demo", "2026-01-27", "M1");
    assert_eq!(r.watched(&anna), ["M2"]);
}

#[test]
fn the_month_shows_what_payroll_deducts() {
    let mut r = rig();
    let anna = r.badge("1001");
    r.menu(
        "demo",
        "2026-01-29",
        vec![dish("M1", 450, 9), dish("M2", 550, 9)],
    );
    r.menu("demo", "2026-02-02", vec![dish("M1", 480, 9)]);
    r.menu("bistro", "2026-02-03", vec![dish("B1", 3290, 9)]);
    r.order("1001", "demo", "2026-01-29", "M1");
    // The same dish twice (a guest's): two portions, both charged.
    r.order("1001", "demo", "2026-01-29", "M2");
    r.order("1001", "demo", "2026-01-29", "M2");
    let cancelled = r.order("1001", "demo", "2026-02-02", "M1");
    r.order("1001", "demo", "2026-02-02", "M1");
    r.order("1001", "bistro", "2026-02-03", "B1");
    r.order("1002", "demo", "2026-01-29", "M1");
    r.kiosk.cancel_order(&anna, &cancelled).unwrap();

    let months = r.kiosk.orders_by_month(&anna).unwrap();
    let keys: Vec<(i16, i8, usize)> = months
        .iter()
        .map(|m| (m.year, m.month, m.orders.len()))
        .collect();
    assert_eq!(
        keys,
        [(2026, 2, 3), (2026, 1, 3)],
        "newest month first, hers only"
    );
    let totals = |i: usize| -> Vec<(String, i64)> {
        months[i]
            .totals
            .iter()
            .map(|t| (t.currency.clone(), t.amount))
            .collect()
    };
    assert_eq!(totals(1), [("EUR".to_string(), 450 + 2 * 550)]);
    assert_eq!(
        totals(0),
        [("BRL".to_string(), 3290), ("EUR".to_string(), 480)],
        "the cancelled one costs nothing; each currency apart"
    );
    let feb = &months[0].orders;
    assert_eq!(feb[0].currency, "BRL");
    let zero: Vec<i64> = feb
        .iter()
        .filter(|o| o.order.id == cancelled)
        .map(|o| o.charged)
        .collect();
    assert_eq!(zero, [0]);
}
