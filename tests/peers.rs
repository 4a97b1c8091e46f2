//! Several screens in one canteen (issue 14), on the built binary: a kiosk by the door serves
//! its orders to a kitchen display over the LAN (`[peers]`), both running against the fake
//! Liefersoft platform. What counts is what the kitchen's own view shows (`orders --json` on
//! its data dir), what the door's feed answers a stranger, and what the platform received.

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::bessa::{BessaFake, days_with_capture_dishes};
use support::kiosk::{KioskDir, day_after, json, stderr, tomorrow, within};
use support::liefersoft::LiefersoftFake;
use support::order_mesa::OrderMesaFake;

const TOKEN: &str = "the-canteen-peer-token-of-hall-b";

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A Liefersoft kiosk named `name` with a `[peers]` table (`peers`: its lines).
fn kiosk(fake: &LiefersoftFake, name: &str, peers: &str) -> KioskDir {
    with_peers(KioskDir::liefersoft(&fake.url()), name, peers)
}

/// The kiosk `k`, named `name`, with a `[peers]` table (`peers`: its lines).
fn with_peers(k: KioskDir, name: &str, peers: &str) -> KioskDir {
    let config = std::fs::read_to_string(&k.config)
        .unwrap()
        .replace("name = \"Black box\"", &format!("name = \"{name}\""));
    let config = format!("{config}\n[peers]\n{peers}token = \"secret:peers.token\"\n");
    std::fs::write(&k.config, config).unwrap();
    let secrets = k.dir.path().join("secrets.toml");
    let mut s = std::fs::read_to_string(&secrets).unwrap();
    s.push_str(&format!("peers.token = \"{TOKEN}\"\n"));
    std::fs::write(&secrets, s).unwrap();
    k
}

/// The door kiosk serving its feed on `addr`, and a kitchen display reading it.
fn door_and_kitchen(fake: &LiefersoftFake, addr: SocketAddr) -> (KioskDir, KioskDir) {
    let door = kiosk(fake, "Door kiosk", &format!("listen = \"{addr}\"\n"));
    let kitchen = kiosk(
        fake,
        "Kitchen wall",
        &format!("from = [\"http://{addr}\"]\n"),
    );
    (door, kitchen)
}

/// Door and kitchen kiosks made by `make` (for one vendor), the door's feed on a free port.
fn pair(make: impl Fn() -> KioskDir) -> (KioskDir, KioskDir) {
    let addr = free_addr();
    let door = with_peers(make(), "Door kiosk", &format!("listen = \"{addr}\"\n"));
    let kitchen = with_peers(
        make(),
        "Kitchen wall",
        &format!("from = [\"http://{addr}\"]\n"),
    );
    (door, kitchen)
}

/// How a test makes a kiosk for one vendor.
type MakeKiosk<'a> = Box<dyn Fn() -> KioskDir + 'a>;

/// Bessa and Order Mesa have no list of all orders: there the kitchen sees the door's
/// orders through the feed alone, within 2 s of being saved.
#[test]
fn at_bessa_and_order_mesa_the_kitchen_sees_the_doors_orders() {
    let bessa = BessaFake::start();
    let dates: Vec<String> = (1..=2).map(day_after).collect();
    bessa.set_days(days_with_capture_dishes(&[
        (dates[0].as_str(), 701),
        (dates[1].as_str(), 702),
    ]));
    let mesa = OrderMesaFake::start();
    let cases: [(&str, &str, MakeKiosk); 2] = [
        (
            "bessa",
            "182378",
            Box::new(|| KioskDir::bessa(&bessa.url())),
        ),
        (
            "order_mesa",
            "B1",
            Box::new(|| KioskDir::order_mesa(&mesa.url(), "/order/newOrder")),
        ),
    ];
    for (vendor, dish, make) in cases {
        let (door, kitchen) = pair(make);
        // The door's menu comes from the vendor at Bessa: one pass fetches it.
        assert!(door.run(&["sync", "--once"]).status.success());
        let _door_running = door.serve();
        let _kitchen_running = kitchen.serve();
        let saved = Instant::now();
        let id = door.order_dish_tomorrow(dish);
        let shown = within(Duration::from_secs(5), || {
            !rows_of(&kitchen_day(&kitchen), &id).is_empty()
        });
        let took = saved.elapsed();
        assert!(
            shown.is_some() && took < Duration::from_secs(2),
            "{vendor}: shown after {took:?}"
        );
        let view = kitchen_day(&kitchen);
        assert_eq!(view["source"], "this_kiosk", "{vendor}: no vendor list");
        assert_eq!(rows_of(&view, &id)[0]["name"], "Anna B.", "{vendor}");
    }
}

/// The kitchen's view of tomorrow, as `orders --json` prints it.
fn kitchen_day(kitchen: &KioskDir) -> serde_json::Value {
    let out = kitchen.run(&["orders", "--date", &tomorrow(), "--json"]);
    assert!(out.status.success(), "orders: {}", stderr(&out));
    json(&out)
}

/// The rows of order `id` in a kitchen view.
fn rows_of<'a>(view: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    view["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["order_id"] == id)
        .collect()
}

/// The state of order `id` at the door (its own store).
fn door_state(door: &KioskDir, id: &str) -> String {
    let out = door.run(&["orders", "--badge", "1001", "--json"]);
    let orders = json(&out);
    let order = orders.as_array().unwrap().iter().find(|o| o["id"] == id);
    order
        .map(|o| o["state"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

/// An order saved at the door shows on the kitchen wall within 2 s, follows the door's
/// state changes, is listed once although the platform's list has it too, and the kitchen
/// sent nothing for it. The employee sees it at the kitchen's screen, read-only.
#[test]
fn an_order_at_the_door_shows_in_the_kitchen_within_2_s_and_once() {
    let fake = LiefersoftFake::start();
    let addr = free_addr();
    let (door, kitchen) = door_and_kitchen(&fake, addr);
    let _door_running = door.serve();
    // A first order, sent to the platform before the kitchen starts: the kitchen then finds
    // it both in the door's feed and in the platform's list of the day.
    let first = door.order_tomorrow();
    let sent = within(Duration::from_secs(20), || fake.orders().len() == 1);
    assert!(sent.is_some(), "the door sent its order");
    let _kitchen_running = kitchen.serve();
    let listed = within(Duration::from_secs(20), || {
        let view = kitchen_day(&kitchen);
        view["source"] == "vendor" && !rows_of(&view, &first).is_empty()
    });
    assert!(
        listed.is_some(),
        "the kitchen has the platform's list and the feed"
    );
    let view = kitchen_day(&kitchen);
    assert_eq!(rows_of(&view, &first).len(), 1, "each order once: {view}");
    assert_eq!(rows_of(&view, &first)[0]["placed_at"], "Door kiosk");

    // A second order while both run: on the wall within 2 s of being saved.
    let saved = Instant::now();
    let second = door.order_tomorrow();
    let shown = within(Duration::from_secs(5), || {
        !rows_of(&kitchen_day(&kitchen), &second).is_empty()
    });
    let took = saved.elapsed();
    assert!(
        shown.is_some() && took < Duration::from_secs(2),
        "shown after {took:?}"
    );

    // Its state follows the door's.
    let follows = within(Duration::from_secs(20), || {
        let at_door = door_state(&door, &second);
        let view = kitchen_day(&kitchen);
        let rows = rows_of(&view, &second);
        at_door != "queued"
            && rows
                .first()
                .is_some_and(|r| r["order_state"] == at_door.as_str())
    });
    assert!(follows.is_some(), "the kitchen follows the door's state");

    // The employee at the kitchen's screen sees both, placed at the door; cancelling there
    // says where to do it, and nothing goes to the platform from the kitchen.
    let out = kitchen.run(&["orders", "--badge", "1001", "--json"]);
    let mine = json(&out);
    let placed: Vec<_> = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["placed_at"] == "Door kiosk")
        .collect();
    assert_eq!(placed.len(), 2, "{mine}");
    let out = kitchen.run(&["cancel", "--badge", "1001", "--order", &second]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("placed at Door kiosk: cancel it there"),
        "{}",
        stderr(&out)
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        fake.orders().len(),
        2,
        "only the door's two orders reached the platform"
    );
    assert!(door_state(&door, &second) != "cancel_requested");
}

/// The door killed: the kitchen marks it stale and keeps showing its last known orders; a
/// kitchen that restarts while the door is down shows them at once, with their age.
#[test]
fn a_peer_that_stops_answering_is_stale_and_its_orders_stay() {
    let fake = LiefersoftFake::start();
    let addr = free_addr();
    let (door, kitchen) = door_and_kitchen(&fake, addr);
    let mut door_running = door.serve();
    let mut kitchen_running = kitchen.serve();
    let id = door.order_tomorrow();
    let heard = within(Duration::from_secs(5), || {
        !rows_of(&kitchen_day(&kitchen), &id).is_empty()
    });
    assert!(heard.is_some(), "the kitchen heard of the order");
    assert_eq!(kitchen_day(&kitchen)["peers"][0]["stale"], false);

    door_running.kill_9();
    let stale = within(Duration::from_secs(10), || {
        kitchen_day(&kitchen)["peers"][0]["stale"] == true
    });
    assert!(
        stale.is_some(),
        "the door is shown stale: {}",
        kitchen_day(&kitchen)
    );
    let view = kitchen_day(&kitchen);
    assert_eq!(
        rows_of(&view, &id).len(),
        1,
        "its last known orders stay: {view}"
    );
    assert!(
        view["peers"][0]["heard_at"].is_string(),
        "with when it was heard"
    );

    kitchen_running.kill_9();
    let _kitchen_again = kitchen.serve();
    let view = kitchen_day(&kitchen);
    assert_eq!(
        rows_of(&view, &id).len(),
        1,
        "shown at once after a restart: {view}"
    );
    assert_eq!(view["peers"][0]["stale"], true);
    assert_eq!(view["peers"][0]["name"], "Door kiosk");
}

/// A GET on the door's feed: (status, body).
fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> (u16, String) {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: door\r\n{auth}Connection: close\r\n\r\n");
    support::kiosk::exchange(addr, &request, Duration::from_secs(30))
}

/// Without the canteen's token the feed answers 401 and nothing else; with it, the orders,
/// and a reader that asks what changed since the cursor waits for the next change.
#[test]
fn the_feed_serves_only_with_the_token_and_waits_for_changes() {
    let fake = LiefersoftFake::start();
    let addr = free_addr();
    let door = kiosk(&fake, "Door kiosk", &format!("listen = \"{addr}\"\n"));
    let _door_running = door.serve();
    let id = door.order_tomorrow();
    for token in [None, Some("the-canteen-peer-token-of-hall-c"), Some("")] {
        let (code, body) = get(addr, "/peer/v1/orders", token);
        assert_eq!(code, 401, "{token:?}");
        assert!(!body.contains(&id) && !body.contains("Anna"), "{body}");
    }
    assert_eq!(get(addr, "/peer/v1/orders?since=x", Some(TOKEN)).0, 400);
    let (code, body) = get(addr, "/peer/v1/orders", Some(TOKEN));
    assert_eq!(code, 200);
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["full"], true);
    let order = page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .unwrap();
    assert_eq!(order["employee"], "Anna B.", "first name and initial only");
    assert!(
        !body.contains("1001") && !body.contains("anna.berger"),
        "no badge, no e-mail: {body}"
    );

    // Nothing changes (the order went out, its state settles): a wait of 2 s answers empty
    // after about 2 s.
    let settled = within(Duration::from_secs(20), || door_state(&door, &id) == "sent");
    assert!(settled.is_some(), "the order went out");
    let (_, body) = get(addr, "/peer/v1/orders", Some(TOKEN));
    let cursor = serde_json::from_str::<serde_json::Value>(&body).unwrap()["cursor"]
        .as_i64()
        .unwrap();
    let asked = Instant::now();
    let (_, body) = get(
        addr,
        &format!("/peer/v1/orders?since={cursor}&wait=2"),
        Some(TOKEN),
    );
    let waited = asked.elapsed();
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(page["orders"].as_array().unwrap().is_empty());
    assert!(
        waited >= Duration::from_millis(1900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );

    // A change while a reader waits answers it at once.
    let waiting = std::thread::spawn(move || {
        let asked = Instant::now();
        let answer = get(
            addr,
            &format!("/peer/v1/orders?since={cursor}&wait=20"),
            Some(TOKEN),
        );
        (answer, asked.elapsed())
    });
    std::thread::sleep(Duration::from_millis(500));
    let second = door.order_tomorrow();
    let ((code, body), took) = waiting.join().unwrap();
    assert_eq!(code, 200);
    assert!(body.contains(&second), "{body}");
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
}
