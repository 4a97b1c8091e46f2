//! The store against real SQLite files.

use canteen_kiosk::domain::{
    ListedLine, ListedOrder, Money, Order, OrderEvent, OrderLine, OrderState, Percent,
};
use canteen_kiosk::store::{
    BadgePrefs, DishWatch, FILE_NAME, OpenReport, OrderFilter, OutboxChange, OutboxKind,
    OutboxStatus, PeerPage, PeerRow, Store, schema,
};
use canteen_kiosk::vendors::demo::demo_menu_day;
use jiff::Timestamp;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use tempfile::TempDir;

/// A fresh data dir (removed when the guard drops) and the database path in it.
fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    (dir, path)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn order(id: &str) -> Order {
    let t = ts("2026-11-22T08:00:00Z");
    Order {
        id: id.into(),
        venue: "demo".into(),
        badge: "1001".into(),
        day: "2026-11-23".parse().unwrap(),
        serving: ts("2026-11-23T11:00:00Z"),
        lines: vec![OrderLine {
            article_id: "182378".into(),
            name: "M1 W2".into(),
            quantity: 1,
            unit_price: Money::from_cents(400),
            vat: Some(Percent::from_hundredths(1000)),
        }],
        state: OrderState::Queued,
        state_before_cancel: None,
        vendor_ref: None,
        vendor_hash: None,
        vendor_status: None,
        reason: None,
        created_at: t,
        updated_at: t,
    }
}

#[test]
fn a_new_file_gets_the_current_schema_and_the_pragmas() {
    let (_dir, path) = temp_db();
    let (store, report) = Store::open(&path).unwrap();
    assert_eq!(report.found_version, 0);
    assert_eq!(report.moved_aside, None);
    assert_eq!(store.health().unwrap(), "ok");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(schema::version(&conn).unwrap(), schema::CURRENT_VERSION);
}

/// The fixture of an old schema version: the DDL that version's code ran and a morning's
/// rows, loaded into a fresh file exactly as that code left it.
fn old_file(version: u32) -> (TempDir, PathBuf) {
    let (dir, path) = temp_db();
    let sql = std::fs::read_to_string(fixture(version)).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&sql).unwrap();
    assert_eq!(schema::version(&conn).unwrap(), version);
    (dir, path)
}

fn fixture(version: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema/v{version}.sql"))
}

/// Tables, indexes and their SQL: an upgraded file must end up like a new one.
fn schema_of(path: &Path) -> Vec<(String, String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Opens the fixture of `version` with this code: upgraded to the current schema, every row
/// still there and readable, and every newer table usable.
fn an_old_file_is_upgraded_and_keeps_its_rows(version: u32) {
    let (_dir, path) = old_file(version);
    let (mut store, report) = Store::open(&path).unwrap();
    let found = OpenReport {
        found_version: version,
        moved_aside: None,
    };
    assert_eq!(report, found);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(schema::version(&conn).unwrap(), schema::CURRENT_VERSION);
    let (_new_dir, new_path) = temp_db();
    Store::open(&new_path).unwrap();
    assert_eq!(schema_of(&path), schema_of(&new_path));
    the_mornings_orders_are_there(&store);
    the_mornings_outbox_menus_and_meta_are_there(&store);
    if version >= 2 {
        the_mornings_history_is_there(&store);
    }
    if version >= 4 {
        let day = "2026-11-23".parse().unwrap();
        let list = store.day_list("demo", day).unwrap().unwrap();
        assert_eq!(list.orders.len(), 2, "the platform's list of the day");
    }
    if version >= 5 {
        let waiting = store.webhook_events_to_apply(10).unwrap();
        assert_eq!(waiting.len(), 1, "the event not applied yet");
        assert_eq!(store.poll_times("list").unwrap().len(), 1);
    }
    if version >= 6 {
        let day = "2026-11-23".parse().unwrap();
        let heard = store.peer_orders_of_day("demo", day).unwrap();
        assert_eq!(heard.len(), 1, "the peer's order");
        assert_eq!(heard[0].badge_key, "k-anna");
        let status = store.peer_status("http://door-2:8470").unwrap().unwrap();
        assert_eq!(status.cursor, 3);
        // Out of the way of the peer the newer tables' check below adds.
        assert_eq!(store.forget_peers_except(&[]).unwrap(), 1);
    }
    if version >= 7 {
        let prefs = store
            .badge_prefs("1002")
            .unwrap()
            .expect("Jonas's preferences");
        assert!(prefs.large_text && !prefs.high_contrast);
        assert_eq!(store.dish_watches("1002").unwrap().len(), 1, "his watch");
    }
    every_table_takes_new_rows(&mut store);
}

fn the_mornings_orders_are_there(store: &Store) {
    let orders = store.orders(&OrderFilter::default()).unwrap();
    let states: Vec<(&str, OrderState)> = orders.iter().map(|o| (o.id.as_str(), o.state)).collect();
    assert_eq!(
        states,
        [
            ("o-queued", OrderState::Queued),
            ("o-sending", OrderState::Sending),
            ("o-sent", OrderState::Sent),
            ("o-confirmed", OrderState::Confirmed),
            ("o-cancelling", OrderState::CancelRequested),
            ("o-cancelled", OrderState::Cancelled),
            ("o-rejected", OrderState::Rejected),
            ("o-unknown", OrderState::Unknown),
        ]
    );
    let sent = store.order("o-sent").unwrap().unwrap();
    assert_eq!(sent.lines.len(), 2);
    assert_eq!(sent.total(), Money::from_cents(790 + 2 * 250));
    assert_eq!(sent.vendor_ref.as_deref(), Some("V-1001"));
    assert_eq!(sent.serving, ts("2026-11-23T11:30:00Z"));
    let cancelling = store.order("o-cancelling").unwrap().unwrap();
    assert_eq!(cancelling.state_before_cancel, Some(OrderState::Confirmed));
    let rejected = store.order("o-rejected").unwrap().unwrap();
    assert_eq!(rejected.reason.as_deref(), Some("sold out at the kitchen"));
}

fn the_mornings_outbox_menus_and_meta_are_there(store: &Store) {
    let count = |s| store.outbox_rows(s).unwrap().len();
    assert_eq!(count(OutboxStatus::Pending), 2);
    assert_eq!(count(OutboxStatus::InFlight), 1);
    assert_eq!(count(OutboxStatus::Parked), 1);
    assert_eq!(count(OutboxStatus::Done), 5);
    let cancel = store.outbox_row(6).unwrap().unwrap();
    assert_eq!((cancel.kind, cancel.attempts), (OutboxKind::Cancel, 2));
    assert_eq!(
        cancel.last_error.as_deref(),
        Some("vendor unreachable: timed out")
    );
    let parked = store.outbox_rows(OutboxStatus::Parked).unwrap();
    assert_eq!(parked[0].order_id, "o-unknown");

    let monday = store
        .menu_day("demo", "2026-11-23".parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(monday.menu.vendor_day_id.as_deref(), Some("day-4711"));
    let dishes: Vec<(&str, i64, bool)> = monday
        .menu
        .articles
        .iter()
        .map(|a| (a.name.as_str(), a.price.cents(), a.sold_out))
        .collect();
    assert_eq!(
        dishes,
        [
            ("Linsensuppe", 450, false),
            ("Schnitzel", 790, false),
            ("Apfelstrudel", 250, true)
        ]
    );
    let week = store
        .menu_days(
            "demo",
            "2026-11-23".parse().unwrap(),
            "2026-11-27".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(week.len(), 2);
    assert_eq!(
        store.employee_name("1001").unwrap().as_deref(),
        Some("Anna Berger")
    );
    assert_eq!(store.last_seen().unwrap(), Some(ts("2026-11-22T08:00:00Z")));
}

/// Version 2 on: the orders' history and the vendor's last contact.
fn the_mornings_history_is_there(store: &Store) {
    let history = store.order_history("o-confirmed").unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].to, OrderState::Confirmed);
    assert_eq!(history[1].note.as_deref(), Some("kitchen"));
    let contacts = store.vendor_contacts().unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(
        contacts[0].last_error.as_deref(),
        Some("vendor unreachable: timed out")
    );
}

/// The tables of every version work on an upgraded file.
fn every_table_takes_new_rows(store: &mut Store) {
    let mut o = store.order("o-sent").unwrap().unwrap();
    let before = store.order_history("o-sent").unwrap().len();
    o.apply(OrderEvent::KitchenConfirmed, ts("2026-11-22T09:00:00Z"))
        .unwrap();
    assert!(
        store
            .save_transition(&o, OrderState::Sent, Some("kitchen"), OutboxChange::None)
            .unwrap()
    );
    assert_eq!(store.order_history("o-sent").unwrap().len(), before + 1);
    store
        .record_vendor_ok("demo", ts("2026-11-22T09:00:00Z"))
        .unwrap();
    let day = "2026-11-23".parse().unwrap();
    store
        .put_day_lists("demo", &[day], &[], ts("2026-11-22T09:00:00Z"), true, day)
        .unwrap();
    assert!(
        store
            .day_list("demo", day)
            .unwrap()
            .unwrap()
            .orders
            .is_empty()
    );
    let at = ts("2026-11-22T09:00:00Z");
    assert!(store.keep_webhook_event("demo", "ev-1", "{}", at).unwrap());
    store
        .save_poll_times("status", &[("o-sent".into(), Some(at))])
        .unwrap();
    assert_eq!(store.poll_times("status").unwrap()["o-sent"], at);
    a_peer_page_is_kept(store, at);
    prefs_and_watches_are_kept(store, at);
}

/// Version 7 on: a badge's preferences and watched dishes.
fn prefs_and_watches_are_kept(store: &mut Store, at: Timestamp) {
    let prefs = BadgePrefs {
        venue: Some("demo".into()),
        large_text: true,
        high_contrast: true,
    };
    store.save_badge_prefs("1001", &prefs, at).unwrap();
    assert_eq!(store.badge_prefs("1001").unwrap(), Some(prefs));
    let w = watch("1001", "M2", "2026-11-23T10:00:00Z");
    store.watch_dish(&w).unwrap();
    assert_eq!(store.dish_watches("1001").unwrap(), [w]);
    // Version 8 on: what a badge was told once, one row per notice, replaced.
    assert_eq!(store.told("1001", "next-week").unwrap(), None);
    store
        .save_told("1001", "next-week", "2026-11-23", at)
        .unwrap();
    store
        .save_told("1001", "next-week", "2026-11-30", at)
        .unwrap();
    assert_eq!(
        store.told("1001", "next-week").unwrap().as_deref(),
        Some("2026-11-30")
    );
}

/// The cache of a peer's feed takes a page and gives its rows back by day and by badge key.
fn a_peer_page_is_kept(store: &mut Store, at: Timestamp) {
    let day = "2026-11-23".parse().unwrap();
    let row = PeerRow {
        peer: "http://door:8470".into(),
        id: "p-1".into(),
        venue: "demo".into(),
        day,
        badge_key: "k1".into(),
        body: "{}".into(),
    };
    let page = PeerPage {
        peer: row.peer.clone(),
        kiosk_name: "Door".into(),
        epoch: "e1".into(),
        cursor: 7,
        full: true,
        rows: vec![row.clone()],
        heard_at: at,
        keep_from: day,
    };
    store.save_peer_page(&page).unwrap();
    assert_eq!(
        store.peer_orders_of_day("demo", day).unwrap(),
        vec![row.clone()]
    );
    assert_eq!(store.peer_orders_of_badge("k1", day).unwrap(), vec![row]);
    let status = store.peer_status("http://door:8470").unwrap().unwrap();
    assert_eq!((status.cursor, status.heard_at), (7, Some(at)));
    // A peer taken out of the config is forgotten; the others stay.
    assert_eq!(
        store
            .forget_peers_except(&["http://door:8470".into()])
            .unwrap(),
        0
    );
    assert_eq!(store.forget_peers_except(&[]).unwrap(), 1);
    assert!(store.peer_orders_of_day("demo", day).unwrap().is_empty());
    assert!(store.peer_status("http://door:8470").unwrap().is_none());
}

#[test]
fn a_file_of_schema_version_1_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(1);
}

#[test]
fn a_file_of_schema_version_2_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(2);
}

#[test]
fn a_file_of_schema_version_3_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(3);
}

#[test]
fn a_file_of_schema_version_4_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(4);
}

#[test]
fn a_file_of_schema_version_5_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(5);
}

#[test]
fn a_file_of_schema_version_6_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(6);
}

#[test]
fn a_file_of_schema_version_7_is_upgraded_and_keeps_its_rows() {
    an_old_file_is_upgraded_and_keeps_its_rows(7);
}

/// A new migration step makes the version before it old: it needs a fixture and a test.
#[test]
fn every_old_schema_version_has_a_fixture() {
    for version in 1..schema::CURRENT_VERSION {
        assert!(
            fixture(version).exists(),
            "no fixture for version {version}"
        );
    }
    assert_eq!(
        schema::CURRENT_VERSION,
        8,
        "add the test of the new fixture above"
    );
}

/// Opens `path` from `n` threads released at the same instant (the kiosk and CLI commands
/// starting together); every open must succeed.
fn open_at_once(path: &Path, n: usize) -> Vec<OpenReport> {
    let start = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let (path, start) = (path.to_path_buf(), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                Store::open(&path).map(|(_, report)| report)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().unwrap().expect("every open succeeds"))
        .collect()
}

/// Exactly one of the openers found the old version (and migrated); the others waited for
/// it and found the file current.
fn migrated_once(reports: &[OpenReport], old: u32) {
    assert!(
        reports.iter().all(|r| r.moved_aside.is_none()),
        "{reports:?}"
    );
    let found: Vec<u32> = reports.iter().map(|r| r.found_version).collect();
    assert_eq!(found.iter().filter(|&&v| v == old).count(), 1, "{found:?}");
    let current = schema::CURRENT_VERSION;
    assert_eq!(
        found.iter().filter(|&&v| v == current).count(),
        found.len() - 1
    );
}

#[test]
fn starts_at_the_same_time_migrate_a_new_file_once() {
    for _round in 0..5 {
        let (_dir, path) = temp_db();
        migrated_once(&open_at_once(&path, 4), 0);
        let conn = rusqlite::Connection::open(&path).unwrap();
        assert_eq!(schema::version(&conn).unwrap(), schema::CURRENT_VERSION);
    }
}

#[test]
fn starts_at_the_same_time_upgrade_an_old_file_once() {
    for _round in 0..3 {
        let (_dir, path) = old_file(1);
        migrated_once(&open_at_once(&path, 4), 1);
        let (store, _) = Store::open(&path).unwrap();
        the_mornings_orders_are_there(&store);
    }
}

#[test]
fn a_corrupt_file_is_moved_aside_not_deleted() {
    let (_dir, path) = temp_db();
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list\n".repeat(200),
    )
    .unwrap();
    let (store, report) = Store::open(&path).unwrap();
    let (aside, reason) = report.moved_aside.expect("moved aside");
    assert!(aside.exists(), "the bad file is kept for an admin");
    assert!(
        std::fs::read(&aside)
            .unwrap()
            .starts_with(b"this is not a database")
    );
    assert!(!reason.is_empty());
    assert_eq!(store.health().unwrap(), "ok");
}

#[test]
fn a_file_from_a_newer_program_is_refused_and_left_alone() {
    let (_dir, path) = temp_db();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open(&path).err().expect("refused");
    assert!(err.to_string().contains("newer canteen-kiosk"), "{err}");
    assert!(path.exists());
}

#[test]
fn an_order_and_its_outbox_row_are_saved_together() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let o = order("o-1");
    store
        .insert_order(&o, OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    // A second connection (another thread) sees both at once.
    let other = Store::connect(&path).unwrap();
    assert_eq!(other.order("o-1").unwrap().unwrap(), o);
    let due = other.due_outbox(o.created_at, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, OutboxKind::Place);
    assert_eq!(due[0].status, OutboxStatus::Pending);
    // A duplicate id is refused, and the refused insert leaves no second outbox row.
    assert!(
        store
            .insert_order(&o, OutboxChange::Enqueue(OutboxKind::Place))
            .is_err()
    );
    assert_eq!(other.due_outbox(o.created_at, 10).unwrap().len(), 1);
}

#[test]
fn a_stale_transition_is_not_applied() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let o = order("o-2");
    store
        .insert_order(&o, OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    let t = ts("2026-11-22T08:01:00Z");
    let mut a = o.clone();
    a.apply(OrderEvent::SendStarted, t).unwrap();
    assert!(
        store
            .save_transition(&a, OrderState::Queued, None, OutboxChange::None)
            .unwrap()
    );
    // Someone else still thinks it is queued: their change must not land.
    let mut b = o.clone();
    b.apply(OrderEvent::CancelAsked, t).unwrap();
    assert!(
        !store
            .save_transition(&b, OrderState::Queued, None, OutboxChange::None)
            .unwrap()
    );
    assert_eq!(
        store.order("o-2").unwrap().unwrap().state,
        OrderState::Sending
    );
}

#[test]
fn outbox_retry_park_and_done() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let o = order("o-3");
    store
        .insert_order(&o, OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    let row = store.due_outbox(o.created_at, 1).unwrap().remove(0);
    let t = ts("2026-11-22T08:00:10Z");
    store
        .change_outbox("o-3", OutboxChange::InFlight { row: row.id }, t)
        .unwrap();
    assert_eq!(store.outbox_rows(OutboxStatus::InFlight).unwrap().len(), 1);
    let later = ts("2026-11-22T08:05:00Z");
    store
        .change_outbox(
            "o-3",
            OutboxChange::Retry {
                row: row.id,
                at: later,
                error: "timeout".into(),
            },
            t,
        )
        .unwrap();
    assert!(store.due_outbox(t, 10).unwrap().is_empty());
    assert_eq!(store.next_outbox_due().unwrap(), Some(later));
    let r = store.outbox_row(row.id).unwrap().unwrap();
    assert_eq!((r.attempts, r.last_error.as_deref()), (1, Some("timeout")));
    store
        .change_outbox(
            "o-3",
            OutboxChange::Park {
                row: row.id,
                error: "gave up".into(),
            },
            t,
        )
        .unwrap();
    assert!(store.due_outbox(later, 10).unwrap().is_empty());
    let counts = store.outbox_counts().unwrap();
    assert_eq!(counts, vec![(OutboxStatus::Parked, 1)]);
}

#[test]
fn menus_round_trip_and_replace() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let mon = demo_menu_day("demo", "2026-11-23".parse().unwrap());
    let tue = demo_menu_day("demo", "2026-11-24".parse().unwrap());
    let t = ts("2026-11-22T07:00:00Z");
    store
        .put_menu_days(&[mon.clone(), tue.clone()], t, "demo")
        .unwrap();
    let got = store.menu_day("demo", mon.day).unwrap().unwrap();
    assert_eq!(got.menu, mon);
    assert_eq!((got.fetched_at, got.source.as_str()), (t, "demo"));
    let mut smaller = mon.clone();
    smaller.articles.truncate(1);
    store.put_menu_days(&[smaller.clone()], t, "demo").unwrap();
    assert_eq!(
        store.menu_day("demo", mon.day).unwrap().unwrap().menu,
        smaller
    );
    let both = store.menu_days("demo", mon.day, tue.day).unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(store.prune_menus(tue.day).unwrap(), 1);
}

#[test]
fn last_seen_never_moves_backwards() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(store.last_seen().unwrap(), None);
    store.note_seen(ts("2026-11-22T10:00:00Z")).unwrap();
    store.note_seen(ts("2026-11-20T10:00:00Z")).unwrap();
    assert_eq!(store.last_seen().unwrap(), Some(ts("2026-11-22T10:00:00Z")));
}

fn listed(ref_id: &str, day: &str, customer: &str, state: OrderState) -> ListedOrder {
    ListedOrder {
        ref_id: ref_id.into(),
        day: day.parse().unwrap(),
        customer: customer.into(),
        state,
        raw_status: "PROCESSING".into(),
        reason: None,
        lines: vec![ListedLine {
            name: "Schnitzel".into(),
            quantity: 2,
            unit_price: Some(Money::from_cents(450)),
        }],
    }
}

/// The vendor's order lists: each order on its day, a day without orders gets an empty list
/// (the vendor said there are none), a new fetch replaces the days it covers, old days go.
#[test]
fn day_lists_round_trip_replace_and_prune() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let d = |s: &str| -> jiff::civil::Date { s.parse().unwrap() };
    let t1 = ts("2026-11-22T07:00:00Z");
    let a = listed("web-1", "2026-11-23", "Erika", OrderState::Confirmed);
    let b = listed("web-2", "2026-11-24", "Bernd", OrderState::Sent);
    let days = [d("2026-11-22"), d("2026-11-23"), d("2026-11-24")];
    store
        .put_day_lists(
            "demo",
            &days,
            &[a.clone(), b.clone()],
            t1,
            false,
            d("2026-11-15"),
        )
        .unwrap();
    let mon = store.day_list("demo", d("2026-11-23")).unwrap().unwrap();
    assert_eq!((mon.fetched_at, mon.complete), (t1, false));
    assert_eq!(mon.orders, vec![a.clone()]);
    assert!(
        store
            .day_list("demo", d("2026-11-22"))
            .unwrap()
            .unwrap()
            .orders
            .is_empty()
    );
    assert_eq!(store.day_list("demo", d("2026-11-25")).unwrap(), None);
    assert_eq!(store.day_list("other", d("2026-11-23")).unwrap(), None);

    // The next fetch: web-1 was cancelled by the kitchen, web-2 is gone.
    let t2 = ts("2026-11-24T07:00:00Z");
    let cancelled = listed("web-1", "2026-11-23", "Erika", OrderState::KitchenCancelled);
    let days = [d("2026-11-23"), d("2026-11-24")];
    store
        .put_day_lists(
            "demo",
            &days,
            std::slice::from_ref(&cancelled),
            t2,
            true,
            d("2026-11-23"),
        )
        .unwrap();
    let mon = store.day_list("demo", d("2026-11-23")).unwrap().unwrap();
    assert_eq!((mon.fetched_at, mon.complete), (t2, true));
    assert_eq!(mon.orders, vec![cancelled]);
    assert!(
        store
            .day_list("demo", d("2026-11-24"))
            .unwrap()
            .unwrap()
            .orders
            .is_empty()
    );
    assert_eq!(
        store.day_list("demo", d("2026-11-22")).unwrap(),
        None,
        "days before keep_from are dropped"
    );
}

/// Start-up runs the quick check; the worker's full check finds what only it can see (an
/// index that does not match its table), and the next start then checks in full and moves
/// the file aside.
#[test]
fn a_problem_only_the_full_check_sees_is_acted_on_at_the_next_start() {
    let (_dir, path) = temp_db();
    {
        let (store, _) = Store::open(&path).unwrap();
        assert_eq!(store.full_check().unwrap(), None);
    }
    {
        // An index whose entries were built from another column than its definition says.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE t (x, y); INSERT INTO t VALUES (1, 2), (3, 4);
             CREATE INDEX t_x ON t (x);
             PRAGMA writable_schema = ON;
             UPDATE sqlite_schema SET sql = 'CREATE INDEX t_x ON t (y)' WHERE name = 't_x';
             PRAGMA writable_schema = OFF;",
        )
        .unwrap();
    }
    let (store, report) = Store::open(&path).unwrap();
    assert!(report.moved_aside.is_none(), "the quick check passes");
    let problem = store.full_check().unwrap().expect("the full check sees it");
    assert!(problem.contains("t_x"), "{problem}");
    drop(store);
    let (_store, report) = Store::open(&path).unwrap();
    let (aside, _) = report.moved_aside.expect("moved aside at the next start");
    assert!(aside.exists());
    assert!(!PathBuf::from(format!("{}.check-failed", path.display())).exists());
}

/// A kept webhook event: once per (venue, event id), whoever delivers it again and whenever;
/// listed until applied; its id remembered after it is applied, until pruned.
#[test]
fn webhook_events_are_kept_once_applied_in_order_and_pruned_when_old() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    let t0 = ts("2026-11-22T09:00:00Z");
    let t1 = ts("2026-11-22T09:01:00Z");
    assert!(store.keep_webhook_event("ls", "ev-1", "first", t0).unwrap());
    assert!(
        store
            .keep_webhook_event("ls", "ev-2", "second", t1)
            .unwrap()
    );
    assert!(!store.keep_webhook_event("ls", "ev-1", "again", t1).unwrap());
    assert!(
        store
            .keep_webhook_event("other", "ev-1", "theirs", t1)
            .unwrap()
    );
    // A second connection (the worker's) sees what the receiver's kept.
    let worker = Store::connect(&path).unwrap();
    let to_apply = worker.webhook_events_to_apply(10).unwrap();
    let seen: Vec<(&str, &str, &str)> = to_apply
        .iter()
        .map(|e| (e.venue.as_str(), e.event_id.as_str(), e.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("ls", "ev-1", "first"),
            ("ls", "ev-2", "second"),
            ("other", "ev-1", "theirs")
        ]
    );
    worker
        .webhook_event_applied("ls", "ev-1", "applied", t1)
        .unwrap();
    assert_eq!(worker.webhook_events_to_apply(10).unwrap().len(), 2);
    assert!(
        !store.keep_webhook_event("ls", "ev-1", "later", t1).unwrap(),
        "still seen"
    );
    // Only applied events are pruned; an unapplied one is a promise kept.
    assert_eq!(
        worker
            .prune_webhook_events(ts("2026-12-31T00:00:00Z"))
            .unwrap(),
        1
    );
    assert_eq!(worker.webhook_events_to_apply(10).unwrap().len(), 2);
}

/// Poll times: written in one go, read back by another connection, forgotten on request.
#[test]
fn poll_times_are_kept_and_forgotten() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let at = ts("2026-11-22T09:00:00Z");
    store
        .save_poll_times(
            "status",
            &[("o1".into(), Some(at)), ("o2".into(), Some(at))],
        )
        .unwrap();
    store
        .save_poll_times("list", &[("demo".into(), Some(at))])
        .unwrap();
    store
        .save_poll_times("status", &[("o1".into(), None)])
        .unwrap();
    let other = Store::connect(&path).unwrap();
    let status = other.poll_times("status").unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status["o2"], at);
    assert_eq!(other.poll_times("list").unwrap()["demo"], at);
    assert!(other.poll_times("bulk").unwrap().is_empty());
}

/// A watch of badge `badge` on dish `dish` of the demo venue's 2026-11-23, ending `until`.
fn watch(badge: &str, dish: &str, until: &str) -> DishWatch {
    DishWatch {
        badge: badge.into(),
        venue: "demo".into(),
        day: "2026-11-23".parse().unwrap(),
        dish: dish.into(),
        until: ts(until),
    }
}

#[test]
fn preferences_are_kept_per_badge_and_replaced_whole() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    assert_eq!(store.badge_prefs("1001").unwrap(), None);
    let anna = BadgePrefs {
        venue: Some("demo".into()),
        large_text: true,
        high_contrast: false,
    };
    let ben = BadgePrefs {
        venue: None,
        large_text: false,
        high_contrast: true,
    };
    store
        .save_badge_prefs("1001", &anna, ts("2026-11-22T08:00:00Z"))
        .unwrap();
    store
        .save_badge_prefs("1002", &ben, ts("2026-11-22T08:01:00Z"))
        .unwrap();
    assert_eq!(store.badge_prefs("1001").unwrap(), Some(anna.clone()));
    assert_eq!(store.badge_prefs("1002").unwrap(), Some(ben));
    let plain = BadgePrefs::default();
    store
        .save_badge_prefs("1001", &plain, ts("2026-11-22T09:00:00Z"))
        .unwrap();
    assert_eq!(store.badge_prefs("1001").unwrap(), Some(plain));
    // Kept across a restart: it is in the file.
    drop(store);
    let (store, _) = Store::open(&path).unwrap();
    assert!(store.badge_prefs("1002").unwrap().unwrap().high_contrast);
}

#[test]
fn watches_start_renew_and_end_per_badge() {
    let (_dir, path) = temp_db();
    let (store, _) = Store::open(&path).unwrap();
    let anna = watch("1001", "M2", "2026-11-23T10:00:00Z");
    store.watch_dish(&anna).unwrap();
    store
        .watch_dish(&watch("1002", "M2", "2026-11-23T10:00:00Z"))
        .unwrap();
    // Watching again renews (a changed cutoff), never doubles.
    let later = watch("1001", "M2", "2026-11-23T10:30:00Z");
    store.watch_dish(&later).unwrap();
    assert_eq!(
        store.dish_watches("1001").unwrap(),
        std::slice::from_ref(&later)
    );
    assert!(store.unwatch_dish("1001", "demo", later.day, "M2").unwrap());
    assert!(!store.unwatch_dish("1001", "demo", later.day, "M2").unwrap());
    assert!(store.dish_watches("1001").unwrap().is_empty());
    assert_eq!(
        store.dish_watches("1002").unwrap().len(),
        1,
        "the other badge's stays"
    );
}

/// Ordering the dish ends the watch in the order's own transaction; other watches stay.
#[test]
fn ordering_a_watched_dish_ends_its_watch() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    let mine = watch("1001", "182378", "2026-11-23T10:00:00Z");
    let other_dish = watch("1001", "M9", "2026-11-23T10:00:00Z");
    let other_badge = watch("1002", "182378", "2026-11-23T10:00:00Z");
    for w in [&mine, &other_dish, &other_badge] {
        store.watch_dish(w).unwrap();
    }
    store
        .insert_order(&order("o1"), OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    assert_eq!(store.dish_watches("1001").unwrap(), [other_dish]);
    assert_eq!(store.dish_watches("1002").unwrap(), [other_badge]);
}

#[test]
fn pruning_forgets_ended_watches_and_badges_off_the_roster() {
    let (_dir, path) = temp_db();
    let (mut store, _) = Store::open(&path).unwrap();
    store
        .watch_dish(&watch("1001", "M1", "2026-11-23T10:00:00Z"))
        .unwrap();
    let tomorrow = DishWatch {
        day: "2026-11-24".parse().unwrap(),
        ..watch("1001", "M1", "2026-11-24T10:00:00Z")
    };
    store.watch_dish(&tomorrow).unwrap();
    // The cutoff second itself still counts: only what ended before the floor goes.
    assert_eq!(store.prune_watches(ts("2026-11-23T10:00:00Z")).unwrap(), 0);
    assert_eq!(store.prune_watches(ts("2026-11-23T10:00:01Z")).unwrap(), 1);
    assert_eq!(store.dish_watches("1001").unwrap(), [tomorrow]);

    let at = ts("2026-11-23T11:00:00Z");
    store
        .save_badge_prefs("1001", &BadgePrefs::default(), at)
        .unwrap();
    store
        .save_badge_prefs("1002", &BadgePrefs::default(), at)
        .unwrap();
    store
        .watch_dish(&watch("1002", "M1", "2026-11-24T10:00:00Z"))
        .unwrap();
    store
        .save_told("1002", "next-week", "2026-11-30", at)
        .unwrap();
    let roster: HashSet<&str> = ["1001"].into_iter().collect();
    assert_eq!(store.forget_badges_except(&roster).unwrap(), 3);
    assert_eq!(store.told("1002", "next-week").unwrap(), None);
    assert!(store.badge_prefs("1002").unwrap().is_none());
    assert!(store.dish_watches("1002").unwrap().is_empty());
    assert!(store.badge_prefs("1001").unwrap().is_some());
    assert_eq!(store.dish_watches("1001").unwrap().len(), 1);
}
