//! The store against real SQLite files.

use canteen_kiosk::domain::{
    ListedLine, ListedOrder, Money, Order, OrderEvent, OrderLine, OrderState, Percent,
};
use canteen_kiosk::store::{OutboxChange, OutboxKind, OutboxStatus, Store, schema};
use canteen_kiosk::vendors::demo::demo_menu_day;
use jiff::Timestamp;
use std::path::PathBuf;

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ck-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("kiosk.sqlite3")
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
    let path = temp_db("new");
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

#[test]
fn a_file_of_the_first_schema_is_upgraded_and_keeps_its_orders() {
    let path = temp_db("v1");
    {
        // Written exactly as the first release wrote it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(schema::V1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO orders (id, venue, badge, day, serving, state, created_at, updated_at)
             VALUES ('old-1', 'demo', '1001', '2026-11-23', 1795431600, 'sent', 1795420000, 1795420000)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO order_lines VALUES ('old-1', 0, 'D101', 'Soup', 1, 250, NULL)",
            [],
        )
        .unwrap();
    }
    let (mut store, report) = Store::open(&path).unwrap();
    assert_eq!(report.found_version, 1);
    let old = store
        .order("old-1")
        .unwrap()
        .expect("the old order is still there");
    assert_eq!(old.state, OrderState::Sent);
    assert_eq!(old.total(), Money::from_cents(250));
    // The version 2 tables work on the upgraded file.
    let mut o = old.clone();
    o.apply(OrderEvent::KitchenConfirmed, ts("2026-11-22T09:00:00Z"))
        .unwrap();
    assert!(
        store
            .save_transition(&o, OrderState::Sent, Some("kitchen"), OutboxChange::None)
            .unwrap()
    );
    assert_eq!(store.order_history("old-1").unwrap().len(), 1);
    store
        .record_vendor_ok("demo", ts("2026-11-22T09:00:00Z"))
        .unwrap();
    // And the version 4 tables (the vendor's order lists).
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
}

#[test]
fn a_corrupt_file_is_moved_aside_not_deleted() {
    let path = temp_db("corrupt");
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
    let path = temp_db("newer");
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
    let path = temp_db("order");
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
    let path = temp_db("stale");
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
    let path = temp_db("outbox");
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
    let path = temp_db("menu");
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
    let path = temp_db("seen");
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
    let path = temp_db("lists");
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
    let path = temp_db("fullcheck");
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
