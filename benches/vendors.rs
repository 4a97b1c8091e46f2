//! The vendor adapters' own cost: building and reading their bodies, and a whole
//! `place_order` (body → HTTP over loopback → answer read) against the fake vendors the
//! integration tests use (`tests/support/`), which answer at once.
//!
//! Bessa builds and reads its bodies in private functions, so it is measured only through
//! its round trip; Order Mesa's body (`new_order_body`) and Liefersoft's rule check and order
//! parsing are public and measured alone too.

#[path = "../tests/support/mod.rs"]
mod fakes;
mod support;

use canteen_kiosk::config::{Secrets, VendorSettings};
use canteen_kiosk::domain::{Clock, ManualClock, Money, Order, Percent};
use canteen_kiosk::vendors::Vendor;
use canteen_kiosk::vendors::bessa::BessaVendor;
use canteen_kiosk::vendors::http::Http;
use canteen_kiosk::vendors::liefersoft::{
    self, Draft, DraftItem, LiefersoftOrder, LiefersoftVendor,
};
use canteen_kiosk::vendors::order_mesa::OrderMesaVendor;
use criterion::{Criterion, criterion_group, criterion_main};
use fakes::bessa::{BessaFake, CAPTURE_TOKEN};
use fakes::liefersoft::LiefersoftFake;
use fakes::order_mesa::OrderMesaFake;
use fakes::*;
use jiff::{SignedDuration, Timestamp};
use std::hint::black_box;
use std::sync::Arc;

/// A schnitzel and two colas served tomorrow (Liefersoft wants a pre-order within 7 days).
fn tomorrow_order(id: &str, venue: &str) -> Order {
    let serving = Timestamp::now()
        .checked_add(SignedDuration::from_hours(24))
        .unwrap();
    let day = serving.to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    order(
        id,
        venue,
        &day,
        &serving.to_string(),
        vec![
            line("182378", "M1 W2", 1, 400, Some(1000)),
            line("c1l", "Cola", 2, 250, Some(2000)),
        ],
    )
}

fn order_mesa(c: &mut Criterion) {
    let fake = OrderMesaFake::start();
    let settings = mesa_settings(&fake.url());
    let v = venue(
        "om",
        VendorSettings::OrderMesa(settings.clone()),
        "BRL",
        vienna_rules(),
    );
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Timestamp::now()));
    let mut vendor = OrderMesaVendor::new(Http::new(&quick_http()), &v, settings, clock);
    let who = michael();
    let o = tomorrow_order("3b1c2f0e-0000-4000-8000-000000000001", "om");
    let mut g = c.benchmark_group("vendors/order_mesa");
    g.bench_function("new_order_body", |b| {
        b.iter(|| black_box(vendor.new_order_body(&o, &who).unwrap()))
    });
    let mut n = 0u64;
    g.bench_function("place_order round trip (fake hub)", |b| {
        b.iter(|| {
            n += 1;
            let o = tomorrow_order(&format!("3b1c2f0e-0000-4000-8000-{n:012}"), "om");
            black_box(vendor.place_order(&o, &who).unwrap())
        })
    });
    g.finish();
}

fn liefersoft(c: &mut Criterion) {
    let fake = LiefersoftFake::start();
    let settings = liefersoft_settings(&fake.url());
    let v = venue(
        "ls",
        VendorSettings::Liefersoft(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(Timestamp::now()));
    let mut vendor = LiefersoftVendor::new(Http::new(&quick_http()), &v, settings, clock);
    let who = michael();
    let now = Timestamp::now();
    let draft = Draft {
        order_id: "1f0b7c2e-8d4a-4e55-9a61-3b2c1d0e9f88".into(),
        pre_order: now.checked_add(SignedDuration::from_hours(24)).unwrap(),
        order_type: "PICKUP".into(),
        payment_method: "MEAL_VOUCHER".into(),
        customer_name: who.name.clone(),
        phone_number: None,
        postal_code: None,
        total: Money::from_cents(900),
        discount: Money::ZERO,
        tips: Money::ZERO,
        payment_fee: Money::ZERO,
        items: vec![
            DraftItem {
                code: "182378".into(),
                name: "M1 W2".into(),
                quantity: 1,
                price: Money::from_cents(400),
                item_type: "MAIN_DISH".into(),
                vat: Some(Percent::from_hundredths(1000)),
            },
            DraftItem {
                code: "c1l".into(),
                name: "Cola".into(),
                quantity: 2,
                price: Money::from_cents(250),
                item_type: "BEVERAGE".into(),
                vat: Some(Percent::from_hundredths(2000)),
            },
        ],
    };
    let answer = r#"{"id":"6650b2f1c2a4","orderId":"1f0b7c2e-8d4a-4e55-9a61-3b2c1d0e9f88",
        "platformStatus":"PROCESSING","preOrder":"2026-11-20T11:00:00Z","orderType":"PICKUP",
        "customer":{"name":"Michael Kaufmann"},"totalPrice":9.0,
        "items":[{"itemCode":"182378","name":"M1 W2","quantity":1.0,"price":4.0},
                 {"itemCode":"c1l","name":"Cola","quantity":2,"price":2.5}]}"#;
    let mut g = c.benchmark_group("vendors/liefersoft");
    g.bench_function("check_rules", |b| {
        b.iter(|| black_box(liefersoft::check_rules(&draft, now)))
    });
    g.bench_function("parse order", |b| {
        b.iter(|| black_box(serde_json::from_str::<LiefersoftOrder>(black_box(answer)).unwrap()))
    });
    let mut n = 0u64;
    g.bench_function("place_order round trip (fake platform)", |b| {
        b.iter(|| {
            n += 1;
            let o = tomorrow_order(&format!("1f0b7c2e-8d4a-4e55-9a61-{n:012}"), "ls");
            black_box(vendor.place_order(&o, &who).unwrap())
        })
    });
    g.finish();
}

fn bessa(c: &mut Criterion) {
    let fake = BessaFake::start();
    let settings = bessa_settings(&fake.url(), Some(CAPTURE_TOKEN));
    let v = venue(
        "bessa",
        VendorSettings::Bessa(settings.clone()),
        "EUR",
        vienna_rules(),
    );
    let mut vendor = BessaVendor::new(Http::new(&quick_http()), &v, settings, &Secrets::default());
    let who = michael();
    let mut g = c.benchmark_group("vendors/bessa");
    let mut n = 0u64;
    g.bench_function("place_order round trip (fake Bessa)", |b| {
        b.iter(|| {
            n += 1;
            black_box(
                vendor
                    .place_order(&capture_order(&format!("k-{n}")), &who)
                    .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = order_mesa, liefersoft, bessa
}
criterion_main!(benches);
