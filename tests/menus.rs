//! Menus and what the admin reads about them: menu files imported when the config is loaded
//! (the first order on a fresh store works), unreadable vendor items left out one by one, a
//! store without a menu says so, `menu` says when and from where each day was fetched, and a
//! parked order is shown as parked — the built binary as a black box where it can be, the
//! adapters against the fakes in tests/support.

mod support;

use canteen_kiosk::config::{VendorSettings, menu_file};
use canteen_kiosk::vendors::Vendor;
use canteen_kiosk::vendors::bessa::BessaVendor;
use canteen_kiosk::vendors::http::Http;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Mutex;
use support::bessa::{BessaFake, CAPTURE_TOKEN};
use support::kiosk::{KioskDir, bin, json, stderr, stdout, tomorrow};
use support::order_mesa::{CREDENTIAL, OrderMesaFake};
use support::*;

// ---------------------------------------------------------------------------------------------
// Log lines, as the kiosk writes them (one logger for this test binary)
// ---------------------------------------------------------------------------------------------

static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        LINES
            .lock()
            .unwrap()
            .push(format!("{} {}", record.level(), record.args()));
    }
    fn flush(&self) {}
}

/// The log lines so far that contain `needle` (all tests of this binary log into one list).
fn logged(needle: &str) -> Vec<String> {
    let _ = log::set_logger(&Capture).map(|()| log::set_max_level(log::LevelFilter::Info));
    LINES
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains(needle))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Runs the binary on the built-in demo with its data under `home`.
fn demo(home: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("XDG_DATA_HOME", home)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Text a person reads must not be Rust's debug output of a value.
fn assert_no_debug_text(text: &str) {
    for debug in ["CutoffPassed", "NoMenu", "Some(", "{ at", "Closed("] {
        assert!(!text.contains(debug), "debug text {debug:?} in:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 6: menus
// ---------------------------------------------------------------------------------------------

/// The menu file is imported when the config is loaded: on a fresh store the first `order`
/// finds its dish (it used to say "that dish is not on this day's menu" until a sync pass).
#[test]
fn the_first_order_on_a_fresh_store_finds_the_menu_files_dish() {
    let fake = support::liefersoft::LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(!k.db().exists(), "a fresh store");
    let id = k.order_tomorrow();
    let mine = json(&k.run(&["orders", "--badge", "1001", "--json"]));
    assert_eq!(mine[0]["id"], id.as_str(), "{mine}");

    // And `menu` says where the day's menu came from and when.
    let menu = json(&k.run(&["menu", "--json"]));
    let day = menu
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == tomorrow().as_str())
        .unwrap()
        .clone();
    let menu_csv = k.dir.path().join("menu.csv");
    assert_eq!(
        day["source"],
        format!("file {}", menu_csv.display()),
        "{day}"
    );
    assert!(
        day["fetched_at"]
            .as_str()
            .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()),
        "{day}"
    );
    assert_eq!(day["status"], "open");
}

/// A fresh demo store has no menu until the vendor is asked: `menu` says so and how to fetch
/// one, instead of listing the coming days as empty and closed.
#[test]
fn a_store_without_a_cached_menu_says_so_and_how_to_fetch_one() {
    let home = temp_dir("menus-demo");
    let out = demo(&home, &["menu"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("no menu of"), "{text}");
    assert!(text.contains("canteen-kiosk sync --once"), "{text}");
    assert!(!text.contains("closed"), "{text}");
    let js = demo(&home, &["menu", "--json"]);
    assert!(stderr(&js).contains("sync --once"), "{}", stderr(&js));
    assert!(
        json(&js)
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["fetched_at"].is_null())
    );

    // Once fetched, every day says when and from where.
    assert!(demo(&home, &["sync", "--once"]).status.success());
    let text = stdout(&demo(&home, &["menu"]));
    assert!(!text.contains("no menu of"), "{text}");
    assert!(
        text.contains("(menu from the vendor (demo), fetched "),
        "{text}"
    );
    assert_no_debug_text(&text);
    // (The demo vendor has no weekend days: those stay uncached, "no menu for this day".)
    let days = json(&demo(&home, &["menu", "--json"]));
    let served: Vec<&serde_json::Value> = days
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["dishes"].as_array().is_some_and(|a| !a.is_empty()))
        .collect();
    assert!(!served.is_empty(), "{days}");
    for d in served {
        assert_eq!(d["source"], "demo", "{d}");
        assert!(d["fetched_at"].is_string(), "{d}");
    }
}

/// One Bessa menu item the kiosk cannot read (a wrongly typed or a missing price) is left out
/// with one log line naming the field; the rest of the day's menu stays.
#[test]
fn an_unreadable_bessa_item_is_left_out_and_the_day_stays() {
    logged("");
    let fake = BessaFake::start();
    {
        let mut s = fake.state.lock().unwrap();
        let day = s.days.iter_mut().find(|d| d.date == "2026-02-13").unwrap();
        day.items
            .push(json!({"id": 1, "article": 182390, "name": "Gulasch",
                              "price": {"amount": 4}, "vat": "10.00"}));
        day.items
            .push(json!({"id": 2, "article": 182391, "name": "Suppe", "vat": "10.00"}));
    }
    let settings = bessa_settings(&fake.url(), Some(CAPTURE_TOKEN));
    let v = venue(
        "bessa",
        VendorSettings::Bessa(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    let mut bessa = BessaVendor::new(Http::new(&quick_http()), &v, settings, &Default::default());
    let days = bessa.fetch_menu("2026-02-12".parse().unwrap(), 2).unwrap();
    let names: Vec<&str> = days[1].articles.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["M1 W2", "M5F Salat mit Gebäck DO 2"]);
    assert_eq!(days[0].articles.len(), 2, "the other day is untouched");
    let gulasch = logged("\"Gulasch\"");
    assert_eq!(gulasch.len(), 1, "{gulasch:?}");
    assert!(
        gulasch[0].contains("left out") && gulasch[0].contains("field `price`"),
        "{gulasch:?}"
    );
    let soup = logged("\"Suppe\"");
    assert_eq!(soup.len(), 1, "{soup:?}");
    assert!(soup[0].contains("missing field `price`"), "{soup:?}");
}

/// A menu file row the kiosk cannot read (edited while the kiosk runs) is left out with a log
/// line naming the field; the file's other dishes stay. `check-config` still refuses it.
#[test]
fn an_unreadable_menu_file_row_is_left_out_and_the_rest_stays() {
    logged("");
    let dir = temp_dir("menus-file");
    let path = dir.join("menu.csv");
    std::fs::write(
        &path,
        "code,name,description,price,vat,allergens,portions,weekdays,dates\n\
         P1,Pizza Margherita,,8.50,7,,,mon tue wed thu fri sat sun,\n\
         P2,Pizza Funghi,,8 Euro,7,,,mon tue wed thu fri sat sun,\n\
         P3,Calzone,,9.50,7,,,mon tue wed thu fri sat sun,\n",
    )
    .unwrap();
    assert!(menu_file::load(&path, "pizzeria").is_err());
    let file = menu_file::load_readable(&path, "pizzeria").unwrap();
    let codes: Vec<&str> = file.dishes.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["P1", "P3"]);
    let day = &file.days("2026-02-13".parse().unwrap(), 1)[0];
    assert_eq!(day.articles.len(), 2);
    let lines = logged("menu.csv:3");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("left out") && lines[0].contains("price"),
        "{lines:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Item 7: what an admin reads
// ---------------------------------------------------------------------------------------------

/// `menu` gives a day closed by its cutoff in words, with when it was fetched and from where.
#[test]
fn menu_says_why_a_day_is_closed_in_words() {
    let fake = support::liefersoft::LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    // Served at midnight, ordering closes an hour before: today is always past its cutoff.
    let text = std::fs::read_to_string(&k.config).unwrap();
    std::fs::write(
        &k.config,
        text.replace("serving_time = \"12:00\"", "serving_time = \"00:00\""),
    )
    .unwrap();
    let out = k.run(&["menu"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let today = text.lines().next().unwrap();
    assert!(today.contains("closed: ordering ended at "), "{text}");
    assert!(today.contains(" 23:00"), "{text}");
    assert!(
        today.contains(&format!(
            "(menu from the menu file {}, fetched ",
            k.dir.path().join("menu.csv").display()
        )),
        "{text}"
    );
    assert_no_debug_text(&text);
    let days = json(&k.run(&["menu", "--json"]));
    assert_eq!(days[0]["status"], "cutoff_passed", "{days}");
}

/// A wrong newOrder path: Order Mesa answers 403 "Missing Authentication Token", the order's
/// row is parked, and every view says parked — with the URL actually called — not queued.
#[test]
fn a_parked_order_is_shown_as_parked_with_the_url_called() {
    let fake = OrderMesaFake::start();
    let k = KioskDir::order_mesa(&fake.url(), "/order/newOrderS");
    let out = k.run(&[
        "order",
        "--badge",
        "1001",
        "--date",
        &tomorrow(),
        "--dish",
        "B1",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let order = json(&out);
    let called = format!("{}/order/newOrderS", fake.url());
    let is_parked = |o: &serde_json::Value| {
        assert_eq!(o["state"], "parked", "{o}");
        assert_eq!(o["order_state"], "queued", "{o}");
        assert!(o["parked_row"].as_i64().is_some(), "{o}");
        let reason = o["reason"].as_str().unwrap_or_default();
        assert!(reason.contains(&called), "{o}");
        assert!(reason.contains("Missing Authentication Token"), "{o}");
        assert!(!reason.contains(CREDENTIAL), "{o}");
    };
    is_parked(&order);
    let id = order["id"].as_str().unwrap();

    let mine = json(&k.run(&["orders", "--badge", "1001", "--json"]));
    is_parked(&mine[0]);
    let day = json(&k.run(&["orders", "--date", &tomorrow(), "--json"]));
    let row = &day["orders"][0];
    assert_eq!(row["order_id"], id);
    is_parked(row);
    let text = stdout(&k.run(&["orders", "--badge", "1001"]));
    assert!(text.contains("parked"), "{text}");
    assert!(!text.contains("queued"), "{text}");
    assert!(fake.order_ids().is_empty(), "nothing reached the hub");
}

/// By default the kiosk fetches this week's and next week's menus, whatever the day: on a
/// Monday morning the demo's menus reach next week's Friday (the week view shows both weeks),
/// while the day menu's tabs stay a working week.
#[test]
fn the_default_fetches_this_week_and_next() {
    use canteen_kiosk::domain::{Clock, ManualClock};
    use canteen_kiosk::kiosk::Kiosk;
    use canteen_kiosk::store::Store;
    use canteen_kiosk::sync::Engine;
    use std::sync::Arc;
    let dir = temp_dir("menus-two-weeks");
    let mut config = canteen_kiosk::config::demo(dir.clone());
    config.kiosk.days_ahead = canteen_kiosk::config::DEFAULT_DAYS_AHEAD;
    let config = Arc::new(config);
    let path = dir.join("kiosk.sqlite3");
    let (store, _) = Store::open(&path).unwrap();
    // Monday 2026-11-16, 08:00 in Vienna.
    let clock = ManualClock::new("2026-11-16T07:00:00Z".parse().unwrap());
    clock.set_os_synced(Some(true));
    let vendors = demo_vendors(&config);
    let floor = "2026-11-01T00:00:00Z".parse().unwrap();
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let mut engine =
        Engine::new(config.clone(), store, shared.clone(), vendors).with_clock_floor(floor);
    // One menu per demo venue (the canteen and the bistro).
    assert_eq!(engine.step().menus_refreshed, 2);
    let kiosk = Kiosk::new(config, Store::connect(&path).unwrap(), shared).with_clock_floor(floor);
    let days = kiosk.menu_view("demo").unwrap();
    assert_eq!(days.len(), 14);
    let next_friday = days
        .iter()
        .find(|d| d.day.to_string() == "2026-11-27")
        .unwrap();
    assert!(
        !next_friday.dishes.is_empty(),
        "next week's Friday is there"
    );
    assert_eq!(kiosk.menu_view_upto("demo", 5).unwrap().len(), 5);
}
