//! The API Order Mesa adapter against a fake hub on 127.0.0.1 (tests/support/order_mesa.rs).

mod support;

use canteen_kiosk::config::{OrderMesaSettings, VendorSettings};
use canteen_kiosk::domain::{Clock, CutoffRules, ManualClock, Order, OrderState};
use canteen_kiosk::vendors::http::Http;
use canteen_kiosk::vendors::order_mesa::{ORDERS_PER_PASS, OrderMesaVendor};
use canteen_kiosk::vendors::{Claimed, RemoteState, Vendor, VendorError};
use jiff::SignedDuration;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::order_mesa::{CREDENTIAL, OrderMesaFake};
use support::server::{Fault, Reply};
use support::*;

const O1: &str = "29261444-5ff8-40b2-bce1-42848247d4a2";
const O2: &str = "7d1c0e55-1111-4a2b-9c3d-000000000002";

fn sao_paulo() -> CutoffRules {
    CutoffRules {
        time_zone: jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap(),
        serving_time: jiff::civil::time(12, 0, 0, 0),
        preorder_delta: SignedDuration::from_secs(3600),
        cancellation_cutoff: SignedDuration::from_secs(3600),
        allow_cancel: false,
    }
}

fn vendor_with(settings: OrderMesaSettings) -> OrderMesaVendor {
    let v = venue(
        "mesa",
        VendorSettings::OrderMesa(settings.clone()),
        "BRL",
        sao_paulo(),
    );
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new("2026-02-11T10:20:24Z".parse().unwrap()));
    OrderMesaVendor::new(Http::new(&quick_http()), &v, settings, clock)
}

fn vendor(fake: &OrderMesaFake) -> OrderMesaVendor {
    vendor_with(mesa_settings(&fake.url()))
}

/// Served 2026-02-13 12:00 in São Paulo (15:00Z): A FRANCESA ×2 at 69.90, AERADO at 32.99.
fn mesa_order(id: &str) -> Order {
    order(
        id,
        "mesa",
        "2026-02-13",
        "2026-02-13T15:00:00Z",
        vec![
            line("1", "A FRANCESA", 2, 6990, None),
            line("2", "AERADO", 1, 3299, None),
        ],
    )
}

fn sent(mut o: Order) -> Order {
    o.state = OrderState::Sent;
    o
}

fn no_credential_in(err: &VendorError) {
    assert_no_secret(err, &err.to_string(), &[CREDENTIAL]);
}

#[test]
fn new_order_carries_the_documented_body() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let remote = v.place_order(&mesa_order(O1), &michael()).unwrap();
    assert_eq!(remote.state, RemoteState::Sent);
    assert_eq!(remote.vendor_ref.as_deref(), Some(O1));
    assert_eq!(remote.raw_status, "200");

    let r = &fake.server.requests()[0];
    assert!(r.is("POST", "/order/newOrder"));
    assert_eq!(r.header("x-api-key"), Some(CREDENTIAL));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let b = r.json();
    assert_eq!(
        b["integrationHubServiceId"],
        "3fea8768-bbd9-454b-9e7b-40841e9a6812"
    );
    let d = &b["data"];
    assert_eq!(d["id"], O1);
    assert_eq!(d["type"], "TABLE");
    assert_eq!(d["displayId"], "292614");
    // Local São Paulo times without a zone: created 10:15Z, sent 10:20:24Z, preparation
    // starts when ordering closes (12:00 − 1 h).
    assert_eq!(d["createdAt"], "2026-02-11T07:15:00");
    assert_eq!(d["orderTiming"], "2026-02-11T07:20:24");
    assert_eq!(d["preparationStartDateTime"], "2026-02-13T11:00:00");
    assert_eq!(
        d["merchant"],
        json!({"id": "c312d2ff-1a8f-40ad-8eed-9ae9a908df6e", "name": "BOTECO DO ALBINO"})
    );
    let item = &d["items"][0];
    assert_eq!(item["id"], "1");
    assert_eq!(item["index"], "1");
    assert_eq!(item["name"], "A FRANCESA");
    assert_eq!(item["externalCode"], "1");
    assert_eq!(item["unit"], "UN");
    assert_eq!(item["quantity"], 2);
    assert_eq!(item["options"], json!([]));
    assert_eq!(d["items"][1]["index"], "2");
    assert_eq!(d["otherFees"], json!([]));
    assert_eq!(d["discounts"], json!([]));
    assert_eq!(d["extraInfo"], "Michael Kaufmann");
    assert_eq!(
        d["table"],
        json!({"waiterCode": "141.88", "tableNumber": "8", "chairNumber": "1"})
    );
    for null in ["delivery", "schedule", "indoor", "takeout", "card"] {
        assert!(d[null].is_null(), "{null}");
    }
    // Money as JSON numbers with two decimals, adding up: 2 × 69.90 + 32.99 = 172.79.
    let text = r.text();
    for want in [
        r#""unitPrice":{"value":69.90,"currency":"R$"},"optionsPrice":{"value":0.00,"currency":"R$"},"totalPrice":{"value":139.80,"currency":"R$"}"#,
        r#""total":{"items":172.79,"otherFees":0.00,"discount":0.00,"orderAmount":172.79,"additionalFees":0.00,"deliveryFee":0.00}"#,
        r#""payments":{"prepaid":0.00,"pending":0.00,"methods":[{"value":172.79,"currency":"BRL","type":"PREPAID","method":"credit","methodInfo":"Visa","changeFor":0.00}]}"#,
    ] {
        assert!(text.contains(want), "missing {want}\nin {text}");
    }
}

#[test]
fn a_resend_is_the_same_order_and_find_order_says_resend() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let o = mesa_order(O1);
    fake.inject(Fault::after("POST", "/order/newOrder", Reply::Drop));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert!(err.may_have_arrived(), "{err:?}");
    // No lookup: resending the same data.id is the documented reconciliation.
    assert_eq!(v.find_order(&o, &michael(), &Claimed::new()).unwrap(), None);
    v.place_order(&o, &michael()).unwrap();
    assert_eq!(fake.order_ids(), vec![O1.to_string()]);
    let bodies = fake.state.lock().unwrap().bodies.clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["data"]["id"], bodies[1]["data"]["id"]);
    assert_eq!(
        bodies[0]["data"]["displayId"],
        bodies[1]["data"]["displayId"]
    );
    // An id that is not the kiosk's UUID could be a second order: not resent blindly.
    let odd = mesa_order("legacy-7");
    assert!(matches!(
        v.find_order(&odd, &michael(), &Claimed::new()),
        Err(VendorError::Unsupported(_))
    ));
}

#[test]
fn documented_errors_are_classified() {
    let fake = OrderMesaFake::start();
    let o = mesa_order(O1);
    let mut v = vendor(&fake);
    let bad = r#"{"errors":[{"key":"displayId","message":"body.data.displayId must be a string"},{"key":"merchant","message":"body.data.merchant is required"}]}"#;
    fake.inject(Fault::instead(
        "POST",
        "/order/newOrder",
        Reply::json(400, bad),
    ));
    let err = v.place_order(&o, &michael()).unwrap_err();
    assert_eq!(
        err,
        VendorError::Rejected(vec![
            "body.data.displayId must be a string".into(),
            "body.data.merchant is required".into()
        ])
    );

    let mut s = mesa_settings(&fake.url());
    s.credential = canteen_kiosk::config::Secret::new("wrong-credential-987654");
    let err = vendor_with(s).place_order(&o, &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::Auth(ref m) if m.contains("x-api-key")),
        "{err}"
    );
    assert_no_secret(&err, &err.to_string(), &["wrong-credential-987654"]);

    let mut s = mesa_settings(&fake.url());
    s.new_order_path = "/order/newOrderS".into();
    let err = vendor_with(s).place_order(&o, &michael()).unwrap_err();
    // The URL actually called: a wrong base URL answers the same 403 as a wrong path.
    let called = format!("{}/order/newOrderS", fake.url());
    assert!(
        matches!(err, VendorError::Config(ref m) if m.contains(&called) && m.contains("Missing Authentication Token")),
        "{err}"
    );
    no_credential_in(&err);

    let mut s = mesa_settings(&fake.url());
    s.integration_hub_service_id = "9a1cf326-c962-456f-8c49-c1bb2f340fc6".into();
    let err = vendor_with(s).place_order(&o, &michael()).unwrap_err();
    assert!(
        matches!(err, VendorError::Config(ref m) if m.contains("integrationHubServiceId")),
        "{err}"
    );

    for (reply, transient) in [
        (Reply::text(500, "boom"), true),
        (Reply::text(502, "bad gateway"), true),
    ] {
        fake.inject(Fault::instead("POST", "/order/newOrder", reply));
        let err = v.place_order(&o, &michael()).unwrap_err();
        assert!(
            matches!(err, VendorError::NoAnswer(_)) == transient,
            "{err:?}"
        );
        no_credential_in(&err);
    }
    fake.inject(Fault::instead(
        "POST",
        "/order/newOrder",
        Reply::status(429).with_header("Retry-After", "3"),
    ));
    assert_eq!(
        v.place_order(&o, &michael()).unwrap_err(),
        VendorError::RateLimited {
            retry_after: Some(Duration::from_secs(3))
        }
    );
    assert!(fake.order_ids().is_empty());
}

#[test]
fn timeouts_drops_and_truncated_answers_are_no_answer() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let o = mesa_order(O1);
    let ok = Reply::json(200, r#"{"message":"accepted"}"#);
    for reply in [
        ok.clone().delayed(Duration::from_millis(900)),
        Reply::Drop,
        Reply::truncated(200, r#"{"message":"accepted"}"#, 5),
    ] {
        fake.inject(Fault::after("POST", "/order/newOrder", reply.clone()));
        let started = Instant::now();
        let err = v.place_order(&o, &michael()).unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(800));
        assert!(
            matches!(err, VendorError::NoAnswer(_)),
            "{reply:?} gave {err:?}"
        );
        no_credential_in(&err);
    }
    // Every one of them arrived; the resend that follows is still one order.
    v.place_order(&o, &michael()).unwrap();
    assert_eq!(fake.order_ids().len(), 1);
}

/// The hub received these orders (the kitchen can only cancel what it has).
fn placed(v: &mut OrderMesaVendor, orders: &[Order]) {
    for o in orders {
        v.place_order(o, &michael()).unwrap();
    }
}

fn cancelled_requests(fake: &OrderMesaFake) -> Vec<serde_json::Value> {
    fake.server
        .requests()
        .iter()
        .filter(|r| r.is("POST", "/order/cancelledItems"))
        .map(|r| {
            assert_eq!(r.header("x-api-key"), Some(CREDENTIAL));
            r.json()
        })
        .collect()
}

fn query(key: &str) -> serde_json::Value {
    json!({"integrationHubServiceId": "3fea8768-bbd9-454b-9e7b-40841e9a6812",
           "orderKeyType": "ORDER_ID", "orderKey": [key]})
}

/// ORDER_ID keys: the items carry no order id (`tableCardNumber` is the table), so each order
/// is asked on its own and the items of its answer are its own. The requests are interleaved:
/// both get their 202, then their 208, then their 226.
#[test]
fn cancelled_items_are_asked_per_order_202_208_226() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let (o1, o2) = (sent(mesa_order(O1)), sent(mesa_order(O2)));
    placed(&mut v, &[o1.clone(), o2.clone()]);
    fake.cancel_item(O1, "2", "AERADO", "2026-02-13 09:10:00");
    let queued = mesa_order("5b0c0e55-1111-4a2b-9c3d-000000000003");
    let updates = v.poll_updates(&[o1, o2, queued]).unwrap();
    assert_eq!(updates.len(), 1);
    let u = &updates[0];
    assert_eq!(u.order_id.as_deref(), Some(O1));
    assert_eq!(u.remote.state, RemoteState::KitchenCancelled);
    assert_eq!(
        u.remote.reason.as_deref(),
        Some("AERADO cancelled by ALBINO at 2026-02-13 09:10:00: 55596;")
    );
    let statuses = fake.state.lock().unwrap().answers.clone();
    assert_eq!(statuses, [202, 202, 208, 208, 226, 226]);
    assert_eq!(
        cancelled_requests(&fake),
        [O1, O2, O1, O2, O1, O2].map(query).to_vec()
    );
}

/// The document's own 226 body, item fields exactly as the document has them (no order id,
/// `tableCardNumber` "22" and "23"), answering the request for one order: both items are
/// that order's.
#[test]
fn the_documents_226_answer_for_one_order_cancels_that_order() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let document = r#"{
	"success": true,
	"error": null,
	"integrationHubServiceId": "7056c970-cb11-400f-9d4f-9f30253f3b0b",
	"orderKeyType": "TABLE",
	"orderKey": [
		"22",
		"23"
	],
	"lastestUpdatedStatus": "2024-07-17 16:18:40",
	"items": [
		{
			"id": "39735945",
			"index": "5",
			"name": "MARACUJA",
			"externalCode": "58",
			"quantity": 1,
			"cancellationAgent": "ALBINO",
			"cancellationDateTime": "2024-07-17 14:19:33",
			"cancellationReason": " 55596;",
			"tableCardNumber": "22",
			"productionPoint": "NENHUM"
		},
		{
			"id": "3973594011",
			"index": "19",
			"name": "MARACUJA",
			"externalCode": "58",
			"quantity": 1,
			"cancellationAgent": "ALBINO",
			"cancellationDateTime": "2024-07-17 16:04:27",
			"cancellationReason": " 55596;",
			"tableCardNumber": "23",
			"productionPoint": "NENHUM"
		}
	]
}"#;
    fake.inject(Fault::instead(
        "POST",
        "/order/cancelledItems",
        Reply::json(226, document),
    ));
    let updates = v.poll_updates(&[sent(mesa_order(O1))]).unwrap();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].order_id.as_deref(), Some(O1));
    assert_eq!(updates[0].remote.state, RemoteState::KitchenCancelled);
    assert_eq!(
        updates[0].remote.reason.as_deref(),
        Some(
            "MARACUJA cancelled by ALBINO at 2024-07-17 14:19:33: 55596;; \
             MARACUJA cancelled by ALBINO at 2024-07-17 16:04:27: 55596;"
        )
    );
    assert_eq!(cancelled_requests(&fake), vec![query(O1)]);
}

/// A pass asks about at most ORDERS_PER_PASS orders; the next pass asks the others first.
#[test]
fn a_pass_asks_a_bounded_number_of_orders_taking_turns() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    let n = ORDERS_PER_PASS + 3;
    let orders: Vec<Order> = (0..n)
        .map(|i| sent(mesa_order(&format!("00000000-0000-4000-8000-{i:012}"))))
        .collect();
    placed(&mut v, &orders);
    let last = orders[n - 1].id.clone();
    fake.cancel_item(&last, "2", "AERADO", "2026-02-13 09:10:00");
    assert!(v.poll_updates(&orders).unwrap().is_empty());
    let asked = |fake: &OrderMesaFake, skip: usize| -> std::collections::BTreeSet<String> {
        cancelled_requests(fake)
            .iter()
            .skip(skip)
            .map(|q| q["orderKey"][0].as_str().unwrap().to_string())
            .collect()
    };
    let first = asked(&fake, 0);
    assert_eq!(first.len(), ORDERS_PER_PASS);
    assert!(!first.contains(&last));
    assert_eq!(
        cancelled_requests(&fake).len(),
        3 * ORDERS_PER_PASS,
        "202, 208, 226 each"
    );
    let updates = v.poll_updates(&orders).unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].order_id.as_deref(), Some(last.as_str()));
    let second = asked(&fake, 3 * ORDERS_PER_PASS);
    assert_eq!(second.len(), ORDERS_PER_PASS);
    // The three not asked before come first this time.
    for o in &orders[ORDERS_PER_PASS..] {
        assert!(second.contains(&o.id), "{} not asked", o.id);
    }
}

/// TABLE keys: one request for the table; an item belongs to the one order with a line of
/// its `externalCode` and at least its quantity. Where several orders fit, none is touched.
#[test]
fn table_keys_match_by_code_and_quantity_and_never_guess() {
    let fake = OrderMesaFake::start();
    let mut s = mesa_settings(&fake.url());
    s.order_key_type = "TABLE".into();
    let mut v = vendor_with(s);
    let mut o1 = sent(mesa_order(O1));
    o1.lines.truncate(1); // A FRANCESA ×2 only
    let mut o2 = sent(mesa_order(O2));
    o2.lines.remove(0); // AERADO only
    let o3_id = "0d1c0e55-1111-4a2b-9c3d-000000000009";
    let mut o3 = sent(mesa_order(o3_id));
    o3.lines = vec![line("1", "A FRANCESA", 1, 6990, None)]; // A FRANCESA ×1
    placed(&mut v, &[o1.clone(), o2.clone(), o3.clone()]);
    fake.cancel_item(O2, "2", "AERADO", "2026-02-13 09:10:00");
    // Not on any of the kiosk's orders: no one's.
    fake.cancel_item(O1, "58", "MARACUJA", "2026-02-13 09:11:00");
    // Two portions: only o1 has two.
    fake.cancel_items(O1, "1", "A FRANCESA", 2, "2026-02-13 09:12:00");
    let mut updates = v
        .poll_updates(&[o1.clone(), o2.clone(), o3.clone()])
        .unwrap();
    updates.sort_by(|a, b| a.order_id.cmp(&b.order_id));
    let ids: Vec<_> = updates.iter().map(|u| u.order_id.as_deref()).collect();
    assert_eq!(ids, [Some(O1), Some(O2)]);
    assert_eq!(
        cancelled_requests(&fake)[0]["orderKey"],
        json!(["8"]),
        "the table"
    );

    // One portion of A FRANCESA: both o1 and o3 have it, which one lost it is unknown.
    let fake = OrderMesaFake::start();
    let mut s = mesa_settings(&fake.url());
    s.order_key_type = "TABLE".into();
    let mut v = vendor_with(s);
    placed(&mut v, &[o1.clone(), o3.clone()]);
    fake.cancel_item(o3_id, "1", "A FRANCESA", "2026-02-13 09:12:00");
    assert!(v.poll_updates(&[o1, o3]).unwrap().is_empty());
}

#[test]
fn polling_gives_up_after_the_configured_tries() {
    let fake = OrderMesaFake::start();
    fake.state.lock().unwrap().polls_before_done = 10;
    let mut s = mesa_settings(&fake.url());
    s.cancelled_poll_tries = 3;
    let mut v = vendor_with(s);
    let err = v.poll_updates(&[sent(mesa_order(O1))]).unwrap_err();
    assert!(
        matches!(err, VendorError::NoAnswer(ref m) if m.contains("3 tries")),
        "{err}"
    );
    assert_eq!(fake.server.count(), 3);
    // Nothing to ask about: no request at all.
    assert!(v.poll_updates(&[mesa_order(O1)]).unwrap().is_empty());
    assert_eq!(fake.server.count(), 3);
}

#[test]
fn cancelled_items_answers_extra_missing_and_malformed() {
    let fake = OrderMesaFake::start();
    let mut s = mesa_settings(&fake.url());
    s.cancelled_poll_tries = 1;
    let mut v = vendor_with(s);
    let live = [sent(mesa_order(O1))];
    let extra = format!(
        r#"{{"success":true,"error":null,"items":[{{"id":"1","name":"AERADO","externalCode":"2","quantity":1,"tableCardNumber":"{O1}","cancellationAgent":"ALBINO","brandNew":{{"x":1}}}}],"more":"stuff"}}"#
    );
    fake.inject(Fault::instead(
        "POST",
        "cancelledItems",
        Reply::json(226, extra),
    ));
    assert_eq!(v.poll_updates(&live).unwrap().len(), 1);

    fake.inject(Fault::instead(
        "POST",
        "cancelledItems",
        Reply::json(226, r#"{"success":true,"error":null}"#),
    ));
    let err = v.poll_updates(&live).unwrap_err();
    assert!(
        matches!(err, VendorError::NoAnswer(ref m) if m.contains("missing field `items`")),
        "{err}"
    );

    for reply in [
        Reply::json(226, r#"{"success":true,"items":[{"#),
        Reply::truncated(226, r#"{"success":true,"items":[]}"#, 9),
    ] {
        fake.inject(Fault::instead("POST", "cancelledItems", reply));
        assert!(matches!(
            v.poll_updates(&live),
            Err(VendorError::NoAnswer(_))
        ));
    }
    let bad = r#"{"errors":[{"key":"orderKey","message":"body.orderKey is required"}]}"#;
    fake.inject(Fault::instead(
        "POST",
        "cancelledItems",
        Reply::json(400, bad),
    ));
    assert_eq!(
        v.poll_updates(&live).unwrap_err(),
        VendorError::Rejected(vec!["body.orderKey is required".into()])
    );
}

#[test]
fn no_menu_no_cancel_no_status() {
    let fake = OrderMesaFake::start();
    let mut v = vendor(&fake);
    assert!(matches!(
        v.fetch_menu("2026-02-13".parse().unwrap(), 3),
        Err(VendorError::Unsupported(_))
    ));
    assert!(matches!(
        v.cancel_order(&mesa_order(O1), &michael()),
        Err(VendorError::Unsupported(_))
    ));
    assert_eq!(v.order_status(&mesa_order(O1), &michael()).unwrap(), None);
    assert_eq!(fake.server.count(), 0);
}
