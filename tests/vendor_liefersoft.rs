//! The Liefersoft adapter against a fake platform on 127.0.0.1 (tests/support/liefersoft.rs),
//! and the webhook receiver with the document's own signed example.

mod support;

use canteen_kiosk::config::{Secret, VendorSettings, WebhookSettings};
use canteen_kiosk::domain::{Clock, ManualClock, Money, Order, OrderState};
use canteen_kiosk::metrics::{Metrics, WebhookRefusal};
use canteen_kiosk::serve::{Limits, Server};
use canteen_kiosk::store::Store;
use canteen_kiosk::vendors::http::Http;
use canteen_kiosk::vendors::liefersoft::{self, LiefersoftVendor};
use canteen_kiosk::vendors::webhook;
use canteen_kiosk::vendors::{Claimed, RemoteState, RemoteUpdate, Vendor, VendorError};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::liefersoft::{LiefersoftFake, PASSWORD};
use support::server::{Fault, Reply};
use support::*;

const KIOSK_ID: &str = "1f0b7c2e-8d4a-4e55-9a61-3b2c1d0e9f88";

/// A clock at the real time (the fake's tokens expire in real time) that tests can move.
fn clock() -> ManualClock {
    ManualClock::new(Timestamp::now())
}

fn vendor(fake: &LiefersoftFake, clock: &ManualClock) -> LiefersoftVendor {
    let settings = liefersoft_settings(&fake.url());
    let v = venue(
        "ls",
        VendorSettings::Liefersoft(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    let c: Arc<dyn Clock> = Arc::new(clock.clone());
    LiefersoftVendor::new(Http::new(&quick_http()), &v, settings, c)
}

/// A schnitzel (4.00 at 10 %) and a beverage (2.50 at 20 %), served tomorrow.
fn ls_order(id: &str) -> Order {
    let serving = Timestamp::now()
        .checked_add(SignedDuration::from_hours(24))
        .unwrap();
    let day = serving.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    order(
        id,
        "ls",
        &day,
        &serving.to_string(),
        vec![
            line("182378", "M1 W2", 1, 400, Some(1000)),
            line("c1l", "Cola", 2, 250, Some(2000)),
        ],
    )
}

fn no_secret_in(err: &VendorError) {
    assert_no_secret(err, &err.to_string(), &[PASSWORD]);
}

#[test]
fn logs_in_and_creates_the_order_with_the_documented_body() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    let o = ls_order(KIOSK_ID);
    let remote = v.place_order(&o, &michael()).unwrap();
    let platform_id = fake.orders()[0].id.clone();
    assert_eq!(remote.vendor_ref.as_deref(), Some(platform_id.as_str()));
    assert_eq!(remote.state, RemoteState::Sent);

    let reqs = fake.server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].is("POST", "/login"));
    assert_eq!(
        reqs[0].json(),
        json!({"login": "some.user@example.com", "password": PASSWORD, "companyId": "71d53cad-7e6d-4912-96b3-3efb599f81be"})
    );
    let r = &reqs[1];
    assert!(r.is("POST", "/orders"));
    assert!(r.header("Authorization").unwrap().starts_with("Bearer ey"));
    let b = r.json();
    assert_eq!(b["orderId"], KIOSK_ID);
    assert_eq!(b["preOrder"], o.serving.to_string());
    assert_eq!(b["orderType"], "PICKUP");
    assert_eq!(b["paymentMethod"], "MEAL_VOUCHER");
    assert_eq!(b["payed"], true);
    assert_eq!(b["customer"], json!({"name": "Michael Kaufmann"}));
    assert_eq!(b["items"][0]["itemCode"], "182378");
    assert_eq!(b["items"][0]["quantity"], 1);
    assert_eq!(b["items"][0]["name"], "M1 W2");
    assert_eq!(b["items"][0]["itemType"], "MAIN_DISH");
    assert_eq!(b["items"][0]["items"], json!([]));
    let text = r.text();
    for want in [
        r#""totalPrice":9.00,"totalDiscount":0.00,"payed":true,"tips":0.00,"paymentFee":0.00"#,
        r#""price":4.00"#,
        r#""taxData":{"type":"REDUCED","rate":10.00}"#,
        r#""taxData":{"type":"NORMAL","rate":20.00}"#,
    ] {
        assert!(text.contains(want), "missing {want}\nin {text}");
    }
}

#[test]
fn the_token_is_reused_and_renewed_shortly_before_it_expires() {
    let fake = LiefersoftFake::start();
    fake.set_ttl(40); // renewed 30 s before exp: good for 10 s of our clock
    let c = clock();
    let mut v = vendor(&fake, &c);
    v.place_order(&ls_order(KIOSK_ID), &michael()).unwrap();
    v.restaurant_orders(0, 10).unwrap();
    assert_eq!(fake.logins(), 1);
    c.advance(SignedDuration::from_secs(15));
    v.restaurant_orders(0, 10).unwrap();
    assert_eq!(fake.logins(), 2);
}

#[test]
fn a_401_logs_in_again_and_retries_once() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    v.restaurant_orders(0, 10).unwrap();
    fake.revoke_tokens();
    v.place_order(&ls_order(KIOSK_ID), &michael()).unwrap();
    let routes: Vec<String> = fake
        .server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.route()))
        .collect();
    assert_eq!(routes[2..], ["POST /orders", "POST /login", "POST /orders"]);
    assert_eq!(fake.orders().len(), 1);

    let unauth = Reply::json(401, r#"{"message":"Full authentication is required"}"#);
    fake.inject(Fault::instead("POST", "/orders", unauth.clone()));
    fake.inject(Fault::instead("POST", "/orders", unauth));
    let err = v
        .place_order(&ls_order("second-order"), &michael())
        .unwrap_err();
    assert!(matches!(err, VendorError::Auth(_)), "{err:?}");
    no_secret_in(&err);
}

#[test]
fn a_refused_login_is_an_auth_error_without_the_password() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut settings = liefersoft_settings(&fake.url());
    settings.password = Secret::new("not-the-password-42");
    let v = venue(
        "ls",
        VendorSettings::Liefersoft(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    let mut v = LiefersoftVendor::new(Http::new(&quick_http()), &v, settings, Arc::new(c));
    let err = v.place_order(&ls_order(KIOSK_ID), &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::Auth(ref m) if m.contains("POST /login")),
        "{err}"
    );
    assert_no_secret(&err, &err.to_string(), &["not-the-password-42", PASSWORD]);
}

#[test]
fn documented_rules_are_enforced_before_sending() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    let check = |v: &mut LiefersoftVendor, o: Order, rule: &str| {
        let err = v.place_order(&o, &michael()).unwrap_err();
        match &err {
            VendorError::Rejected(m) => {
                assert!(m.iter().any(|m| m.contains(rule)), "{m:?} lacks {rule}")
            }
            other => panic!("{other:?}"),
        }
    };
    let mut o = ls_order(KIOSK_ID);
    o.lines.clear();
    check(&mut v, o, "items must not be empty");
    let mut o = ls_order(KIOSK_ID);
    o.serving = Timestamp::now()
        .checked_add(SignedDuration::from_hours(7 * 24))
        .unwrap();
    check(&mut v, o, "less than 7 days ahead");
    let mut o = ls_order(KIOSK_ID);
    o.lines[0].article_id = "x".repeat(37);
    check(&mut v, o, "itemCode must be 1–36 characters (is 37)");
    let mut o = ls_order(KIOSK_ID);
    o.lines[0].quantity = 0;
    check(&mut v, o, "quantity must be more than 0");
    let mut o = ls_order(KIOSK_ID);
    o.lines[1].unit_price = Money::from_cents(-1);
    check(&mut v, o, "price must not be negative");
    let mut o = ls_order(KIOSK_ID);
    o.lines = vec![line("free", "Water", 1, 0, Some(2000))];
    check(&mut v, o, "totalPrice must be positive");
    check(
        &mut v,
        ls_order(&"9".repeat(256)),
        "orderId must be 1–255 characters",
    );
    let mut o = ls_order(KIOSK_ID);
    o.lines[0].vat = None;
    check(&mut v, o, "taxData.rate is required");
    assert!(
        fake.server
            .requests()
            .iter()
            .all(|r| r.route() != "/orders"),
        "nothing was sent"
    );

    let mut d = liefersoft::Draft {
        order_id: "x".into(),
        pre_order: Timestamp::now(),
        order_type: "PICKUP".into(),
        payment_method: "CASH".into(),
        customer_name: "A".into(),
        phone_number: Some("+43 1 234".into()),
        postal_code: Some("1010".into()),
        total: Money::from_cents(100),
        discount: Money::ZERO,
        tips: Money::ZERO,
        payment_fee: Money::ZERO,
        items: vec![liefersoft::DraftItem {
            code: "1".into(),
            name: "Soup".into(),
            quantity: 1,
            price: Money::from_cents(100),
            item_type: "MAIN_DISH".into(),
            vat: Some(canteen_kiosk::domain::Percent::from_hundredths(700)),
        }],
    };
    let err = liefersoft::check_rules(&d, Timestamp::now()).unwrap_err();
    assert_eq!(
        err,
        VendorError::Rejected(vec![
            "Liefersoft rule: customer.phoneNumber must be digits only".into()
        ])
    );
    d.phone_number = Some("431234".into());
    d.order_type = "TAKEAWAY".into();
    assert!(
        liefersoft::check_rules(&d, Timestamp::now())
            .unwrap_err()
            .to_string()
            .contains("orderType")
    );
}

#[test]
fn a_lost_create_is_found_by_its_ref_id() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    let o = ls_order(KIOSK_ID);
    assert_eq!(
        v.find_order(&o, &michael(), &Claimed::new()).unwrap(),
        None,
        "404 means: not there"
    );
    fake.inject(Fault::after("POST", "/orders", Reply::Drop));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(err.may_have_arrived(), "{err:?}");
    let found = v
        .find_order(&o, &michael(), &Claimed::new())
        .unwrap()
        .unwrap();
    assert_eq!(found.vendor_ref, Some(fake.orders()[0].id.clone()));
    assert_eq!(
        (found.state, found.raw_status.as_str()),
        (RemoteState::Sent, "ACCEPTED")
    );
    let r = fake.server.requests().pop().unwrap();
    assert_eq!(r.path, format!("/orders/{KIOSK_ID}/ref"));
}

#[test]
fn status_polling_and_the_restaurant_page() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    assert_eq!(v.min_status_interval(), Duration::from_secs(120));
    let ids = ["a-1", "a-2", "a-3"];
    let mut orders = Vec::new();
    for id in ids {
        let mut o = ls_order(id);
        o.vendor_ref = v.place_order(&o, &michael()).unwrap().vendor_ref;
        o.state = OrderState::Sent;
        orders.push(o);
    }
    for (id, status) in [
        ("a-1", "PROCESSING"),
        ("a-2", "CANCELED"),
        ("a-3", "SOMETHING_NEW"),
    ] {
        fake.set_status(id, status);
    }
    let s = v.order_status(&orders[0], &michael()).unwrap().unwrap();
    assert_eq!(s.state, RemoteState::Confirmed);
    assert_eq!(
        fake.server.requests().pop().unwrap().path,
        format!("/orders/{}", orders[0].vendor_ref.as_ref().unwrap())
    );

    let page = v.restaurant_orders(0, 2).unwrap();
    assert_eq!(
        (
            page.orders.len(),
            page.total_elements,
            page.total_pages,
            page.last
        ),
        (2, 3, 2, false)
    );
    assert_eq!(
        fake.server.requests().pop().unwrap().path,
        "/restaurantId-123/orders?page=0&size=2"
    );

    let mut updates = v.poll_updates(&orders).unwrap();
    updates.sort_by(|a, b| a.order_id.cmp(&b.order_id));
    let got: Vec<(Option<String>, RemoteState)> = updates
        .into_iter()
        .map(|u| (u.order_id, u.remote.state))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("a-1".into()), RemoteState::Confirmed),
            (Some("a-2".into()), RemoteState::KitchenCancelled),
            (Some("a-3".into()), RemoteState::Unrecognised),
        ]
    );
}

/// What an error must look like.
type Expect = fn(&VendorError) -> bool;

#[test]
fn error_statuses_and_broken_answers_are_classified() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    let o = ls_order(KIOSK_ID);
    let spring = r#"{"timestamp":"2026-02-11T10:15:00Z","status":400,"error":"Bad Request","message":"preOrder: must be less than 7 days from now","path":"/orders"}"#;
    let cases: Vec<(Reply, Expect)> = vec![
        (Reply::json(400, spring), |e| {
            *e == VendorError::Rejected(vec!["preOrder: must be less than 7 days from now".into()])
        }),
        (
            Reply::json(
                409,
                r#"{"errors":[{"field":"orderId","defaultMessage":"already used"}]}"#,
            ),
            |e| *e == VendorError::Rejected(vec!["orderId: already used".into()]),
        ),
        (Reply::text(500, "oops"), |e| {
            matches!(e, VendorError::NoAnswer(_))
        }),
        (Reply::status(503).with_header("Retry-After", "30"), |e| {
            *e == VendorError::RateLimited {
                retry_after: Some(Duration::from_secs(30)),
            }
        }),
        (Reply::json(202, r#"{"remoteResponse":{"id":"x""#), |e| {
            matches!(e, VendorError::NoAnswer(_))
        }),
        (
            Reply::truncated(202, r#"{"remoteResponse":{"id":"x"}}"#, 10),
            |e| matches!(e, VendorError::NoAnswer(_)),
        ),
        (Reply::Drop, |e| matches!(e, VendorError::NoAnswer(_))),
        (
            Reply::json(202, r#"{"remoteResponse":{}}"#),
            |e| matches!(e, VendorError::NoAnswer(m) if m.contains("missing field `id`") && m.contains("POST /orders")),
        ),
    ];
    for (reply, ok) in cases {
        fake.inject(Fault::instead("POST", "/orders", reply.clone()));
        let err = v.place_order(&o, &michael()).unwrap_err();
        assert!(ok(&err), "{reply:?} gave {err:?}");
        no_secret_in(&err);
    }
    let extra = r#"{"remoteResponse":{"id":"8c5cbd97","trace":"t-1"},"links":[]}"#;
    fake.inject(Fault::instead("POST", "/orders", Reply::json(202, extra)));
    assert_eq!(
        v.place_order(&o, &michael()).unwrap().vendor_ref.as_deref(),
        Some("8c5cbd97")
    );

    let late =
        Reply::json(202, r#"{"remoteResponse":{"id":"late"}}"#).delayed(Duration::from_millis(900));
    fake.inject(Fault::instead("POST", "/orders", late));
    let started = Instant::now();
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(800));
    assert!(
        matches!(err, VendorError::NoAnswer(ref m) if m.contains("POST /orders")),
        "{err:?}"
    );
    no_secret_in(&err);
}

#[test]
fn webhooks_are_registered_updated_listed_and_deleted() {
    let fake = LiefersoftFake::start();
    let c = clock();
    let mut v = vendor(&fake, &c);
    let w = WebhookSettings {
        listen: "127.0.0.1:0".into(),
        public_url: "https://kiosk.example.com/liefersoft".into(),
        secret: Secret::new("0123456789abcdef-webhook"),
    };
    let created = v.register_webhook(&w).unwrap();
    assert_eq!(created.url, w.public_url);
    let post = fake.server.requests().pop().unwrap();
    assert!(post.is("POST", "/webhooks"));
    assert_eq!(
        post.json(),
        json!({"secret": "0123456789abcdef-webhook", "url": "https://kiosk.example.com/liefersoft"})
    );
    // Registering again updates the same webhook (e.g. a new secret).
    let again = v
        .register_webhook(&WebhookSettings {
            secret: Secret::new("fedcba9876543210-new"),
            ..w.clone()
        })
        .unwrap();
    assert_eq!(again.id, created.id);
    assert!(
        fake.server
            .requests()
            .pop()
            .unwrap()
            .is("PUT", &format!("/webhooks/{}", created.id))
    );
    assert_eq!(v.list_webhooks().unwrap(), vec![created.clone()]);
    v.delete_webhook(&created.id).unwrap();
    assert!(v.list_webhooks().unwrap().is_empty());
    // Checked before anything is sent.
    let before = fake.server.count();
    let err = v
        .create_webhook("http://kiosk.example.com/x", &Secret::new("short"))
        .unwrap_err();
    assert!(
        matches!(err, VendorError::Rejected(ref m) if m.len() == 2),
        "{err:?}"
    );
    assert_eq!(fake.server.count(), before);
}

// ---------------------------------------------------------------------------------------------
// Webhook receiver
// ---------------------------------------------------------------------------------------------

#[test]
fn the_documents_signature_example_verifies_and_a_tampered_body_does_not() {
    let secret = Secret::new(WEBHOOK_EXAMPLE_SECRET);
    assert!(webhook::verify_signature(
        &secret,
        WEBHOOK_EXAMPLE,
        WEBHOOK_EXAMPLE_SIGNATURE
    ));
    assert_eq!(
        webhook::sign(&secret, WEBHOOK_EXAMPLE),
        WEBHOOK_EXAMPLE_SIGNATURE
    );
    let tampered = String::from_utf8(WEBHOOK_EXAMPLE.to_vec())
        .unwrap()
        .replace("15.5", "1.55");
    assert!(!webhook::verify_signature(
        &secret,
        tampered.as_bytes(),
        WEBHOOK_EXAMPLE_SIGNATURE
    ));
    assert!(!webhook::verify_signature(
        &Secret::new("secret-124"),
        WEBHOOK_EXAMPLE,
        WEBHOOK_EXAMPLE_SIGNATURE
    ));

    let ev = webhook::parse_event(WEBHOOK_EXAMPLE).unwrap();
    assert_eq!(
        (ev.event_id.as_str(), ev.event_type.as_str()),
        ("ev-123", "ORDER_CONFIRMED")
    );
    let u = webhook::event_update(&ev);
    assert_eq!(u.order_id.as_deref(), Some("123-444"));
    assert_eq!(u.remote.vendor_ref.as_deref(), Some("order-123"));
    assert_eq!(u.remote.state, RemoteState::Confirmed);
    assert!(webhook::parse_event(b"{\"eventId\":1}").is_err());
}

/// Sends a raw HTTP request to the listener and returns the status code.
fn post_event(addr: std::net::SocketAddr, body: &[u8], signature: Option<&str>) -> u16 {
    post_raw(addr, body, signature, body.len())
}

/// Like [`post_event`], with any Content-Length.
fn post_raw(
    addr: std::net::SocketAddr,
    body: &[u8],
    signature: Option<&str>,
    length: usize,
) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let sig = signature
        .map(|v| format!("X-Signature-SHA256: {v}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /liefersoft HTTP/1.1\r\nHost: kiosk\r\nContent-Type: application/json;charset=UTF-8\r\n{sig}Content-Length: {length}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A receiver of venue "ls" that keeps events in a real store file; `kept` hears of each new
/// one. Returns the address and a second connection to the store, to look at what was kept.
fn receiver(dir: &std::path::Path) -> (std::net::SocketAddr, Store, mpsc::Receiver<()>) {
    let (addr, store, kept, _) = counted_receiver(dir);
    (addr, store, kept)
}

/// [`receiver`], and the metrics it counts its answers into.
fn counted_receiver(
    dir: &std::path::Path,
) -> (
    std::net::SocketAddr,
    Store,
    mpsc::Receiver<()>,
    Arc<Metrics>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let path = dir.join("kiosk.sqlite3");
    let (store, _) = Store::open(&path).unwrap();
    let keeper = webhook::StoreKeeper {
        store: Store::connect(&path).unwrap(),
        venue: "ls".into(),
        clock: Arc::new(clock()),
    };
    let (tx, kept) = mpsc::channel::<()>();
    let tx = std::sync::Mutex::new(tx);
    let metrics = Arc::new(Metrics::new());
    let routes = webhook::router(
        &["/liefersoft".to_string()],
        Secret::new(WEBHOOK_EXAMPLE_SECRET),
        Box::new(keeper),
        move || tx.lock().unwrap().send(()).unwrap(),
        webhook::Counted {
            metrics: metrics.clone(),
            venue: "ls".into(),
        },
    );
    Server::start(listener, routes, Limits::default()).unwrap();
    (addr, store, kept, metrics)
}

/// The updates the kept events mean, oldest first.
fn kept_updates(store: &Store) -> Vec<RemoteUpdate> {
    store
        .webhook_events_to_apply(100)
        .unwrap()
        .iter()
        .map(|e| webhook::event_update(&webhook::parse_event(e.body.as_bytes()).unwrap()))
        .collect()
}

#[test]
fn the_listener_checks_signatures_drops_duplicates_and_refuses_garbage() {
    let dir = temp_dir("webhook-listener");
    let (addr, store, kept, metrics) = counted_receiver(&dir);
    let secret = Secret::new(WEBHOOK_EXAMPLE_SECRET);

    assert_eq!(
        post_event(addr, WEBHOOK_EXAMPLE, Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        200
    );
    kept.recv_timeout(Duration::from_secs(1)).unwrap();
    let u = &kept_updates(&store)[0];
    assert_eq!(
        (u.order_id.as_deref(), u.remote.state.clone()),
        (Some("123-444"), RemoteState::Confirmed)
    );
    // Liefersoft retries: the same event again is acknowledged and dropped.
    assert_eq!(
        post_event(addr, WEBHOOK_EXAMPLE, Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        200
    );
    let tampered = String::from_utf8(WEBHOOK_EXAMPLE.to_vec())
        .unwrap()
        .replace("ORDER_CONFIRMED", "ORDER_CANCELLED");
    assert_eq!(
        post_event(addr, tampered.as_bytes(), Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        401
    );
    assert_eq!(post_event(addr, WEBHOOK_EXAMPLE, None), 401);
    let junk = b"{\"eventId\":\"ev-9\",";
    assert_eq!(
        post_event(addr, junk, Some(&webhook::sign(&secret, junk))),
        400
    );
    // Refused on its announced length, before a byte of it is read.
    assert_eq!(post_raw(addr, b"", Some("x"), webhook::MAX_BODY + 1), 413);
    // A new, correctly signed event goes through.
    let processed = String::from_utf8(WEBHOOK_EXAMPLE.to_vec())
        .unwrap()
        .replace("ev-123", "ev-124")
        .replace("ORDER_CONFIRMED", "ORDER_PROCESSED");
    let sig = webhook::sign(&secret, processed.as_bytes());
    assert_eq!(post_event(addr, processed.as_bytes(), Some(&sig)), 200);
    kept.recv_timeout(Duration::from_secs(1)).unwrap();
    let states: Vec<RemoteState> = kept_updates(&store)
        .iter()
        .map(|u| u.remote.state.clone())
        .collect();
    assert_eq!(
        states,
        [RemoteState::Confirmed, RemoteState::Done],
        "exactly two kept"
    );
    assert!(kept.try_recv().is_err(), "the repeat woke nobody");
    // Counted as answered: two new and one repeat acknowledged; the 413 never reached the
    // receiver.
    assert_eq!(metrics.webhook_accepted("ls"), 3);
    assert_eq!(
        metrics.webhook_refused("ls", WebhookRefusal::BadSignature),
        2
    );
    assert_eq!(metrics.webhook_refused("ls", WebhookRefusal::BadBody), 1);
    assert_eq!(metrics.webhook_refused("ls", WebhookRefusal::NotKept), 0);
}

/// An event that cannot be kept (the store refuses writes) is answered 503, so the platform
/// sends it again; once the store takes it, the repeat is kept and answered 200.
#[test]
fn an_event_that_cannot_be_kept_is_not_acknowledged() {
    let dir = temp_dir("webhook-unkept");
    let (addr, store, kept) = receiver(&dir);
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON webhook_events
         BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
    )
    .unwrap();
    assert_eq!(
        post_event(addr, WEBHOOK_EXAMPLE, Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        503
    );
    assert!(kept.try_recv().is_err());
    raw.execute_batch("DROP TRIGGER refuse").unwrap();
    assert_eq!(
        post_event(addr, WEBHOOK_EXAMPLE, Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        200
    );
    kept.recv_timeout(Duration::from_secs(1)).unwrap();
    assert_eq!(kept_updates(&store).len(), 1);
}

/// The receiver serves several connections at once: a client trickling its request does
/// not hold up a signed event on another connection.
#[test]
fn a_slow_client_does_not_hold_up_a_signed_event() {
    let dir = temp_dir("webhook-slow");
    let (addr, _store, kept) = receiver(&dir);
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"POST /liefersoft HTTP/1.1\r\nHost: ki")
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));

    let started = Instant::now();
    assert_eq!(
        post_event(addr, WEBHOOK_EXAMPLE, Some(WEBHOOK_EXAMPLE_SIGNATURE)),
        200
    );
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(kept.recv_timeout(Duration::from_secs(1)).is_ok());
    drop(slow);
}

/// The kitchen's list: every restaurant order on the asked days, placed on its local day in
/// the venue's zone (Vienna), with its customer, items and status; orders without a
/// `preOrder` cannot be placed and are left out.
#[test]
fn the_restaurants_orders_are_listed_by_local_day() {
    let fake = LiefersoftFake::start();
    fake.add_order(
        "web-1",
        "Erika Muster",
        Some("2026-02-13T11:00:00Z"),
        "PROCESSING",
        &[("Schnitzel", 2, "4.5")],
    );
    // 23:30 UTC is 00:30 the next day in Vienna; a local time without offset is Vienna's.
    fake.add_order(
        "web-2",
        "Night Owl",
        Some("2026-02-13T23:30:00Z"),
        "ACCEPTED",
        &[],
    );
    fake.add_order(
        "web-3",
        "Local Time",
        Some("2026-02-13T12:15:00"),
        "CANCELED",
        &[],
    );
    fake.add_order(
        "web-4",
        "Next Week",
        Some("2026-02-20T11:00:00Z"),
        "ACCEPTED",
        &[],
    );
    fake.add_order("phone-1", "No Date", None, "ACCEPTED", &[]);
    let clock = clock();
    let mut v = vendor(&fake, &clock);
    let days: Vec<jiff::civil::Date> = ["2026-02-13", "2026-02-14"]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
    let list = v
        .venue_orders(&days)
        .unwrap()
        .expect("Liefersoft has a list");
    assert!(list.complete);
    let got: Vec<(&str, String, &str, OrderState)> = list
        .orders
        .iter()
        .map(|o| {
            (
                o.ref_id.as_str(),
                o.day.to_string(),
                o.customer.as_str(),
                o.state,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "web-1",
                "2026-02-13".into(),
                "Erika Muster",
                OrderState::Confirmed
            ),
            ("web-2", "2026-02-14".into(), "Night Owl", OrderState::Sent),
            (
                "web-3",
                "2026-02-13".into(),
                "Local Time",
                OrderState::KitchenCancelled
            ),
        ]
    );
    let schnitzel = &list.orders[0].lines[0];
    assert_eq!(
        (
            schnitzel.name.as_str(),
            schnitzel.quantity,
            schnitzel.unit_price
        ),
        ("Schnitzel", 2, Some(Money::from_cents(450)))
    );
    // Every listed order also comes back as an update (for the kiosk's own ones).
    assert_eq!(list.updates.len(), 5);
}

/// A restaurant with more orders than the kiosk reads (20 pages of 100): the list is marked
/// incomplete, and the kiosk stops after the 20th page.
#[test]
fn a_list_longer_than_the_kiosk_reads_is_marked_incomplete() {
    let fake = LiefersoftFake::start();
    for n in 0..2001 {
        fake.add_order(
            &format!("web-{n}"),
            "Someone",
            Some("2026-02-13T11:00:00Z"),
            "ACCEPTED",
            &[],
        );
    }
    let clock = clock();
    let mut v = vendor(&fake, &clock);
    let list = v
        .venue_orders(&["2026-02-13".parse().unwrap()])
        .unwrap()
        .unwrap();
    assert!(!list.complete);
    assert_eq!(list.orders.len(), 2000);
    assert_eq!(fake.list_calls(), 20);
}
