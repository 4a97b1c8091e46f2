//! Test support shared by the integration tests: a tiny recording HTTP server
//! ([`server::FakeServer`]) and stateful fakes of the three vendors, plus builders for the
//! config pieces and orders the adapters take.
//!
//! Every fake binds 127.0.0.1:0 and runs on its own threads; nothing talks to a real vendor.
//! Sync-engine tests can drive the fakes' state directly (`fake.state.lock()`), inject
//! faults ([`server::Fault`]: answer instead, or process and then lose the answer) and read
//! what the vendor received.
#![allow(dead_code)]

pub mod bessa;
pub mod kiosk;
pub mod liefersoft;
pub mod order_mesa;
pub mod server;

use canteen_kiosk::config::{
    Badge, BessaSettings, HttpSettings, LiefersoftSettings, MenuSource, OrderMesaSettings, Role,
    Secret, VendorSettings, Venue,
};
use canteen_kiosk::domain::{CutoffRules, Money, Order, OrderLine, Percent};
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;

/// The document's webhook example body (the `json:` line of §6.1, byte for byte).
pub const WEBHOOK_EXAMPLE: &[u8] = include_bytes!("liefersoft-webhook-example.json");
pub const WEBHOOK_EXAMPLE_SECRET: &str = "secret-123";
pub const WEBHOOK_EXAMPLE_SIGNATURE: &str = "uSh2b4x8pwcWQhJOLLT9OWvVRUSWxKCvS9Fg6oMxW0k=";

/// A fresh directory for one test under the system temp dir. It is kept after the test, so a
/// failing test leaves its files (config, database, logs) to look at.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    tempfile::Builder::new()
        .prefix(&format!("ck-{name}-"))
        .tempdir()
        .expect("a temp dir")
        .keep()
}

/// Short timeouts: a delayed answer of a few hundred ms is a timeout.
/// The simulated vendor for each venue of `config` (demo venues), as the worker takes them.
pub fn demo_vendors(
    config: &canteen_kiosk::config::Config,
) -> std::collections::HashMap<String, Box<dyn canteen_kiosk::vendors::Vendor>> {
    use canteen_kiosk::vendors::{Vendor, demo::DemoVendor};
    config
        .venues
        .iter()
        .map(|v| {
            (
                v.key.clone(),
                Box::new(DemoVendor::new(v)) as Box<dyn Vendor>,
            )
        })
        .collect()
}

pub fn quick_http() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_millis(500),
        read_timeout: Duration::from_millis(300),
    }
}

pub fn vienna_rules() -> CutoffRules {
    CutoffRules {
        time_zone: jiff::tz::TimeZone::get("Europe/Vienna").unwrap(),
        serving_time: jiff::civil::time(11, 0, 0, 0),
        preorder_delta: SignedDuration::from_secs(3600),
        cancellation_cutoff: SignedDuration::from_secs(3600),
        allow_cancel: true,
    }
}

pub fn venue(key: &str, vendor: VendorSettings, currency: &str, rules: CutoffRules) -> Venue {
    Venue {
        key: key.into(),
        name: format!("Canteen {key}"),
        currency: currency.into(),
        rules,
        vendor,
        menu: MenuSource::Vendor,
    }
}

/// The capture's employee: Michael Kaufmann, knapp-2041@bessa.app.
pub fn michael() -> Badge {
    Badge {
        number: "0004711".into(),
        name: "Michael Kaufmann".into(),
        email: Some("knapp-2041@bessa.app".into()),
        employee_number: Some("2041".into()),
        role: Role::Employee,
    }
}

pub fn bessa_settings(base_url: &str, token: Option<&str>) -> BessaSettings {
    BessaSettings {
        base_url: base_url.into(),
        venue_id: 591,
        order_type: 7,
        menu_type: 7,
        payment_method: "payroll".into(),
        client_version: "1.7.0_prod/2026-01-26".into(),
        token: token.map(Secret::new),
        guest_token: Some(Secret::new(bessa::GUEST_TOKEN)),
        email_pattern: "knapp-{n}@bessa.app".into(),
    }
}

pub fn mesa_settings(base_url: &str) -> OrderMesaSettings {
    OrderMesaSettings {
        base_url: base_url.into(),
        integration_hub_service_id: order_mesa::HUB_ID.into(),
        merchant_id: "c312d2ff-1a8f-40ad-8eed-9ae9a908df6e".into(),
        merchant_name: "BOTECO DO ALBINO".into(),
        new_order_path: order_mesa::NEW_ORDER.into(),
        cancelled_items_path: order_mesa::CANCELLED.into(),
        auth_header: order_mesa::AUTH_HEADER.into(),
        credential: Secret::new(order_mesa::CREDENTIAL),
        order_key_type: "ORDER_ID".into(),
        table_number: "8".into(),
        waiter_code: "141.88".into(),
        payment_type: "PREPAID".into(),
        payment_method: "credit".into(),
        payment_method_info: "Visa".into(),
        cancelled_poll_tries: 5,
        cancelled_poll_delay: Duration::from_millis(10),
    }
}

pub fn liefersoft_settings(base_url: &str) -> LiefersoftSettings {
    LiefersoftSettings {
        base_url: base_url.into(),
        company_id: liefersoft::COMPANY.into(),
        restaurant_id: liefersoft::RESTAURANT.into(),
        login: liefersoft::LOGIN.into(),
        password: Secret::new(liefersoft::PASSWORD),
        order_type: "PICKUP".into(),
        payment_method: "MEAL_VOUCHER".into(),
        item_type: "MAIN_DISH".into(),
        webhook: None,
    }
}

/// One order line: article id, name, quantity, price in cents, VAT in hundredths of a percent.
pub fn line(article: &str, name: &str, qty: u32, cents: i64, vat: Option<i64>) -> OrderLine {
    OrderLine {
        article_id: article.into(),
        name: name.into(),
        quantity: qty,
        unit_price: Money::from_cents(cents),
        vat: vat.map(Percent::from_hundredths),
    }
}

/// A queued order served at `serving` (UTC) on `day`.
pub fn order(id: &str, venue: &str, day: &str, serving: &str, lines: Vec<OrderLine>) -> Order {
    let created: Timestamp = "2026-02-11T10:15:00Z".parse().unwrap();
    Order::new_queued(
        id.into(),
        venue,
        &michael().number,
        day.parse().unwrap(),
        serving.parse().unwrap(),
        lines,
        created,
    )
}

/// The capture's order: one "M1 W2" (article 182378) at 4.00, 10 %, served 2026-02-13 11:00
/// Vienna time.
pub fn capture_order(id: &str) -> Order {
    order(
        id,
        "bessa",
        "2026-02-13",
        "2026-02-13T10:00:00Z",
        vec![line("182378", "M1 W2", 1, 400, Some(1000))],
    )
}

/// Fails the test if any of `secrets` appears in the error's Display or Debug.
pub fn assert_no_secret(err: &impl std::fmt::Debug, shown: &str, secrets: &[&str]) {
    let debug = format!("{err:?}");
    for s in secrets {
        assert!(
            !shown.contains(s),
            "secret leaked into an error message: {shown}"
        );
        assert!(
            !debug.contains(s),
            "secret leaked into an error's Debug: {debug}"
        );
    }
}
