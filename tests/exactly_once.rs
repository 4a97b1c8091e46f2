//! Exactly once at each vendor, tried on the built binary against fakes written from the
//! seed documents (issue 13). Bessa has no idempotency key (items 1 and 2): identical orders
//! of one employee for one day and every way an answer can be lost; what counts is what Bessa
//! holds, as many orders as the kiosk shows sent, each linked to a Bessa order of its own.
//! Liefersoft webhooks (item 4): an acknowledged event survives a kill -9 of the kiosk.

mod support;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::bessa::{BessaFake, days_with_capture_dishes};
use support::kiosk::{KioskDir, Running, day_after, json, stderr, within};
use support::liefersoft::LiefersoftFake;
use support::server::{Fault, Reply};

/// The capture's "M1 W2" (article 182378, 4.00).
const DISH: &str = "182378";

/// A Bessa fake with menus for the coming days and a kiosk on it that holds `n` identical
/// orders of badge 1001 for tomorrow, saved while its clock was not trusted (so none is sent
/// yet).
fn kiosk_with_identical_orders(n: usize) -> (BessaFake, KioskDir, Vec<String>) {
    let fake = BessaFake::start();
    let dates: Vec<(String, u64)> = (1..=3).map(|d| (day_after(d), 700 + d as u64)).collect();
    let dates: Vec<(&str, u64)> = dates.iter().map(|(d, id)| (d.as_str(), *id)).collect();
    fake.set_days(days_with_capture_dishes(&dates));
    let k = KioskDir::bessa(&fake.url());
    k.set_synced(false);
    // The menu comes from Bessa: one pass fetches it (nothing is sent on a doubted clock).
    let out = k.run(&["sync", "--once"]);
    assert!(out.status.success(), "first pass: {}", stderr(&out));
    let ids = (0..n)
        .map(|_| {
            let out = k.run(&[
                "order",
                "--badge",
                "1001",
                "--date",
                &day_after(1),
                "--dish",
                DISH,
                "--json",
            ]);
            assert!(out.status.success(), "order: {}", stderr(&out));
            json(&out)["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(
        fake.orders().is_empty(),
        "held back while the clock is doubted"
    );
    (fake, k, ids)
}

/// The kiosk's orders of badge 1001, by id: (state, vendor_ref).
fn kiosk_orders(k: &KioskDir) -> Vec<(String, String, Option<String>)> {
    let out = k.run(&["orders", "--badge", "1001", "--json"]);
    assert!(out.status.success(), "orders: {}", stderr(&out));
    json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["state"].as_str().unwrap().to_string(),
                o["vendor_ref"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// Runs passes until every order is settled at Bessa (sent), at most `limit`.
fn sync_until_sent(k: &KioskDir, limit: Duration) -> Vec<(String, String, Option<String>)> {
    let started = Instant::now();
    loop {
        let out = k.run(&["sync", "--once"]);
        assert!(out.status.success(), "sync: {}", stderr(&out));
        let orders = kiosk_orders(k);
        if orders.iter().all(|(_, state, _)| state == "sent") {
            return orders;
        }
        assert!(
            started.elapsed() < limit,
            "not all sent after {limit:?}: {orders:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The promise: Bessa holds exactly the kiosk's orders, each linked to its own Bessa order.
fn assert_exactly_once(fake: &BessaFake, k: &KioskDir, ids: &[String], what: &str) {
    let orders = sync_until_sent(k, Duration::from_secs(40));
    let at_bessa: BTreeSet<String> = fake.orders().iter().map(|o| o.id.to_string()).collect();
    assert_eq!(
        fake.orders().len(),
        ids.len(),
        "{what}: Bessa holds {} orders for {} kiosk orders: {orders:?}",
        fake.orders().len(),
        ids.len()
    );
    let linked: BTreeSet<String> = orders.iter().filter_map(|(_, _, r)| r.clone()).collect();
    assert_eq!(
        linked, at_bessa,
        "{what}: every kiosk order owns a Bessa order of its own: {orders:?}"
    );
}

/// A lost answer of each kind on every create: all arrived, none may go out again.
fn every_answer_lost(n: usize, lost: impl Fn() -> Reply, what: &str) {
    let (fake, k, ids) = kiosk_with_identical_orders(n);
    for _ in 0..n {
        fake.inject(Fault::after("POST", "/user/orders", lost()));
    }
    k.set_synced(true);
    assert_exactly_once(&fake, &k, &ids, what);
}

fn truncated_201() -> Reply {
    let body = br#"{"id":1535066,"hash_id":"o_xlOaq","order_state":5,"total":"4.00"}"#;
    Reply::Truncated {
        status: 201,
        body: body.to_vec(),
        keep: 12,
    }
}

#[test]
fn two_identical_orders_with_dropped_answers_are_two_bessa_orders() {
    every_answer_lost(2, || Reply::Drop, "2 × dropped after processing");
}

#[test]
fn three_identical_orders_with_truncated_answers_are_three_bessa_orders() {
    every_answer_lost(3, truncated_201, "3 × truncated 201");
}

#[test]
fn three_identical_orders_with_server_errors_after_processing_are_three_bessa_orders() {
    every_answer_lost(
        3,
        || Reply::json(502, r#"{"detail":"Bad gateway"}"#),
        "3 × 502 after processing",
    );
}

/// Fewer Bessa orders than kiosk orders in doubt: the first create arrived (answer dropped),
/// the second never did (dropped before processing). One Bessa order is claimed, the other
/// kiosk order goes out again.
#[test]
fn when_fewer_arrived_than_are_in_doubt_the_rest_go_out_again() {
    for n in [2, 3] {
        let (fake, k, ids) = kiosk_with_identical_orders(n);
        fake.inject(Fault::after("POST", "/user/orders", Reply::Drop));
        for _ in 1..n {
            fake.inject(Fault::instead("POST", "/user/orders", Reply::Drop));
        }
        k.set_synced(true);
        assert_exactly_once(&fake, &k, &ids, &format!("{n} in doubt, 1 arrived"));
    }
}

/// The look-up after a lost answer is a read done at the next pass (seconds), not after
/// the send backoff: the employee does not see "unknown" for long.
#[test]
fn a_lost_answer_is_looked_up_at_the_next_pass() {
    let (fake, k, ids) = kiosk_with_identical_orders(1);
    fake.inject(Fault::after("POST", "/user/orders", Reply::Drop));
    k.set_synced(true);
    let out = k.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(kiosk_orders(&k)[0].1, "unknown");
    let lost_at = Instant::now();
    let orders = sync_until_sent(&k, Duration::from_secs(8));
    assert!(
        lost_at.elapsed() < Duration::from_secs(5),
        "settled only after {:?}",
        lost_at.elapsed()
    );
    assert_eq!(orders[0].0, ids[0]);
    assert_eq!(fake.orders().len(), 1, "looked up, not sent again");
}

/// Runs `sync --once` until `reached` holds for the fake (a request held there), then kills
/// it with SIGKILL.
fn kill_9_when(k: &KioskDir, fake: &BessaFake, what: &str, reached: impl Fn(&BessaFake) -> bool) {
    let mut pass = Running(
        k.command(&["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let held = within(Duration::from_secs(20), || reached(fake));
    assert!(held.is_some(), "{what}: the request never reached Bessa");
    pass.kill_9();
}

fn posts(fake: &BessaFake) -> usize {
    fake.server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.route().contains("/user/orders"))
        .count()
}

/// kill -9 mid-request, three identical orders: A's create is taken and its answer held,
/// kill; at the restart A's look-up fails (a 500), B's create is taken and held, kill; then
/// C's create is held before Bessa takes it, kill. Three orders in doubt, two at Bessa: two
/// are claimed (distinct Bessa orders), one goes out again — three at Bessa in the end.
#[test]
fn kill_9_mid_request_loses_and_doubles_nothing() {
    let (fake, k, ids) = kiosk_with_identical_orders(3);
    k.set_synced(true);
    let held = || Reply::Delayed(Duration::from_secs(30), Box::new(Reply::Drop));
    fake.inject(Fault::after("POST", "/user/orders", held()));
    kill_9_when(&k, &fake, "A", |f| f.orders().len() == 1);
    // The pass's menu refresh and A's look-up both read menu/dates: both fail.
    for _ in 0..2 {
        let error = Reply::json(500, r#"{"detail":"Server Error"}"#);
        fake.inject(Fault::instead("GET", "/menu/dates", error));
    }
    fake.inject(Fault::after("POST", "/user/orders", held()));
    kill_9_when(&k, &fake, "B", |f| f.orders().len() == 2);
    fake.inject(Fault::instead("POST", "/user/orders", held()));
    kill_9_when(&k, &fake, "C", |f| posts(f) == 3);
    assert_eq!(fake.orders().len(), 2, "C's create was never taken");
    assert_exactly_once(&fake, &k, &ids, "kill -9 during each of 3 sends");
}

// ---------------------------------------------------------------------------------------------
// Liefersoft webhooks
// ---------------------------------------------------------------------------------------------

const HOOK_SECRET: &str = "a-webhook-secret-of-32-characters";

/// A Liefersoft kiosk with a webhook receiver on a free local port; returns its address.
fn kiosk_with_webhook(fake: &LiefersoftFake) -> (KioskDir, std::net::SocketAddr) {
    let k = KioskDir::liefersoft(&fake.url());
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut config = std::fs::read_to_string(&k.config).unwrap();
    config.push_str(&format!(
        "\n[venues.pizzeria.webhook]\nlisten = \"{addr}\"\n\
         public_url = \"https://kiosk.example.com/liefersoft\"\n\
         secret = \"secret:pizzeria.webhook_secret\"\n"
    ));
    std::fs::write(&k.config, config).unwrap();
    let secrets = k.dir.path().join("secrets.toml");
    let mut s = std::fs::read_to_string(&secrets).unwrap();
    s.push_str(&format!("pizzeria.webhook_secret = \"{HOOK_SECRET}\"\n"));
    std::fs::write(&secrets, s).unwrap();
    (k, addr)
}

/// The document's example event, for `order_id`, as `event_id`, signed with our secret.
fn signed_event(event_id: &str, event_type: &str, order_id: &str) -> (String, String) {
    let body = String::from_utf8(support::WEBHOOK_EXAMPLE.to_vec())
        .unwrap()
        .replace("ev-123", event_id)
        .replace("ORDER_CONFIRMED", event_type)
        .replace("123-444", order_id);
    let sig = canteen_kiosk::vendors::webhook::sign(
        &canteen_kiosk::config::Secret::new(HOOK_SECRET),
        body.as_bytes(),
    );
    (body, sig)
}

/// POSTs an event; the status code and body of the answer.
fn deliver(addr: std::net::SocketAddr, body: &str, sig: &str) -> (u16, String) {
    let request = format!(
        "POST /liefersoft HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json\r\n\
         X-Signature-SHA256: {sig}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    support::kiosk::exchange(addr, &request, Duration::from_secs(10))
}

fn state_of(k: &KioskDir, id: &str) -> String {
    kiosk_orders(k)
        .into_iter()
        .find(|(order, _, _)| order == id)
        .map(|(_, state, _)| state)
        .unwrap_or_default()
}

/// The receiver answers 200 only once the event is in the store: a kill -9 right after the
/// 200, while the worker is busy elsewhere and has not applied it, loses nothing; after the
/// restart the event is applied, and the platform's repeat of it is acknowledged and dropped.
#[test]
fn an_acknowledged_webhook_event_survives_kill_9() {
    let fake = LiefersoftFake::start();
    let (k, addr) = kiosk_with_webhook(&fake);
    assert!(k.run(&["sync", "--once"]).status.success());
    let sent = k.order_tomorrow();
    assert_eq!(state_of(&k, &sent), "sent");

    let mut kiosk = k.serve();
    // Keep the worker busy: the next create hangs at the platform, so the worker cannot
    // apply the event before the kill.
    let hang = Reply::Delayed(Duration::from_secs(30), Box::new(Reply::Drop));
    fake.inject(Fault::instead("POST", "/orders", hang));
    let busy = k.order_tomorrow();
    let hanging = within(Duration::from_secs(5), || {
        fake.server.requests().iter().any(|r| {
            r.method == "POST"
                && r.route() == "/orders"
                && String::from_utf8_lossy(&r.body).contains(&busy)
        })
    });
    assert!(
        hanging.is_some(),
        "the kiosk's worker never sent the second order"
    );

    let (body, sig) = signed_event("ev-kill-1", "ORDER_CONFIRMED", &sent);
    assert_eq!(deliver(addr, &body, &sig).0, 200);
    kiosk.kill_9();
    assert_eq!(state_of(&k, &sent), "sent", "not applied before the kill");

    // Restarted: the kept event is applied by the next pass.
    let mut kiosk = k.serve();
    let applied = within(Duration::from_secs(10), || {
        state_of(&k, &sent) == "confirmed"
    });
    assert!(applied.is_some(), "the acknowledged event was lost");
    // The platform repeats the delivery (it had no way to know): acknowledged, dropped.
    let (code, text) = deliver(addr, &body, &sig);
    assert_eq!((code, text.trim()), (200, "duplicate"));
    kiosk.kill_9();
}

// ---------------------------------------------------------------------------------------------
// Poll limits (item 5)
// ---------------------------------------------------------------------------------------------

/// "Poll no more than every 2 minutes" (seed 004) holds across processes: passes of separate
/// `sync --once` runs ask the platform about a sent order, and for the kitchen's list, once.
#[test]
fn poll_limits_hold_across_sync_once_runs() {
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    let id = k.order_tomorrow();
    assert_eq!(state_of(&k, &id), "sent");
    let polls = |f: &LiefersoftFake| {
        let requests = f.server.requests();
        let status = requests
            .iter()
            .filter(|r| r.method == "GET" && r.route().starts_with("/orders/"))
            .count();
        let lists = requests
            .iter()
            .filter(|r| r.method == "GET" && r.route().contains("/restaurantId-123/orders"))
            .count();
        (status, lists)
    };
    let before = polls(&fake);
    for _ in 0..3 {
        let out = k.run(&["sync", "--once"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        polls(&fake),
        before,
        "three more processes within two minutes asked the platform again"
    );
}
