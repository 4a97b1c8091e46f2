//! The Bessa adapter against a fake Bessa on 127.0.0.1 (tests/support/bessa.rs).

mod support;

use canteen_kiosk::config::{Secret, Secrets, VendorSettings};
use canteen_kiosk::domain::{Money, OrderState, Percent};
use canteen_kiosk::vendors::bessa::{self, BessaVendor};
use canteen_kiosk::vendors::http::Http;
use canteen_kiosk::vendors::{Claimed, RemoteState, Vendor, VendorError};
use serde_json::json;
use std::time::{Duration, Instant};
use support::bessa::{BessaFake, CAPTURE_TOKEN, GUEST_TOKEN};
use support::server::{Fault, Reply};
use support::*;

const EMPLOYEE_TOKEN: &str = "e1e2e3e4e5e6e7e8e9e0a1a2a3a4a5a6a7a8a9a0";

fn vendor_with(fake_url: &str, token: Option<&str>, secrets: &Secrets) -> BessaVendor {
    let settings = bessa_settings(fake_url, token);
    let v = venue(
        "bessa",
        VendorSettings::Bessa(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    BessaVendor::new(Http::new(&quick_http()), &v, settings, secrets)
}

fn vendor(fake: &BessaFake) -> BessaVendor {
    vendor_with(&fake.url(), Some(CAPTURE_TOKEN), &Secrets::default())
}

fn no_token_in(err: &VendorError) {
    assert_no_secret(
        err,
        &err.to_string(),
        &[CAPTURE_TOKEN, EMPLOYEE_TOKEN, GUEST_TOKEN],
    );
}

/// The capture's POST /user/orders/ body, exactly.
fn capture_body() -> serde_json::Value {
    json!({
        "customer": {"email": "knapp-2041@bessa.app", "first_name": "Michael", "last_name": "Kaufmann"},
        "date": "2026-02-13T10:00:00.000Z",
        "items": [{"amount": 1, "article": 182378, "name": "M1 W2", "price": 4, "vat": "10.00"}],
        "order_type": 7, "payment_method": "payroll", "total": 4, "venue": 591
    })
}

#[test]
fn places_the_captured_order_with_exactly_the_captured_body() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let remote = v.place_order(&capture_order("k-1"), &michael()).unwrap();
    assert_eq!(remote.vendor_ref.as_deref(), Some("1535066"));
    assert_eq!(remote.vendor_hash.as_deref(), Some("o_xlOaq"));
    assert_eq!(remote.state, RemoteState::Sent);
    assert_eq!(remote.raw_status, "5");

    let reqs = fake.server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert!(r.is("POST", "/v1/user/orders/"), "{} {}", r.method, r.path);
    assert_eq!(r.header("Accept"), Some("application/json"));
    assert_eq!(
        r.header("Authorization"),
        Some(format!("Token {CAPTURE_TOKEN}").as_str())
    );
    assert_eq!(r.header("X-Client-Version"), Some("1.7.0_prod/2026-01-26"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert!(
        r.header("User-Agent")
            .unwrap()
            .starts_with("canteen-kiosk/")
    );
    // Field by field…
    let body = r.json();
    let want = capture_body();
    assert_eq!(body["customer"]["email"], "knapp-2041@bessa.app");
    assert_eq!(body["customer"]["first_name"], "Michael");
    assert_eq!(body["customer"]["last_name"], "Kaufmann");
    assert_eq!(body["date"], "2026-02-13T10:00:00.000Z");
    assert_eq!(body["items"][0]["article"], 182378);
    assert_eq!(body["items"][0]["vat"], "10.00");
    assert_eq!(body["order_type"], 7);
    assert_eq!(body["venue"], 591);
    assert_eq!(body, want);
    // …and as text: numbers in the web app's short form (`4`, not `4.00`).
    assert_eq!(r.text(), want.to_string());
}

#[test]
fn the_email_comes_from_the_employee_number_when_the_badge_has_none() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let mut who = michael();
    who.email = None;
    v.place_order(&capture_order("k-1"), &who).unwrap();
    assert_eq!(
        fake.orders()[0].body["customer"]["email"],
        "knapp-2041@bessa.app"
    );
    who.employee_number = None;
    let err = v.place_order(&capture_order("k-2"), &who).unwrap_err();
    assert!(
        matches!(err, VendorError::Config(ref m) if m.contains("Michael Kaufmann (badge ••11)") && !m.contains("0004711")),
        "{err}"
    );
}

#[test]
fn reads_the_menu_days_dishes_allergens_and_portions() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let days = v.fetch_menu("2026-02-12".parse().unwrap(), 2).unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].day.to_string(), "2026-02-12");
    assert_eq!(days[0].vendor_day_id.as_deref(), Some("692"));
    assert_eq!(days[1].vendor_day_id.as_deref(), Some("698"));
    let m1 = &days[1].articles[0];
    assert_eq!(m1.vendor_id, "182378");
    assert_eq!(m1.name, "M1 W2");
    assert_eq!(m1.price, Money::from_cents(400));
    assert_eq!(m1.vat, Some(Percent::from_hundredths(1000)));
    assert_eq!(m1.allergens, "ACGLM");
    // Kept whole, letters and all: the screen reads the courses from it.
    assert_eq!(
        m1.description,
        "Wiener Schnitzel / Viennese schnitzel (ACGLM)"
    );
    assert_eq!(m1.portions_left, Some(17));
    assert!(m1.is_available());
    let salad = &days[1].articles[1];
    assert_eq!(salad.price, Money::from_cents(550));
    assert!(salad.sold_out && !salad.is_available());
    let routes: Vec<String> = fake
        .server
        .requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        routes,
        [
            "/v1/venues/591/menu/dates/",
            "/v1/venues/591/menu/7/2026-02-12/",
            "/v1/venues/591/menu/7/2026-02-13/"
        ]
    );
}

/// A whole menu in one description, as the canteen serves it: the description is kept as it
/// came (every course, every bracket), the dish's allergens are those of all its courses and
/// of the `allergens` array, and each course keeps its own letters for the screen.
#[test]
fn a_menu_of_three_courses_keeps_every_course_and_all_their_allergens() {
    let fake = BessaFake::start();
    let description = "Gemüsebouillon mit Backerbsen / Vegetable broth with baked peas(ACLM) \
                       Faschierter Braten mit Püree und Karotten / Minced meat roast with mashed \
                       potatoes and carrots(ACGLM) Milchreis / Rice pudding(G)";
    fake.state.lock().unwrap().days[2].items = vec![json!({
        "id": 6980, "article": 178718, "name": "M1 Herzhaftes MI 2",
        "description": description, "price": 5.5, "available_amount": 1,
        "amount_tracking": true, "allergens": ["N"]
    })];
    let mut v = vendor(&fake);
    let days = v.fetch_menu("2026-02-13".parse().unwrap(), 1).unwrap();
    let dish = &days[0].articles[0];
    assert_eq!(dish.description, description);
    assert_eq!(dish.allergens, "ACGLMN");
    let courses = canteen_kiosk::domain::menu_text::lines_for(&dish.description, "en");
    let read: Vec<(&str, &str)> = courses
        .iter()
        .map(|l| (l.text.as_str(), l.allergens.as_str()))
        .collect();
    assert_eq!(
        read,
        [
            ("Vegetable broth with baked peas", "ACLM"),
            (
                "Minced meat roast with mashed potatoes and carrots",
                "ACGLM"
            ),
            ("Rice pudding", "G")
        ]
    );
}

#[test]
fn cancels_with_an_empty_object() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let mut o = capture_order("k-1");
    let placed = v.place_order(&o, &michael()).unwrap();
    o.vendor_ref = placed.vendor_ref;
    let cancelled = v.cancel_order(&o, &michael()).unwrap();
    assert_eq!(cancelled.state, RemoteState::Cancelled);
    assert_eq!(cancelled.vendor_hash.as_deref(), Some("o_xlOaq"));
    let r = fake.server.requests().pop().unwrap();
    assert!(r.is("PATCH", "/v1/user/orders/1535066/cancel/"));
    assert_eq!(r.text(), "{}");
    assert_eq!(fake.orders()[0].state, 9);
}

#[test]
fn a_lost_answer_is_found_among_the_days_orders_and_never_placed_twice() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let o = capture_order("k-1");
    // Not there yet: safe to send.
    assert_eq!(v.find_order(&o, &michael(), &Claimed::new()).unwrap(), None);
    fake.inject(Fault::after("POST", "/user/orders/", Reply::Drop));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(err.may_have_arrived(), "{err:?}");
    let found = v
        .find_order(&o, &michael(), &Claimed::new())
        .unwrap()
        .expect("the order arrived");
    assert_eq!(found.vendor_ref.as_deref(), Some("1535066"));
    assert_eq!(found.state, RemoteState::Sent);
    assert_eq!(fake.orders().len(), 1);
    // A cancelled order of the same dish is not the one we look for.
    fake.set_order_state(1_535_066, 9);
    assert_eq!(v.find_order(&o, &michael(), &Claimed::new()).unwrap(), None);
    // Another dish on that day is not it either.
    fake.set_order_state(1_535_066, 5);
    let other = order(
        "k-2",
        "bessa",
        "2026-02-13",
        "2026-02-13T10:00:00Z",
        vec![line("182379", "M5F", 1, 550, None)],
    );
    assert_eq!(
        v.find_order(&other, &michael(), &Claimed::new()).unwrap(),
        None
    );
}

/// Bessa has no idempotency key, so the look-up counts: with three identical orders at Bessa
/// (the same dish twice for a guest, and once more), each Bessa order is handed to one kiosk
/// order only, the oldest first, and once all are claimed the next kiosk order is "not there".
#[test]
fn identical_orders_are_matched_to_distinct_bessa_orders_oldest_first() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    for i in 0..3 {
        v.place_order(&capture_order(&format!("k-{i}")), &michael())
            .unwrap();
    }
    let mut claimed = Claimed::new();
    let mut matched = Vec::new();
    for i in 0..3 {
        let o = capture_order(&format!("k-{i}"));
        let found = v.find_order(&o, &michael(), &claimed).unwrap().unwrap();
        let id = found.vendor_ref.unwrap();
        claimed.insert(id.clone());
        matched.push(id);
    }
    assert_eq!(matched, ["1535066", "1535067", "1535068"]);
    let fourth = capture_order("k-3");
    assert_eq!(v.find_order(&fourth, &michael(), &claimed).unwrap(), None);
    assert_eq!(fake.orders().len(), 3, "look-ups only read");
}

/// An order without its Bessa id is never cancelled by guessing from the day's list.
#[test]
fn an_order_without_a_bessa_id_is_not_cancelled_by_guessing() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let o = capture_order("k-1");
    v.place_order(&o, &michael()).unwrap();
    let err = v.cancel_order(&o, &michael()).unwrap_err();
    assert!(matches!(err, VendorError::Rejected(_)), "{err:?}");
    assert_eq!(fake.orders()[0].state, 5, "still ordered");
}

#[test]
fn days_no_longer_on_the_menu_are_looked_up_in_the_paged_orders_list() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let day = |d: &str, name: &str| {
        order(
            &format!("k-{d}"),
            "bessa",
            d,
            &format!("{d}T10:00:00Z"),
            vec![line("182378", name, 1, 400, Some(1000))],
        )
    };
    for d in ["2026-02-20", "2026-02-23", "2026-02-24"] {
        v.place_order(&day(d, "M1 W2"), &michael()).unwrap();
    }
    // The oldest is on the second page (page size 2, newest first).
    let found = v
        .find_order(&day("2026-02-20", "M1 W2"), &michael(), &Claimed::new())
        .unwrap()
        .unwrap();
    assert_eq!(found.vendor_ref.as_deref(), Some("1535066"));
    let lists: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter(|r| r.route() == "/v1/user/orders")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
    assert!(
        lists[0].contains("venue=591&deleted__isnull=true&date__gte=2026-02-20&ordering=-date")
    );
    assert_eq!(
        v.find_order(&day("2026-02-20", "M2 Other"), &michael(), &Claimed::new())
            .unwrap(),
        None
    );
}

#[test]
fn status_follows_the_state_code_and_a_vanished_order_was_cancelled_by_the_kitchen() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let mut o = capture_order("k-1");
    o.vendor_ref = v.place_order(&o, &michael()).unwrap().vendor_ref;
    o.state = OrderState::Sent;
    fake.set_order_state(1_535_066, 8);
    let s = v.order_status(&o, &michael()).unwrap().unwrap();
    assert_eq!(
        (s.state, s.raw_status.as_str()),
        (RemoteState::Confirmed, "8")
    );
    fake.set_order_state(1_535_066, 77);
    assert_eq!(
        v.order_status(&o, &michael()).unwrap().unwrap().state,
        RemoteState::Unrecognised
    );
    fake.remove_order(1_535_066);
    let gone = v.order_status(&o, &michael()).unwrap().unwrap();
    assert_eq!(gone.state, RemoteState::KitchenCancelled);
}

#[test]
fn an_employee_token_is_preferred_and_a_missing_one_is_a_config_error() {
    let fake = BessaFake::start();
    fake.state
        .lock()
        .unwrap()
        .tokens
        .push(EMPLOYEE_TOKEN.into());
    let mut secrets = Secrets::default();
    let key = Secrets::bessa_employee_key("bessa", &michael().number);
    secrets.values.insert(key, Secret::new(EMPLOYEE_TOKEN));
    let mut v = vendor_with(&fake.url(), Some(CAPTURE_TOKEN), &secrets);
    v.place_order(&capture_order("k-1"), &michael()).unwrap();
    let r = fake.server.requests().pop().unwrap();
    assert_eq!(
        r.header("Authorization"),
        Some(format!("Token {EMPLOYEE_TOKEN}").as_str())
    );

    let mut none = vendor_with(&fake.url(), None, &Secrets::default());
    let err = none
        .place_order(&capture_order("k-2"), &michael())
        .unwrap_err();
    assert!(
        matches!(err, VendorError::Config(ref m) if m.contains("Michael Kaufmann (badge ••11)")
            && m.contains("bessa.bessa.<badge number>") && !m.contains("0004711")),
        "{err}"
    );
}

#[test]
fn login_returns_the_key_and_never_shows_the_password() {
    let fake = BessaFake::start();
    fake.add_account(
        "knapp-2041@bessa.app",
        "hunter2-long-password",
        EMPLOYEE_TOKEN,
    );
    let http = Http::new(&quick_http());
    let settings = bessa_settings(&fake.url(), None);
    let key = bessa::login(
        &http,
        &settings,
        "knapp-2041@bessa.app",
        &Secret::new("hunter2-long-password"),
    )
    .unwrap();
    assert_eq!(key.expose(), EMPLOYEE_TOKEN);
    let r = &fake.server.requests()[0];
    assert_eq!(
        r.header("Authorization"),
        Some(format!("Token {GUEST_TOKEN}").as_str())
    );
    assert_eq!(
        r.json(),
        json!({"email": "knapp-2041@bessa.app", "password": "hunter2-long-password"})
    );

    let err = bessa::login(
        &http,
        &settings,
        "knapp-2041@bessa.app",
        &Secret::new("wrong-password-123"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        VendorError::Rejected(vec!["Unable to log in with provided credentials.".into()])
    );
    assert_no_secret(&err, &err.to_string(), &["wrong-password-123", GUEST_TOKEN]);
}

#[test]
fn documented_error_bodies_and_statuses_are_classified() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let o = capture_order("k-1");
    let cases = [
        (
            Reply::json(
                400,
                r#"{"non_field_errors":["Bestellschluss vorbei"],"items":["Artikel ausverkauft"]}"#,
            ),
            VendorError::Rejected(vec![
                "items: Artikel ausverkauft".into(),
                "Bestellschluss vorbei".into(),
            ]),
        ),
        (
            Reply::json(
                403,
                r#"{"detail":"You do not have permission to perform this action."}"#,
            ),
            VendorError::Rejected(vec![
                "You do not have permission to perform this action.".into(),
            ]),
        ),
        (
            Reply::json(503, "{}").with_header("Retry-After", "7"),
            VendorError::RateLimited {
                retry_after: Some(Duration::from_secs(7)),
            },
        ),
        (
            Reply::json(429, "{}"),
            VendorError::RateLimited { retry_after: None },
        ),
    ];
    for (reply, want) in cases {
        fake.inject(Fault::instead("POST", "/user/orders/", reply));
        let err = v.place_order(&o, &michael()).unwrap_err();
        assert_eq!(err, want);
        no_token_in(&err);
    }
    fake.inject(Fault::instead(
        "POST",
        "/user/orders/",
        Reply::json(401, r#"{"detail":"Invalid token."}"#),
    ));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::Auth(ref m) if m.contains("badge ••11") && !m.contains("0004711")),
        "{err}"
    );
    no_token_in(&err);
    fake.inject(Fault::instead(
        "POST",
        "/user/orders/",
        Reply::text(500, "Internal Server Error"),
    ));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::NoAnswer(ref m) if m.contains("500")),
        "{err}"
    );
    assert!(err.may_have_arrived());
    // A vendor that echoes the token gets it scrubbed.
    let echo = format!(r#"{{"detail":"Token {CAPTURE_TOKEN} is not valid for venue 591"}}"#);
    fake.inject(Fault::instead(
        "POST",
        "/user/orders/",
        Reply::json(400, echo),
    ));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert_eq!(
        err,
        VendorError::Rejected(vec!["Token *** is not valid for venue 591".into()])
    );
    assert!(fake.orders().is_empty());
}

#[test]
fn a_slow_answer_times_out_as_no_answer() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let late = Reply::json(
        201,
        r#"{"id":1,"hash_id":"o_x","order_state":5,"total":"4.00"}"#,
    );
    fake.inject(Fault::after(
        "POST",
        "/user/orders/",
        late.delayed(Duration::from_millis(900)),
    ));
    let started = Instant::now();
    let err = v
        .place_order(&capture_order("k-1"), &michael())
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "took {:?}",
        started.elapsed()
    );
    assert!(matches!(err, VendorError::NoAnswer(_)), "{err:?}");
    assert!(err.to_string().contains("POST /user/orders/"), "{err}");
    no_token_in(&err);
}

#[test]
fn broken_answers_are_no_answer() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let o = capture_order("k-1");
    let good = r#"{"id":1535066,"hash_id":"o_xlOaq","order_state":5,"total":"4.00"}"#;
    for reply in [
        Reply::Drop,
        Reply::json(201, r#"{"id":1535066,"hash_id":"#),
        Reply::truncated(201, good, 20),
        Reply::json(201, "<html>gateway</html>"),
    ] {
        fake.inject(Fault::after("POST", "/user/orders/", reply.clone()));
        let err = v.place_order(&o, &michael()).unwrap_err();
        assert!(
            matches!(err, VendorError::NoAnswer(_)),
            "{reply:?} gave {err:?}"
        );
        assert!(err.may_have_arrived() && err.is_transient());
        no_token_in(&err);
    }
}

#[test]
fn extra_fields_are_accepted_and_a_missing_id_is_a_clear_error() {
    let fake = BessaFake::start();
    let mut v = vendor(&fake);
    let o = capture_order("k-1");
    let extra = r#"{"id":1535066,"hash_id":"o_xlOaq","order_state":5,"total":"4.00","pickup_code":"A7","venue":{"id":591}}"#;
    fake.inject(Fault::instead(
        "POST",
        "/user/orders/",
        Reply::json(201, extra),
    ));
    assert_eq!(
        v.place_order(&o, &michael()).unwrap().vendor_ref.as_deref(),
        Some("1535066")
    );
    fake.inject(Fault::instead(
        "POST",
        "/user/orders/",
        Reply::json(201, r#"{"hash_id":"o_xlOaq","order_state":5}"#),
    ));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::NoAnswer(ref m) if m.contains("missing field `id`") && m.contains("POST /user/orders/")),
        "{err}"
    );
}

#[test]
fn a_closed_port_is_unreachable() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut v = vendor_with(
        &format!("http://127.0.0.1:{port}/v1"),
        Some(CAPTURE_TOKEN),
        &Secrets::default(),
    );
    let err = v
        .place_order(&capture_order("k-1"), &michael())
        .unwrap_err();
    assert!(matches!(err, VendorError::Unreachable(_)), "{err:?}");
    assert!(!err.may_have_arrived() && err.is_transient());
    no_token_in(&err);
}

/// `canteen-kiosk bessa-login`: the admin types the password once; the employee's key lands
/// in the secrets file (0600), never the password, and orders then go out with that key.
#[test]
fn bessa_login_stores_the_employees_key_in_the_secrets_file() {
    use std::os::unix::fs::PermissionsExt;
    let fake = BessaFake::start();
    let key = "0123456789abcdef0123456789abcdef01234567";
    fake.add_account("knapp-2041@bessa.app", "pw-of-michael", key);
    let dir = temp_dir("bessa-login");
    let secrets = dir.join("secrets.toml");
    let mut config = canteen_kiosk::config::demo(dir.clone());
    config.venues = vec![venue(
        "canteen",
        VendorSettings::Bessa(bessa_settings(&fake.url(), Some(CAPTURE_TOKEN))),
        "EUR",
        vienna_rules(),
    )];
    config.badges = vec![michael()];
    config.http = quick_http();
    config.secrets = Secrets {
        path: Some(secrets.clone()),
        values: Default::default(),
    };
    let mut input: &[u8] = b"pw-of-michael\n";
    canteen_kiosk::admin::bessa_login(&config, "canteen", &michael().number, &mut input).unwrap();
    let text = std::fs::read_to_string(&secrets).unwrap();
    assert!(
        text.contains("bessa.canteen.0004711") && text.contains(key),
        "{text}"
    );
    assert!(
        !text.contains("pw-of-michael"),
        "the password is never stored"
    );
    let mode = std::fs::metadata(&secrets).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A wrong password is refused (exit 1 on the command line) and nothing is written.
    let mut wrong: &[u8] = b"nope\n";
    let err = canteen_kiosk::admin::bessa_login(&config, "canteen", &michael().number, &mut wrong)
        .unwrap_err();
    assert!(
        matches!(err, canteen_kiosk::admin::AdminError::LoginRefused { .. }),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&secrets).unwrap(), text);
}
