//! The sync engine against the fake vendor servers: nothing lost, nothing sent twice, never
//! past a cutoff. Time is driven through a ManualClock; no test sleeps for long.

mod support;
use support::temp_dir;

use canteen_kiosk::config::{
    Config, HttpSettings, KioskSettings, Language, MenuSource, Mode, Secrets, VendorSettings,
};
use canteen_kiosk::domain::{Clock, ManualClock, OrderState};
use canteen_kiosk::kiosk::{Kiosk, KitchenSource};
use canteen_kiosk::store::{OutboxStatus, Store};
use canteen_kiosk::sync::{Engine, RetryPolicy};
use canteen_kiosk::vendors::{self, Vendor, http::Http};
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::bessa::{BessaFake, CAPTURE_TOKEN};
use support::liefersoft::LiefersoftFake;
use support::server::{Fault, Reply};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A base URL where nothing listens: the vendor is down.
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/v1")
}

fn config(dir: &Path, vendor: VendorSettings, menu: MenuSource) -> Config {
    let mut venue = support::venue("canteen", vendor, "EUR", support::vienna_rules());
    venue.menu = menu;
    Config {
        path: None,
        kiosk: KioskSettings {
            id: "test".into(),
            name: "Test canteen".into(),
            language: Language::En,
            data_dir: dir.to_path_buf(),
            idle_logout: Duration::from_secs(60),
            mode: Mode::Employee,
            days_ahead: 3,
            menu_refresh: Duration::from_secs(1800),
            display: Default::default(),
            retention_days: 90,
            badge_input: None,
        },
        http: support::quick_http(),
        venues: vec![venue],
        badges: vec![support::michael()],
        secrets: Secrets::default(),
        peers: None,
        metrics: None,
        screen: Default::default(),
    }
}

fn bessa_config(dir: &Path, url: &str) -> Config {
    config(
        dir,
        VendorSettings::Bessa(support::bessa_settings(url, Some(CAPTURE_TOKEN))),
        MenuSource::Vendor,
    )
}

/// No jitter, so the attempt times can be asserted exactly.
fn policy() -> RetryPolicy {
    RetryPolicy {
        jitter: 0.0,
        ..RetryPolicy::default()
    }
}

struct Rig {
    clock: ManualClock,
    engine: Engine,
    kiosk: Kiosk,
}

fn vendors_for(config: &Config, clock: &ManualClock) -> HashMap<String, Box<dyn Vendor>> {
    let http = Http::new(&config.http);
    let clock: Arc<dyn Clock> = Arc::new(clock.clone());
    config
        .venues
        .iter()
        .map(|v| {
            (
                v.key.clone(),
                vendors::connect_with(config, v, &http, clock.clone()),
            )
        })
        .collect()
}

fn rig(name: &str, config: Config, now: &str) -> Rig {
    let clock = ManualClock::new(ts(now));
    let floor = ts("2026-01-01T00:00:00Z");
    let db = config.kiosk.data_dir.join("kiosk.sqlite3");
    let (store, _) = Store::open(&db).unwrap();
    let config = Arc::new(config);
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let engine = Engine::new(
        config.clone(),
        Store::connect(&db).unwrap(),
        shared.clone(),
        vendors_for(&config, &clock),
    )
    .with_policy(policy())
    .with_clock_floor(floor);
    let kiosk = Kiosk::new(config, store, shared).with_clock_floor(floor);
    let _ = name;
    Rig {
        clock,
        engine,
        kiosk,
    }
}

impl Rig {
    /// Places the capture's dish ("M1 W2", article 182378) for 2026-02-13 through the kiosk.
    fn order(&mut self) -> String {
        let badge = self.kiosk.badge_in("0004711").unwrap();
        self.kiosk
            .place_order(&badge, "canteen", "2026-02-13".parse().unwrap(), "182378")
            .unwrap()
            .id
    }

    fn state(&self, id: &str) -> OrderState {
        self.kiosk.store().order(id).unwrap().unwrap().state
    }

    /// The outbox rows still waiting to be sent.
    fn pending(&self) -> Vec<canteen_kiosk::store::OutboxRow> {
        self.engine
            .store()
            .outbox_rows(OutboxStatus::Pending)
            .unwrap()
    }

    fn advance(&self, secs: i64) {
        self.clock.advance(SignedDuration::from_secs(secs));
    }
}

/// The menu comes from the fake first, so the kiosk has something to order.
fn bessa_rig(name: &str, fake: &BessaFake, now: &str) -> Rig {
    let dir = temp_dir(name);
    let mut r = rig(name, bessa_config(&dir, &fake.url()), now);
    let report = r.engine.step();
    assert_eq!(report.menus_refreshed, 1, "{report:?}");
    r
}

#[test]
fn vendor_down_then_up_delivers_every_order_once_in_order() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("down-up", &fake, "2026-02-12T08:00:00Z");
    // The vendor goes away.
    let down = bessa_config(&temp_dir("down-up-cfg"), &dead_url());
    r.engine
        .set_config(Arc::new(down.clone()), vendors_for(&down, &r.clock));
    let ids: Vec<String> = (0..3).map(|_| r.order()).collect();
    let report = r.engine.step();
    assert_eq!(report.sent, 0);
    assert!(ids.iter().all(|id| r.state(id) == OrderState::Queued));
    assert!(r.pending().len() == 3);
    // While it is down, nothing is hammered: the next pass right away leaves it alone.
    let again = r.engine.step();
    assert_eq!(again.retried, 0, "{again:?}");
    // Back up, ten minutes later.
    let up = bessa_config(&temp_dir("down-up-cfg2"), &fake.url());
    r.engine
        .set_config(Arc::new(up.clone()), vendors_for(&up, &r.clock));
    r.advance(600);
    let report = r.engine.step();
    assert_eq!(report.sent, 3, "{report:?}");
    let received = fake.orders();
    assert_eq!(received.len(), 3, "each order exactly once");
    let refs: Vec<String> = ids
        .iter()
        .map(|id| {
            r.kiosk
                .store()
                .order(id)
                .unwrap()
                .unwrap()
                .vendor_ref
                .unwrap()
        })
        .collect();
    let got: Vec<String> = received.iter().map(|o| o.id.to_string()).collect();
    assert_eq!(got, refs, "in the order they were placed");
    assert!(ids.iter().all(|id| r.state(id) == OrderState::Sent));
}

#[test]
fn a_slow_vendor_that_got_the_order_is_reconciled_not_resent() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("slow", &fake, "2026-02-12T08:00:00Z");
    // The vendor takes the order but answers after the kiosk's read timeout.
    let reply = Reply::json(
        201,
        r#"{"id":1,"hash_id":"x","order_state":5,"total":"4.00"}"#,
    )
    .delayed(Duration::from_millis(900));
    fake.inject(Fault::after("POST", "/user/orders", reply));
    let id = r.order();
    let report = r.engine.step();
    assert_eq!(report.sent, 0);
    assert_eq!(r.state(&id), OrderState::Unknown);
    r.advance(60);
    let report = r.engine.step();
    assert_eq!(report.reconciled, 1, "{report:?}");
    assert_eq!(r.state(&id), OrderState::Sent);
    assert_eq!(
        fake.orders().len(),
        1,
        "the vendor received exactly one order"
    );
    let posts = fake
        .server
        .requests()
        .iter()
        .filter(|q| q.is("POST", "/v1/user/orders/"))
        .count();
    assert_eq!(posts, 1, "and it was never sent a second time");
}

#[test]
fn a_dropped_connection_after_the_vendor_took_the_order_is_reconciled() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("dropped", &fake, "2026-02-12T08:00:00Z");
    fake.inject(Fault::after("POST", "/user/orders", Reply::Drop));
    let id = r.order();
    r.engine.step();
    assert_eq!(r.state(&id), OrderState::Unknown);
    r.advance(60);
    r.engine.step();
    assert_eq!(r.state(&id), OrderState::Sent);
    assert_eq!(fake.orders().len(), 1);
}

/// A 5xx may have been processed: each is followed by a look-up at the next pass (2 s, a
/// read), and only the resends back off exponentially (at once after the first attempt, then
/// 10 s, 20 s): the vendor is not hammered, the employee does not wait on "unknown".
#[test]
fn a_5xx_storm_backs_off_exponentially_and_the_order_arrives_once() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("storm", &fake, "2026-02-12T07:00:00Z");
    for _ in 0..3 {
        fake.inject(Fault::instead(
            "POST",
            "/user/orders",
            Reply::text(500, "Internal Server Error"),
        ));
    }
    let id = r.order();
    let mut waits = Vec::new();
    while r.state(&id) != OrderState::Sent {
        assert!(waits.len() < 10, "never sent: {waits:?}");
        let before = r.clock.now();
        r.engine.step();
        if let Some(row) = r.pending().pop() {
            waits.push((row.next_attempt_at - before).get_seconds());
            r.clock.set(row.next_attempt_at);
        }
    }
    // send, look up (+2) & resend at once, look up (+2), resend after 10 s, look up (+2),
    // resend after 20 s.
    assert_eq!(
        waits,
        vec![2, 2, 10, 2, 20],
        "look-ups at once, resends back off"
    );
    let posts = fake
        .server
        .requests()
        .iter()
        .filter(|q| q.is("POST", "/v1/user/orders/"))
        .count();
    assert_eq!(posts, 4);
    assert_eq!(
        fake.orders().len(),
        1,
        "a 500 that did not create the order is resent, once"
    );
}

#[test]
fn an_order_whose_cutoff_passes_while_waiting_expires_and_is_never_sent() {
    let fake = BessaFake::start();
    // Ordering for 2026-02-13 (serving 10:00Z) closes at 09:00Z.
    let mut r = bessa_rig("cutoff", &fake, "2026-02-13T08:50:00Z");
    let down = bessa_config(&temp_dir("cutoff-cfg"), &dead_url());
    r.engine
        .set_config(Arc::new(down.clone()), vendors_for(&down, &r.clock));
    let id = r.order();
    r.engine.step();
    let row = r.pending().remove(0);
    assert!(
        row.next_attempt_at <= ts("2026-02-13T09:00:00Z"),
        "never scheduled past the cutoff"
    );
    // The vendor is back, but the cutoff has passed.
    let up = bessa_config(&temp_dir("cutoff-cfg2"), &fake.url());
    r.engine
        .set_config(Arc::new(up.clone()), vendors_for(&up, &r.clock));
    r.clock.set(ts("2026-02-13T09:00:01Z"));
    let report = r.engine.step();
    assert_eq!(report.expired, 1);
    let o = r.kiosk.store().order(&id).unwrap().unwrap();
    assert_eq!(o.state, OrderState::Expired);
    assert!(o.reason.unwrap().contains("closed"));
    assert!(
        fake.orders().is_empty(),
        "an expired order never reaches the vendor"
    );
    assert!(r.pending().is_empty());
}

#[test]
fn a_cancel_that_waits_past_the_cancel_cutoff_is_refused_and_the_order_stands() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("cancel-cutoff", &fake, "2026-02-13T08:30:00Z");
    let id = r.order();
    r.engine.step();
    assert_eq!(r.state(&id), OrderState::Sent);
    let down = bessa_config(&temp_dir("cc-cfg"), &dead_url());
    r.engine
        .set_config(Arc::new(down.clone()), vendors_for(&down, &r.clock));
    let badge = r.kiosk.badge_in("0004711").unwrap();
    r.kiosk.cancel_order(&badge, &id).unwrap();
    r.engine.step();
    assert_eq!(r.state(&id), OrderState::CancelRequested);
    r.clock.set(ts("2026-02-13T09:00:01Z"));
    r.engine.step();
    let o = r.kiosk.store().order(&id).unwrap().unwrap();
    assert_eq!(o.state, OrderState::Sent);
    assert!(o.reason.unwrap().contains("cancelling closed"));
    assert_eq!(fake.orders().len(), 1, "the order stands at the vendor");
}

#[test]
fn an_untrusted_clock_holds_orders_until_it_is_trusted_again() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("clock", &fake, "2026-02-12T08:00:00Z");
    // The kiosk saw 08:00; now the clock says a day earlier (a Pi booted without network).
    r.clock.set(ts("2026-02-11T08:00:00Z"));
    let id = r.order();
    assert_eq!(r.state(&id), OrderState::Queued, "saved, waiting");
    let report = r.engine.step();
    assert!(
        report
            .clock_doubt
            .as_deref()
            .unwrap_or("")
            .contains("earlier than"),
        "{report:?}"
    );
    assert!(fake.orders().is_empty());
    assert!(r.kiosk.clock_trust().is_err());
    r.clock.set(ts("2026-02-12T08:05:00Z"));
    let report = r.engine.step();
    assert_eq!(report.clock_doubt, None);
    assert_eq!(r.state(&id), OrderState::Sent);
    assert_eq!(fake.orders().len(), 1);
}

#[test]
fn a_rejected_order_settles_with_the_vendors_message() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("rejected", &fake, "2026-02-12T08:00:00Z");
    fake.inject(Fault::instead(
        "POST",
        "/user/orders",
        Reply::json(
            400,
            r#"{"non_field_errors":["Bestellschluss überschritten."]}"#,
        ),
    ));
    let id = r.order();
    let report = r.engine.step();
    assert_eq!(report.rejected, 1);
    let o = r.kiosk.store().order(&id).unwrap().unwrap();
    assert_eq!(o.state, OrderState::Rejected);
    assert!(o.reason.unwrap().contains("Bestellschluss"));
    assert!(r.pending().is_empty());
}

#[test]
fn the_kitchen_confirming_is_picked_up_by_the_status_poll() {
    let fake = BessaFake::start();
    let mut r = bessa_rig("confirm", &fake, "2026-02-12T08:00:00Z");
    let id = r.order();
    r.engine.step();
    let vendor_id: u64 = r
        .kiosk
        .store()
        .order(&id)
        .unwrap()
        .unwrap()
        .vendor_ref
        .unwrap()
        .parse()
        .unwrap();
    fake.set_order_state(vendor_id, 8);
    r.advance(600);
    let report = r.engine.step();
    assert!(report.states_updated >= 1, "{report:?}");
    assert_eq!(r.state(&id), OrderState::Confirmed);
}

fn liefersoft_rig(name: &str, fake: &LiefersoftFake, now: &str) -> Rig {
    let dir = temp_dir(name);
    let menu = write_menu(&dir);
    let cfg = config(
        &dir,
        VendorSettings::Liefersoft(support::liefersoft_settings(&fake.server.url())),
        MenuSource::File(menu),
    );
    let mut r = rig(name, cfg, now);
    let report = r.engine.step();
    assert_eq!(report.menus_refreshed, 1, "{report:?}");
    r
}

#[test]
fn an_expired_token_mid_queue_is_renewed_and_the_call_retried() {
    let fake = LiefersoftFake::start();
    let mut r = liefersoft_rig("token", &fake, "2026-02-12T08:00:00Z");
    let first = r.order();
    r.engine.step();
    assert_eq!(r.state(&first), OrderState::Sent);
    assert_eq!(fake.logins(), 1);
    // The platform forgets the token (as it does after its 5 minutes).
    fake.revoke_tokens();
    let second = r.order();
    let report = r.engine.step();
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(r.state(&second), OrderState::Sent);
    assert_eq!(fake.logins(), 2, "logged in again once");
    assert_eq!(fake.orders().len(), 2);
}

/// A kitchen at a Liefersoft venue sees every order of the restaurant, also those placed on
/// the platform's own shop, from `GET /{restaurantId}/orders`; the kiosk's own orders appear
/// once, with the state the list reports.
#[test]
fn the_kitchen_sees_every_order_of_a_liefersoft_venue_from_the_platforms_list() {
    let fake = LiefersoftFake::start();
    // 12:00 in Vienna on the 13th, and 00:30 on the 14th (23:30 UTC on the 13th).
    fake.add_order(
        "web-1",
        "Erika Muster",
        Some("2026-02-13T11:00:00Z"),
        "PROCESSING",
        &[("M1 W2", 2, "4.0")],
    );
    fake.add_order(
        "web-2",
        "Night Owl",
        Some("2026-02-13T23:30:00Z"),
        "ACCEPTED",
        &[("Soup", 1, "2.5")],
    );
    fake.add_order(
        "phone-1",
        "No Date",
        None,
        "ACCEPTED",
        &[("Soup", 1, "2.5")],
    );
    let dir = temp_dir("kitchen-list");
    let mut cfg = config(
        &dir,
        VendorSettings::Liefersoft(support::liefersoft_settings(&fake.server.url())),
        MenuSource::File(write_menu(&dir)),
    );
    cfg.badges.push(canteen_kiosk::config::Badge {
        number: "9001".into(),
        name: "Kitchen".into(),
        email: None,
        employee_number: None,
        role: canteen_kiosk::config::Role::Kitchen,
    });
    let mut r = rig("kitchen-list", cfg, "2026-02-12T08:00:00Z");
    let day: jiff::civil::Date = "2026-02-13".parse().unwrap();

    let report = r.engine.step();
    assert_eq!(report.lists_refreshed, 1, "{report:?}");
    let id = r.order();
    r.engine.step();
    assert_eq!(r.state(&id), OrderState::Sent);
    assert_eq!(
        fake.list_calls(),
        1,
        "the list is not fetched again within 2 minutes"
    );

    // The restaurant confirms the kiosk's order; the next list (after 2 minutes) says so.
    fake.set_status(&id, "PROCESSING");
    r.advance(121);
    let report = r.engine.step();
    assert_eq!(report.lists_refreshed, 1, "{report:?}");
    assert_eq!(report.states_updated, 1, "{report:?}");
    assert_eq!(r.state(&id), OrderState::Confirmed);
    assert_eq!(
        fake.list_calls(),
        2,
        "the list replaced the bulk status poll"
    );

    let view = r.kiosk.kitchen_view("canteen", day).unwrap();
    assert_eq!(
        view.source,
        KitchenSource::Vendor {
            fetched_at: ts("2026-02-12T08:02:01Z"),
            complete: true
        }
    );
    let rows: Vec<(&str, &str, u32, OrderState)> = view
        .pickups
        .iter()
        .map(|p| (p.name.as_str(), p.dish.as_str(), p.quantity, p.state))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Erika Muster", "M1 W2", 2, OrderState::Confirmed),
            ("Michael Kaufmann", "M1 W2", 1, OrderState::Confirmed),
        ]
    );
    assert_eq!(view.counts.len(), 1);
    assert_eq!((view.counts[0].confirmed, view.counts[0].pending), (3, 0));
    let csv = canteen_kiosk::kiosk::export::day_csv(&view);
    assert!(
        csv.contains("2026-02-13,Erika Muster,,M1 W2,2,8.00,confirmed,web-1,\n"),
        "{csv}"
    );

    let next_day = r
        .kiosk
        .kitchen_view("canteen", "2026-02-14".parse().unwrap())
        .unwrap();
    let names: Vec<&str> = next_day.pickups.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Night Owl"],
        "a preOrder is placed on its local day"
    );
}

/// Without a kitchen display (no kitchen badge, employee mode) the full list is never fetched.
#[test]
fn an_employee_only_kiosk_does_not_fetch_the_restaurants_list() {
    let fake = LiefersoftFake::start();
    fake.add_order(
        "web-1",
        "Erika Muster",
        Some("2026-02-13T11:00:00Z"),
        "ACCEPTED",
        &[("Soup", 1, "2.5")],
    );
    let mut r = liefersoft_rig("no-kitchen", &fake, "2026-02-12T08:00:00Z");
    r.advance(600);
    let report = r.engine.step();
    assert_eq!(report.lists_refreshed, 0, "{report:?}");
    assert_eq!(fake.list_calls(), 0);
    let view = r
        .kiosk
        .kitchen_view("canteen", "2026-02-13".parse().unwrap())
        .unwrap();
    assert_eq!(view.source, KitchenSource::ThisKiosk);
    assert!(view.pickups.is_empty());
}

/// The crash test: a child process runs the real worker and places orders; it is killed at
/// random instants. After every run the next child starts on the same database. At the end
/// every order the child said was saved has reached the vendor exactly once.
#[test]
fn killing_the_worker_at_random_instants_loses_nothing_and_sends_nothing_twice() {
    if std::env::var_os("CK_CRASH_CHILD").is_some() {
        return; // the child runs `crash_child` below
    }
    let fake = LiefersoftFake::start();
    let dir = temp_dir("crash");
    let mut saved: Vec<String> = Vec::new();
    let runs = 50;
    for run in 0..runs {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads=1",
                "--include-ignored",
            ])
            .env("CK_CRASH_CHILD", "1")
            .env("CK_CRASH_DIR", &dir)
            .env("CK_CRASH_URL", fake.server.url())
            .env("CK_CRASH_RUN", run.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let kill_after = 60 + fastrand::u64(0..300);
        std::thread::sleep(Duration::from_millis(kill_after));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        saved.extend(
            text.lines()
                .filter_map(|l| l.strip_prefix("SAVED "))
                .map(str::to_string),
        );
    }
    assert!(
        saved.len() >= runs / 2,
        "the children saved orders ({})",
        saved.len()
    );
    // A last, clean run drains whatever is left.
    let mut r = crash_rig(&dir, &fake.server.url());
    for _ in 0..20 {
        r.advance(600);
        r.engine.step();
    }
    let received = fake.orders();
    for id in &saved {
        let n = received.iter().filter(|o| &o.order_id == id).count();
        assert_eq!(n, 1, "order {id} reached the vendor {n} times");
        assert_eq!(r.state(id), OrderState::Sent, "order {id}");
    }
    let mut ids: Vec<&str> = received.iter().map(|o| o.order_id.as_str()).collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "no order id twice at the vendor");
    let conflicts = fake
        .server
        .requests()
        .iter()
        .filter(|q| q.is("POST", "/orders"))
        .count();
    assert_eq!(
        conflicts, all,
        "every create the vendor saw was a first one"
    );
    for o in &received {
        assert!(
            r.kiosk.store().order(&o.order_id).unwrap().is_some(),
            "the vendor has only orders the kiosk saved"
        );
    }
}

fn crash_rig(dir: &Path, url: &str) -> Rig {
    let menu = write_menu(dir);
    let mut cfg = config(
        dir,
        VendorSettings::Liefersoft(support::liefersoft_settings(url)),
        MenuSource::File(menu),
    );
    cfg.http = HttpSettings {
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_secs(2),
    };
    let mut r = rig("crash", cfg, "2026-02-12T08:00:00Z");
    r.engine.step(); // the menu, so the kiosk has something to order
    r
}

/// The child side of the crash test (runs only when started by it).
#[test]
#[ignore = "started by the crash test as a child process"]
fn crash_child() {
    let Some(dir) = std::env::var_os("CK_CRASH_DIR") else {
        return;
    };
    let url = std::env::var("CK_CRASH_URL").unwrap();
    let Rig {
        clock,
        engine,
        kiosk,
        ..
    } = crash_rig(Path::new(&dir), &url);
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let connect = Box::new(canteen_kiosk::app::connect_vendors);
    let worker = canteen_kiosk::sync::Worker::spawn(engine, shared, connect).unwrap();
    let mut kiosk = kiosk.with_waker(Arc::new(worker.handle.clone()));
    let badge = kiosk.badge_in("0004711").unwrap();
    loop {
        let o = kiosk
            .place_order(&badge, "canteen", "2026-02-13".parse().unwrap(), "182378")
            .unwrap();
        println!("SAVED {}", o.id);
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..15)));
    }
}

/// A config reload (SIGHUP) checks the file first: a broken file leaves the old config in
/// place and its problems for the admin; a good one reaches the worker and the UI.
#[test]
fn a_reload_with_a_broken_config_keeps_the_old_one() {
    use canteen_kiosk::reload::{ReloadState, Reloader};
    let dir = temp_dir("reload");
    let (path, good) = demo_config_file(&dir);
    let config = canteen_kiosk::config::load(&path).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(canteen_kiosk::domain::SystemClock::new());
    let app = canteen_kiosk::app::App::start(config, clock).unwrap();
    let state = Arc::new(ReloadState::default());
    let reloader = Reloader {
        path: path.clone(),
        state: state.clone(),
        worker: app.worker.handle.clone(),
        listeners: app.listeners.clone(),
    };
    std::fs::write(
        &path,
        good.replace(
            "days_ahead = 14",
            "days_ahead = 14\nidle_logout_seconds = 3",
        ),
    )
    .unwrap();
    let err = reloader.reload().unwrap_err();
    assert!(err.to_string().contains("kiosk.toml:"), "{err}");
    assert!(
        state.problems().contains("idle_logout_seconds"),
        "the admin sees why"
    );
    assert!(state.take_pending().is_none(), "the old config stays");
    assert!(app.worker.handle.step_now().is_some(), "the worker runs on");

    // Fixed, and sent by signal as systemd's ExecReload does.
    std::fs::write(
        &path,
        good.replace(
            "name = \"Canteen Demo\"\nlanguage",
            "name = \"Canteen Reloaded\"\nlanguage",
        ),
    )
    .unwrap();
    reloader.clone().watch_sighup().unwrap();
    unsafe { libc::raise(libc::SIGHUP) };
    let mut taken = None;
    for _ in 0..50 {
        taken = state.take_pending();
        if taken.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        taken.expect("reloaded on SIGHUP").kiosk.name,
        "Canteen Reloaded"
    );
    assert_eq!(state.problems(), "");
    app.shutdown();
}

/// Saving the config file (as an editor does: a new file renamed over the old one) reloads
/// it, once per burst of writes; other files in the directory do not.
#[test]
fn saving_the_config_file_reloads_it() {
    use canteen_kiosk::reload::{ReloadState, Reloader, watched_files};
    let dir = temp_dir("watch");
    let (path, good) = demo_config_file(&dir);
    assert_eq!(watched_files(&path), vec![path.clone()]);
    let config = canteen_kiosk::config::load(&path).unwrap();
    let clock: Arc<dyn Clock> = Arc::new(canteen_kiosk::domain::SystemClock::new());
    let app = canteen_kiosk::app::App::start(config, clock).unwrap();
    let state = Arc::new(ReloadState::default());
    Reloader {
        path: path.clone(),
        state: state.clone(),
        worker: app.worker.handle.clone(),
        listeners: app.listeners.clone(),
    }
    .watch_files()
    .unwrap();
    let wait_for_reload = || {
        for _ in 0..100 {
            if let Some(c) = state.take_pending() {
                return Some(c);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    };

    // Another file in the directory: no reload.
    std::fs::write(dir.join("notes.txt"), "hello").unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert!(state.take_pending().is_none());

    let tmp = dir.join(".kiosk.toml.swp");
    std::fs::write(
        &tmp,
        good.replace(
            "name = \"Canteen Demo\"\nlanguage",
            "name = \"Saved\"\nlanguage",
        ),
    )
    .unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    let taken = wait_for_reload().expect("reloaded after the save");
    assert_eq!(taken.kiosk.name, "Saved");

    // A broken save is refused and the admin sees why.
    std::fs::write(&path, "[kiosk\n").unwrap();
    for _ in 0..100 {
        if !state.problems().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        state.problems().contains("kiosk.toml"),
        "{}",
        state.problems()
    );
    assert!(state.take_pending().is_none(), "the old config stays");
    app.shutdown();
}

/// The demo config as a file in `dir` (data in `dir/data`): its path and text.
fn demo_config_file(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("kiosk.toml");
    let text = canteen_kiosk::config::DEMO_TOML.replace(
        "[kiosk]\n",
        &format!("[kiosk]\ndata_dir = \"{}\"\n", dir.join("data").display()),
    );
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// A menu file with the capture's dish on every weekday (Liefersoft has no menu call).
fn write_menu(dir: &Path) -> PathBuf {
    let menu = dir.join("menu.toml");
    std::fs::write(
        &menu,
        "[[dishes]]\ncode = \"182378\"\nname = \"M1 W2\"\nprice = \"4.00\"\nvat = \"10.00\"\n\
         weekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n",
    )
    .unwrap();
    menu
}
