//! One worker per data dir, tried with real processes: a kiosk running headless (`serve`)
//! next to CLI commands on the same data dir, counted at the fake platform; and the kiosk
//! process itself killed with SIGKILL in the middle of a send.

mod support;

use std::time::Duration;
use support::kiosk::{KioskDir, json, stderr, within};
use support::liefersoft::LiefersoftFake;
use support::server::{Fault, Reply};

fn received(fake: &LiefersoftFake, id: &str) -> usize {
    fake.orders().iter().filter(|o| o.order_id == id).count()
}

#[test]
fn cli_commands_wake_the_running_kiosk_and_never_talk_to_the_vendor() {
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    let logins_before = fake.logins();
    let mut kiosk = k.serve();
    std::thread::sleep(Duration::from_millis(500));

    // Read-only commands start no worker: not one request reaches the platform.
    let before = fake.server.count();
    for args in [&["status"][..], &["menu"], &["orders", "--badge", "1001"]] {
        let out = k.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        fake.server.count(),
        before,
        "read-only commands talked to the vendor"
    );

    // An order saved by the CLI is sent by the kiosk's worker within a second.
    let id = k.order_tomorrow();
    let took = within(Duration::from_secs(1), || received(&fake, &id) == 1);
    assert!(took.is_some(), "not sent within 1 s of saving");
    // One process logged in for it: the kiosk (a CLI pass would have logged in itself).
    let logins = fake.logins();
    assert_eq!(logins, logins_before + 1);

    // `sync --once` is the kiosk's pass, reported back.
    let sync = k.run(&["sync", "--once", "--json"]);
    assert!(sync.status.success(), "{}", stderr(&sync));
    assert!(json(&sync)["store_error"].is_null());
    // (This platform takes no cancellations.) A second order goes the same way.
    let again = k.order_tomorrow();
    assert!(within(Duration::from_secs(1), || received(&fake, &again) == 1).is_some());
    assert_eq!(fake.logins(), logins, "only the kiosk's worker logged in");

    // A second kiosk on the same data dir refuses to start.
    let second = k.run(&["serve"]);
    assert_eq!(second.status.code(), Some(3));
    assert!(
        stderr(&second).contains("only one kiosk per data dir"),
        "{}",
        stderr(&second)
    );

    kiosk.kill_9();
    assert_eq!(received(&fake, &id), 1);
}

#[test]
fn a_kiosk_killed_mid_send_sends_each_order_once_after_restart() {
    let fake = LiefersoftFake::start();
    let k = KioskDir::liefersoft(&fake.url());
    assert!(k.run(&["sync", "--once"]).status.success());
    let mut kiosk = k.serve();
    // The platform takes the order, then keeps the kiosk waiting for its answer: the kiosk
    // is killed while the send is in flight.
    fake.inject(Fault::after(
        "POST",
        "/orders",
        Reply::Drop.delayed(Duration::from_secs(5)),
    ));
    let first = k.order_tomorrow();
    assert!(within(Duration::from_secs(3), || received(&fake, &first) == 1).is_some());
    kiosk.kill_9();
    let second = k.order_tomorrow();

    let mut kiosk = k.serve();
    let both = within(Duration::from_secs(10), || received(&fake, &second) == 1);
    assert!(
        both.is_some(),
        "the order saved while the kiosk was down was not sent"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        received(&fake, &first),
        1,
        "the order in flight was sent twice"
    );
    let mine = json(&k.run(&["orders", "--badge", "1001", "--json"]));
    let state = |id: &str| {
        mine.as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .map(|o| o["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state(&first).as_deref(), Some("sent"), "{mine}");
    assert_eq!(state(&second).as_deref(), Some("sent"), "{mine}");
    kiosk.kill_9();
}
