//! Bounded growth: settled orders older than `[kiosk] retention_days` are deleted with their
//! lines, history and outbox rows, on real SQLite files — never an unsettled one, never on an
//! untrusted clock, counted in the venue's zone; and the start-up check does not read the
//! history.

mod support;

use canteen_kiosk::config::{self, Config};
use canteen_kiosk::domain::{ManualClock, Money, Order, OrderLine, OrderState, Percent};
use canteen_kiosk::metrics::Metrics;
use canteen_kiosk::store::{BadgePrefs, DishWatch, OutboxChange, OutboxKind, OutboxStatus, Store};
use canteen_kiosk::sync::Engine;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use support::kiosk::{KioskDir, day_after, stderr};
use support::liefersoft::LiefersoftFake;

/// 23:30 UTC: already 2026-12-02 in Vienna, the demo venue's zone. With 90 days kept, the
/// venue keeps from 2026-09-03 (by UTC it would be 2026-09-02).
const NOW: &str = "2026-12-01T23:30:00Z";

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// An order of badge 1001 at `venue` for `day`, in `state`.
fn order(id: &str, venue: &str, on: &str, state: OrderState) -> Order {
    let serving = day(on)
        .at(11, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Vienna").unwrap())
        .unwrap()
        .timestamp();
    let created = serving.checked_sub(SignedDuration::from_hours(20)).unwrap();
    Order {
        id: id.into(),
        venue: venue.into(),
        badge: "1001".into(),
        day: day(on),
        serving,
        lines: vec![OrderLine {
            article_id: "D1".into(),
            name: "Goulash".into(),
            quantity: 1,
            unit_price: Money::from_cents(590),
            vat: Some(Percent::from_hundredths(1000)),
        }],
        state,
        state_before_cancel: None,
        vendor_ref: Some(format!("V-{id}")),
        vendor_hash: None,
        vendor_status: None,
        reason: None,
        created_at: created,
        updated_at: created,
    }
}

/// Saves `order` with a place row left `outbox` (done, pending, in flight or parked).
fn put(store: &mut Store, order: &Order, outbox: OutboxStatus) {
    store
        .insert_order(order, OutboxChange::Enqueue(OutboxKind::Place))
        .unwrap();
    let row = store
        .outbox_rows_of(&order.id, OutboxStatus::Pending)
        .unwrap()[0]
        .id;
    let change = match outbox {
        OutboxStatus::Pending => return,
        OutboxStatus::Done => OutboxChange::Done { row },
        OutboxStatus::InFlight => OutboxChange::InFlight { row },
        OutboxStatus::Parked => OutboxChange::Park {
            row,
            error: "the vendor refused the credentials".into(),
        },
    };
    store.change_outbox(&order.id, change, ts(NOW)).unwrap();
}

/// How many rows of `table` belong to order `id` (`orders` by its id).
fn rows_of(path: &Path, table: &str, id: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    let column = if table == "orders" { "id" } else { "order_id" };
    conn.query_row(
        &format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?1"),
        [id],
        |r| r.get(0),
    )
    .unwrap()
}

fn exists(path: &Path, id: &str) -> bool {
    rows_of(path, "orders", id) == 1
}

/// Whether order `id` is gone with every row that belonged to it.
fn gone_entirely(path: &Path, id: &str) -> bool {
    ["orders", "order_lines", "order_events", "outbox"]
        .iter()
        .all(|t| rows_of(path, t, id) == 0)
}

/// The history every test starts from: old and recent orders on both sides of the boundary,
/// settled and not. Returns (what must go, what must stay).
fn history(store: &mut Store) -> (Vec<&'static str>, Vec<&'static str>) {
    use OrderState::*;
    use OutboxStatus::{Done as D, InFlight, Parked, Pending};
    let go = [
        ("old-done", "2026-03-01", Done, D),
        ("old-cancelled", "2026-05-10", Cancelled, D),
        ("old-kitchen-cancelled", "2026-06-01", KitchenCancelled, D),
        ("old-rejected", "2026-08-15", Rejected, D),
        ("old-expired", "2026-08-20", Expired, D),
        // The last day before the boundary in Vienna (still kept by UTC).
        ("boundary-gone", "2026-09-02", Done, D),
        // Accepted and long past: Bessa and Order Mesa never say "served", so a served
        // order stays confirmed or sent there; it goes like a done one.
        ("old-confirmed", "2026-04-01", Confirmed, D),
        ("old-sent", "2026-04-02", Sent, D),
    ];
    let stay = [
        ("boundary-kept", "2026-09-03", Done, D),
        ("recent-done", "2026-11-30", Done, D),
        ("coming-confirmed", "2026-12-03", Confirmed, D),
        // Old, but still owed to a vendor, or with outbox work an admin or the worker still
        // has.
        ("old-unknown", "2026-04-03", Unknown, InFlight),
        ("old-queued", "2026-04-04", Queued, Pending),
        (
            "old-cancel-requested",
            "2026-04-07",
            CancelRequested,
            Pending,
        ),
        ("old-parked", "2026-04-05", Queued, Parked),
        ("old-rejected-parked", "2026-04-06", Rejected, Parked),
    ];
    for (id, on, state, outbox) in go.iter().chain(&stay) {
        put(store, &order(id, "demo", on, *state), *outbox);
    }
    (
        go.iter().map(|o| o.0).collect(),
        stay.iter().map(|o| o.0).collect(),
    )
}

#[test]
fn only_settled_orders_without_open_outbox_work_are_pruned_with_their_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    let (mut store, _) = Store::open(&path).unwrap();
    let (go, stay) = history(&mut store);
    let polled = [("old-done".to_string(), Some(ts(NOW)))];
    store.save_poll_times("status", &polled).unwrap();

    let n = store.prune_orders("demo", day("2026-09-03"), 500).unwrap();
    assert_eq!(n, go.len());
    for id in &go {
        assert!(gone_entirely(&path, id), "{id} and its rows are gone");
    }
    for id in &stay {
        assert!(exists(&path, id), "{id} stays");
        assert_eq!(rows_of(&path, "order_lines", id), 1, "{id} keeps its lines");
        assert!(rows_of(&path, "order_events", id) >= 1, "{id} its history");
        assert_eq!(rows_of(&path, "outbox", id), 1, "{id} its outbox row");
    }
    assert!(store.poll_times("status").unwrap().is_empty());
    assert_eq!(
        store.prune_orders("demo", day("2026-09-03"), 500).unwrap(),
        0
    );
    assert_eq!(store.health().unwrap(), "ok");
}

#[test]
fn a_backlog_goes_in_batches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    let (mut store, _) = Store::open(&path).unwrap();
    let ids: Vec<String> = (0..1_100).map(|i| format!("o{i:04}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let on = day("2025-01-01")
            .checked_add(jiff::Span::new().days(i as i64 % 200))
            .unwrap();
        let o = order(id, "demo", &on.to_string(), OrderState::Done);
        put(&mut store, &o, OutboxStatus::Done);
    }
    let before = day("2026-01-01");
    let batches: Vec<usize> = std::iter::from_fn(|| {
        let n = store.prune_orders("demo", before, 500).unwrap();
        (n > 0).then_some(n)
    })
    .collect();
    assert_eq!(batches, [500, 500, 100]);
    assert!(ids.iter().all(|id| gone_entirely(&path, id)));
    // A file made by this version gives the freed pages back.
    let freed = store.free_space().unwrap();
    assert!(freed.incremental && freed.free_pages > 50, "{freed:?}");
    let size = checkpointed_size(&path);
    assert_eq!(store.release_free_pages(100_000).unwrap().free_pages, 0);
    assert!(checkpointed_size(&path) < size);
}

/// The size of the database file once its WAL is written back.
fn checkpointed_size(path: &Path) -> u64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    std::fs::metadata(path).unwrap().len()
}

/// The demo config keeping `retention_days`, its data in `dir`.
fn demo_config(dir: &Path, retention_days: u32) -> Config {
    let mut config = config::demo(dir.to_path_buf());
    config.kiosk.retention_days = retention_days;
    config
}

struct Rig {
    engine: Engine,
    clock: ManualClock,
    metrics: Arc<Metrics>,
    path: PathBuf,
    _dir: tempfile::TempDir,
}

/// An engine on a store prepared by `fill`, at [`NOW`], the clock synchronised.
fn rig(fill: impl FnOnce(&mut Store)) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let config = Arc::new(demo_config(dir.path(), 90));
    let path = dir.path().join("kiosk.sqlite3");
    let (mut store, _) = Store::open(&path).unwrap();
    fill(&mut store);
    let clock = ManualClock::new(ts(NOW));
    clock.set_os_synced(Some(true));
    let vendors = support::demo_vendors(&config);
    let metrics = Arc::new(Metrics::new());
    let engine = Engine::new(config, store, Arc::new(clock.clone()), vendors)
        .with_clock_floor(ts("2026-11-01T00:00:00Z"))
        .with_metrics(metrics.clone());
    Rig {
        engine,
        clock,
        metrics,
        path,
        _dir: dir,
    }
}

impl Rig {
    /// Passes until one prunes nothing more (a backlog takes a few); the orders pruned.
    fn prune_all(&mut self) -> u32 {
        let mut total = 0;
        for _ in 0..20 {
            let report = self.engine.step();
            assert_eq!(report.store_error, None);
            total += report.pruned;
            if report.pruned == 0 {
                break;
            }
        }
        total
    }
}

/// What the worker itself leaves alone of [`history`]'s unsettled orders: a queued order
/// whose cutoff passed is expired by the pass (settled, its outbox row done), an unknown one
/// is looked up at the vendor.
const SETTLED_BY_THE_PASS: [&str; 3] = ["old-queued", "old-parked", "old-unknown"];

#[test]
fn the_worker_prunes_by_the_venues_day_and_counts_it() {
    let mut stay = Vec::new();
    let mut go = Vec::new();
    let mut r = rig(|store| {
        (go, stay) = history(store);
        stay.retain(|id| !SETTLED_BY_THE_PASS.contains(id));
        // A venue no longer in the config: kept from a day earlier than the configured ones.
        put(
            store,
            &order("gone-venue-old", "closed", "2026-09-01", OrderState::Done),
            OutboxStatus::Done,
        );
        put(
            store,
            &order("gone-venue-kept", "closed", "2026-09-02", OrderState::Done),
            OutboxStatus::Done,
        );
    });
    let pruned = r.prune_all();
    assert!(pruned as usize > go.len(), "{pruned}");
    for id in go.iter().chain(&["gone-venue-old"]) {
        assert!(gone_entirely(&r.path, id), "{id} is pruned");
    }
    for id in stay.iter().chain(&["gone-venue-kept"]) {
        assert!(exists(&r.path, id), "{id} stays");
    }
    assert_eq!(r.metrics.pruned("demo"), u64::from(pruned) - 1);
    assert_eq!(r.metrics.pruned("closed"), 1);

    // Once a day: an order that has become old waits for the next day's run.
    let mut store = Store::connect(&r.path).unwrap();
    put(
        &mut store,
        &order("late", "demo", "2026-08-01", OrderState::Done),
        OutboxStatus::Done,
    );
    r.clock.advance(SignedDuration::from_hours(2));
    assert_eq!(r.prune_all(), 0);
    assert!(exists(&r.path, "late"));
    // A day later the boundary has moved on by a day, too.
    r.clock.advance(SignedDuration::from_hours(23));
    assert_eq!(r.prune_all(), 3);
    for id in ["late", "boundary-kept", "gone-venue-kept"] {
        assert!(gone_entirely(&r.path, id), "{id} is pruned the next day");
    }
    assert!(exists(&r.path, "recent-done"));
}

/// The daily run forgets what employees asked the kiosk to remember once it is of no use: a
/// watch whose cutoff passed, the preferences and watches of a badge no longer in the config.
#[test]
fn the_daily_run_forgets_ended_watches_and_badges_off_the_roster() {
    let watch = |badge: &str, on: &str, until: &str| DishWatch {
        badge: badge.into(),
        venue: "demo".into(),
        day: day(on),
        dish: "D101".into(),
        until: ts(until),
    };
    let ended = watch("1001", "2026-12-01", "2026-12-01T10:00:00Z");
    let coming = watch("1001", "2026-12-03", "2026-12-03T10:00:00Z");
    let left = watch("4242", "2026-12-03", "2026-12-03T10:00:00Z");
    let mut r = rig(|store| {
        for w in [&ended, &coming, &left] {
            store.watch_dish(w).unwrap();
        }
        for badge in ["1001", "4242"] {
            store
                .save_badge_prefs(badge, &BadgePrefs::default(), ts(NOW))
                .unwrap();
        }
    });
    r.prune_all();
    let store = r.engine.store();
    assert_eq!(store.dish_watches("1001").unwrap(), [coming]);
    assert!(store.badge_prefs("1001").unwrap().is_some());
    assert!(
        store.dish_watches("4242").unwrap().is_empty(),
        "4242 is not in the config"
    );
    assert!(store.badge_prefs("4242").unwrap().is_none());
}

#[test]
fn a_backlog_is_pruned_over_a_few_passes() {
    let mut r = rig(|store| {
        for i in 0..1_100 {
            let on = day("2024-01-01")
                .checked_add(jiff::Span::new().days(i % 600))
                .unwrap();
            let o = order(
                &format!("b{i:05}"),
                "demo",
                &on.to_string(),
                OrderState::Done,
            );
            put(store, &o, OutboxStatus::Done);
        }
        put(
            store,
            &order("recent", "demo", "2026-11-20", OrderState::Done),
            OutboxStatus::Done,
        );
    });
    assert_eq!(r.prune_all(), 1_100);
    assert!(exists(&r.path, "recent"));
    assert_eq!(r.engine.store().health().unwrap(), "ok");
}

#[test]
fn an_untrusted_clock_prunes_nothing() {
    let mut r = rig(|store| {
        history(store);
    });
    r.clock.set_os_synced(Some(false));
    let report = r.engine.step();
    assert!(report.clock_doubt.is_some());
    assert_eq!(report.pruned, 0);
    assert!(exists(&r.path, "old-done"));
    // Trusted again: the run that was due goes ahead.
    r.clock.set_os_synced(Some(true));
    assert!(r.prune_all() > 0);
    assert!(gone_entirely(&r.path, "old-done"));
}

#[test]
fn a_clock_far_ahead_deletes_no_recent_history() {
    let mut r = rig(|store| {
        history(store);
    });
    r.prune_all();
    assert!(exists(&r.path, "recent-done"));
    // The clock jumps a year ahead (and the system does not say otherwise), for days.
    for _ in 0..3 {
        r.clock.advance(SignedDuration::from_hours(24 * 365));
        r.prune_all();
    }
    // (The first jump moves the day kept from by one day at most: the floor's cap.)
    for id in ["recent-done", "coming-confirmed"] {
        assert!(exists(&r.path, id), "{id} stays: nobody ordered since");
    }
}

/// The start reads the small tables and the live work, not the history: a damaged page of old
/// settled orders does not hold up the start, the worker's full check finds it, and the next
/// start moves the file aside (carrying the unsettled orders over).
#[test]
fn damage_in_the_history_is_left_to_the_full_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.sqlite3");
    {
        let (mut store, _) = Store::open(&path).unwrap();
        put(
            &mut store,
            &order("live", "demo", "2026-12-03", OrderState::Queued),
            OutboxStatus::Pending,
        );
        for i in 0..400 {
            let o = order(&format!("h{i:04}"), "demo", "2026-03-01", OrderState::Done);
            put(&mut store, &o, OutboxStatus::Done);
        }
    }
    damage_interior_page_of(&path, "order_events");
    let (store, report) = Store::open(&path).unwrap();
    assert!(
        report.moved_aside.is_none(),
        "the start does not read the history"
    );
    let problem = store
        .full_check()
        .unwrap()
        .expect("the full check finds it");
    assert!(!problem.is_empty());
    drop(store);
    let (store, report) = Store::open(&path).unwrap();
    assert!(
        report.moved_aside.is_some(),
        "moved aside at the next start"
    );
    assert_eq!(
        store.order("live").unwrap().unwrap().state,
        OrderState::Queued
    );
}

/// Overwrites the first bytes of a leaf page of `table` (not its root) with noise.
fn damage_interior_page_of(path: &Path, table: &str) {
    let page = {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        let root: i64 = conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        // The dbstat table is not compiled in everywhere: take the last page the table's
        // b-tree points to, read from the root page's right-most child pointer.
        let size: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .unwrap();
        let bytes = std::fs::read(path).unwrap();
        let at = ((root - 1) * size) as usize;
        assert_eq!(bytes[at], 0x05, "the root of {table} is an interior page");
        u32::from_be_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as i64 * size - size
    };
    let mut bytes = std::fs::read(path).unwrap();
    let at = page as usize;
    bytes[at..at + 8].copy_from_slice(&[0xee; 8]);
    std::fs::write(path, bytes).unwrap();
}

/// Through the binary: a kiosk's store with old and recent orders; one `sync --once` later
/// the old settled ones are gone and the rest are there.
#[test]
fn sync_once_prunes_the_old_history_of_a_kiosk() {
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    let old = day_after(-200);
    let recent = day_after(-10);
    {
        let (mut store, _) = Store::open(&k.db()).unwrap();
        for (id, on, state, outbox) in [
            ("old-done", &old, OrderState::Done, OutboxStatus::Done),
            (
                "old-confirmed",
                &old,
                OrderState::Confirmed,
                OutboxStatus::Done,
            ),
            (
                "old-rejected-parked",
                &old,
                OrderState::Rejected,
                OutboxStatus::Parked,
            ),
            ("recent-done", &recent, OrderState::Done, OutboxStatus::Done),
        ] {
            put(&mut store, &order(id, "pizzeria", on, state), outbox);
        }
    }
    let out = k.run(&["sync", "--once", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(gone_entirely(&k.db(), "old-done"));
    assert!(gone_entirely(&k.db(), "old-confirmed"));
    assert!(exists(&k.db(), "old-rejected-parked"));
    assert!(exists(&k.db(), "recent-done"));
}
