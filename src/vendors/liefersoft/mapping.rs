//! Liefersoft: from the kiosk's orders to the platform's and back, and the documented rules an order must meet (pure functions, no I/O).

use crate::config::{Badge, LiefersoftSettings, Secret};
use crate::domain::{ListedLine, ListedOrder, Money, Order, Percent};
use crate::vendors::http::Reply;
use crate::vendors::{RemoteOrder, RemoteState, VendorError};
use base64::Engine;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use serde_json::value::RawValue;

/// How far ahead `preOrder` may be: "less than 7 days from current time".
const MAX_PREORDER: SignedDuration = SignedDuration::from_hours(7 * 24);
/// At or above this VAT rate an item is NORMAL, below REDUCED. The EU VAT directive puts
/// standard rates at 15 % or more and reduced rates below the standard rate; every member
/// state's reduced rates are under 15 % (DE 7/19, AT 10/13/20): one rule for the whole EU.
const NORMAL_TAX_FROM: Percent = Percent::from_hundredths(1500);

pub const ORDER_TYPES: [&str; 4] = ["COUNTER", "PICKUP", "DELIVERY", "RESTAURANT"];
pub const PAYMENT_METHODS: [&str; 5] = [
    "CASH",
    "MEAL_VOUCHER",
    "ONLINE",
    "CREDIT_CARD_AT_DOORSTEP",
    "EC_AT_DOORSTEP",
];
pub const ITEM_TYPES: [&str; 5] = ["MAIN_DISH", "TOPPING", "BEVERAGE", "BOTTLE_DEPOSIT", "MENU"];

use super::wire::*;

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

/// Every `platformStatus` in one table.
pub fn map_status(status: &str) -> RemoteState {
    match status {
        "ACCEPTED" => RemoteState::Sent,
        "PROCESSING" => RemoteState::Confirmed,
        "PROCESSED" => RemoteState::Done,
        // The document spells the status CANCELED and the event ORDER_CANCELLED; both
        // spellings of the status are read.
        "CANCELED" | "CANCELLED" => RemoteState::KitchenCancelled,
        "PROCESSING_ERROR" => RemoteState::Rejected,
        _ => RemoteState::Unrecognised,
    }
}

pub(super) fn remote_from(o: &LiefersoftOrder) -> RemoteOrder {
    let raw = o.platform_status.clone().unwrap_or_default();
    let state = map_status(&raw);
    let reason = match state {
        RemoteState::KitchenCancelled => Some("cancelled by the restaurant".to_string()),
        RemoteState::Rejected => Some("the platform could not process the order".to_string()),
        _ => None,
    };
    RemoteOrder {
        vendor_ref: o.id.clone(),
        vendor_hash: None,
        state,
        raw_status: raw,
        reason,
    }
}

/// The local service day of a listed order: its `preOrder` (with an offset, or a local time
/// read in the venue's zone). `None` without a readable `preOrder`.
pub(super) fn service_day(o: &LiefersoftOrder, zone: &TimeZone) -> Option<Date> {
    let text = o.pre_order.as_deref()?.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t.to_zoned(zone.clone()).date());
    }
    let local: jiff::civil::DateTime = text.parse().ok()?;
    Some(local.date())
}

/// A restaurant order as the kitchen lists it.
pub(super) fn listed_from(o: &LiefersoftOrder, day: Date) -> ListedOrder {
    let remote = remote_from(o);
    ListedOrder {
        ref_id: o.order_id.clone(),
        day,
        customer: o
            .customer
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default(),
        state: crate::vendors::listed_state(&remote.state),
        raw_status: remote.raw_status,
        reason: remote.reason,
        lines: o
            .items
            .iter()
            .map(|i| ListedLine {
                name: i.name.clone(),
                quantity: i.quantity,
                unit_price: i.price,
            })
            .collect(),
    }
}

/// NORMAL or REDUCED by the rate (see [`NORMAL_TAX_FROM`]).
pub fn tax_type(rate: Percent) -> &'static str {
    if rate >= NORMAL_TAX_FROM {
        "NORMAL"
    } else {
        "REDUCED"
    }
}

/// The `exp` of a JWT, read from its payload (base64url JSON). The signature is not checked:
/// the token comes straight from the login over TLS and is only sent back to the same host;
/// `exp` only decides when to fetch a new one.
pub fn jwt_exp(token: &str) -> Option<Timestamp> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    Timestamp::from_second(claims.get("exp")?.as_i64()?).ok()
}

/// An order ready to be checked against the documented rules and sent.
#[derive(Debug, Clone)]
pub struct Draft {
    pub order_id: String,
    pub pre_order: Timestamp,
    pub order_type: String,
    pub payment_method: String,
    pub customer_name: String,
    pub phone_number: Option<String>,
    pub postal_code: Option<String>,
    pub total: Money,
    pub discount: Money,
    pub tips: Money,
    pub payment_fee: Money,
    pub items: Vec<DraftItem>,
}

#[derive(Debug, Clone)]
pub struct DraftItem {
    pub code: String,
    pub name: String,
    pub quantity: u32,
    pub price: Money,
    pub item_type: String,
    pub vat: Option<Percent>,
}

/// Every documented rule of tables 3–6, checked before sending: all broken rules are named.
pub fn check_rules(d: &Draft, now: Timestamp) -> Result<(), VendorError> {
    let mut broken = Vec::new();
    let mut rule = |ok: bool, text: String| {
        if !ok {
            broken.push(format!("Liefersoft rule: {text}"));
        }
    };
    let id_len = d.order_id.chars().count();
    rule(
        (1..=255).contains(&id_len),
        format!("orderId must be 1–255 characters (is {id_len})"),
    );
    rule(
        ORDER_TYPES.contains(&d.order_type.as_str()),
        format!("orderType {:?} is not one of {ORDER_TYPES:?}", d.order_type),
    );
    rule(
        PAYMENT_METHODS.contains(&d.payment_method.as_str()),
        format!(
            "paymentMethod {:?} is not one of {PAYMENT_METHODS:?}",
            d.payment_method
        ),
    );
    rule(
        d.total > Money::ZERO,
        format!("totalPrice must be positive (is {})", d.total),
    );
    for (name, m) in [
        ("totalDiscount", d.discount),
        ("tips", d.tips),
        ("paymentFee", d.payment_fee),
    ] {
        rule(
            m >= Money::ZERO,
            format!("{name} must not be negative (is {m})"),
        );
    }
    let ahead = now.duration_until(d.pre_order);
    rule(
        ahead < MAX_PREORDER,
        format!("preOrder {} must be less than 7 days ahead", d.pre_order),
    );
    for (name, v) in [
        ("phoneNumber", &d.phone_number),
        ("postalCode", &d.postal_code),
    ] {
        if let Some(v) = v {
            rule(
                !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
                format!("customer.{name} must be digits only"),
            );
        }
    }
    rule(!d.items.is_empty(), "items must not be empty".into());
    for item in &d.items {
        let n = item.code.chars().count();
        let what = format!("item {:?}", item.name);
        rule(
            (1..=36).contains(&n),
            format!("{what}: itemCode must be 1–36 characters (is {n})"),
        );
        rule(
            !item.name.trim().is_empty(),
            format!("{what}: name must not be empty"),
        );
        rule(
            item.quantity > 0,
            format!("{what}: quantity must be more than 0"),
        );
        rule(
            item.price >= Money::ZERO,
            format!("{what}: price must not be negative"),
        );
        rule(
            ITEM_TYPES.contains(&item.item_type.as_str()),
            format!("{what}: itemType {:?} is unknown", item.item_type),
        );
        rule(
            item.vat.is_some(),
            format!("{what}: taxData.rate is required and the menu gives no VAT"),
        );
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(VendorError::Rejected(broken))
    }
}

/// The create body of a checked draft.
pub(super) fn create_body(d: &Draft, payed: bool) -> CreateOrder {
    let rate =
        |p: Percent| RawValue::from_string(p.to_decimal_string()).expect("a decimal is JSON");
    CreateOrder {
        order_id: d.order_id.clone(),
        pre_order: d.pre_order.to_string(),
        order_type: d.order_type.clone(),
        platform_name: "canteen-kiosk",
        customer: Customer {
            name: d.customer_name.clone(),
            postal_code: d.postal_code.clone(),
            phone_number: d.phone_number.clone(),
        },
        total_price: d.total.to_json_number(),
        total_discount: d.discount.to_json_number(),
        payed,
        tips: d.tips.to_json_number(),
        payment_fee: d.payment_fee.to_json_number(),
        payment_method: d.payment_method.clone(),
        items: d
            .items
            .iter()
            .map(|i| {
                let vat = i.vat.unwrap_or_default();
                CreateItem {
                    item_code: i.code.clone(),
                    quantity: i.quantity,
                    price: i.price.to_json_number(),
                    name: i.name.clone(),
                    item_type: i.item_type.clone(),
                    tax_data: TaxData {
                        kind: tax_type(vat),
                        rate: rate(vat),
                    },
                    items: Vec::new(),
                }
            })
            .collect(),
    }
}

/// A canteen has no tips, no delivery and no discount; the total is the lines' sum.
pub(super) fn draft(order: &Order, who: &Badge, s: &LiefersoftSettings) -> Draft {
    Draft {
        order_id: order.id.clone(),
        pre_order: order.serving,
        order_type: s.order_type.clone(),
        payment_method: s.payment_method.clone(),
        customer_name: who.name.clone(),
        phone_number: None,
        postal_code: None,
        total: order.total(),
        discount: Money::ZERO,
        tips: Money::ZERO,
        payment_fee: Money::ZERO,
        items: order
            .lines
            .iter()
            .map(|l| DraftItem {
                code: l.article_id.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                price: l.unit_price,
                item_type: s.item_type.clone(),
                vat: l.vat,
            })
            .collect(),
    }
}

/// `payed`: nothing is collected at the counter when the employer settles (MEAL_VOUCHER) or
/// the order was paid online; cash and at-the-door methods are not yet paid.
pub(super) fn is_prepaid(payment_method: &str) -> bool {
    matches!(payment_method, "ONLINE" | "MEAL_VOUCHER")
}

/// The messages of a Spring error body (`message`, `detail`, `errors[]`).
pub(super) fn spring_messages(reply: &Reply) -> Vec<String> {
    let Some(v) = reply.json_value() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in ["message", "detail"] {
        if let Some(s) = v.get(key).and_then(Value::as_str) {
            out.push(s.to_string());
        }
    }
    for e in v
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match e {
            Value::String(s) => out.push(s.clone()),
            Value::Object(m) => {
                let msg = m
                    .get("defaultMessage")
                    .or_else(|| m.get("message"))
                    .and_then(Value::as_str);
                let field = m.get("field").and_then(Value::as_str);
                match (field, msg) {
                    (Some(f), Some(msg)) => out.push(format!("{f}: {msg}")),
                    (None, Some(msg)) => out.push(msg.to_string()),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// Checks a webhook registration before it is sent: secret 16–1024 characters, url
/// `^https://`, 12–255 characters.
pub fn check_webhook(url: &str, secret: &Secret) -> Result<(), VendorError> {
    let mut broken = Vec::new();
    let n = secret.expose().chars().count();
    if !(16..=1024).contains(&n) {
        broken.push(format!(
            "the webhook secret must be 16–1024 characters (is {n})"
        ));
    }
    let u = url.chars().count();
    if !url.starts_with("https://") {
        broken.push("the webhook url must start with https://".to_string());
    }
    if !(12..=255).contains(&u) {
        broken.push(format!(
            "the webhook url must be 12–255 characters (is {u})"
        ));
    }
    if broken.is_empty() {
        Ok(())
    } else {
        Err(VendorError::Rejected(broken))
    }
}
