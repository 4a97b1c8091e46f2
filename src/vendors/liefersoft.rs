//! Liefersoft platform API: wire types, client and mapping.
//!
//! Built from `seeds/liefersoft-platform-api.txt`. A JWT from `POST /login` (valid 5 minutes)
//! goes in `Authorization: Bearer …`; it is reused until shortly before its `exp`, renewed then,
//! and renewed once more on a 401 (the call is then repeated once). The kiosk's order id is the
//! platform's `orderId` (its ref id), so `GET /orders/{orderId}/ref` tells whether a create
//! whose answer was lost arrived. Status changes come by webhook (see `webhook.rs`) or by
//! polling no more often than every 2 minutes.

use super::http::{self, Http, Reply};
use super::{RemoteOrder, RemoteState, RemoteUpdate, Vendor, VendorError, VenueOrders};
use crate::config::{Badge, LiefersoftSettings, Secret, Venue, WebhookSettings};
use crate::domain::{Clock, ListedLine, ListedOrder, MenuDay, Money, Order, OrderState, Percent};
use base64::Engine;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use ureq::http::Method;

/// A token is renewed this long before its `exp`, so a call never goes out with one that
/// expires on the way.
const RENEW_MARGIN: SignedDuration = SignedDuration::from_secs(30);
/// The documented lifetime, assumed when a token's `exp` cannot be read.
const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_secs(5 * 60);
/// How far ahead `preOrder` may be: "less than 7 days from current time".
const MAX_PREORDER: SignedDuration = SignedDuration::from_hours(7 * 24);
/// Page size and page limit for the restaurant's order list in `poll_updates`.
const POLL_PAGE_SIZE: u32 = 50;
const POLL_MAX_PAGES: u32 = 10;
/// The kitchen's list reads at most this many pages of this size (2 000 orders, about a
/// week of a busy canteen); beyond that the list is marked incomplete and the view says so.
const LIST_PAGE_SIZE: u32 = 100;
const LIST_MAX_PAGES: u32 = 20;
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

// ---------------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginBody<'a> {
    login: &'a str,
    password: &'a str,
    company_id: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginAnswer {
    access_token: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOrder {
    order_id: String,
    pre_order: String,
    order_type: String,
    platform_name: &'static str,
    customer: Customer,
    total_price: Box<RawValue>,
    total_discount: Box<RawValue>,
    payed: bool,
    tips: Box<RawValue>,
    payment_fee: Box<RawValue>,
    payment_method: String,
    items: Vec<CreateItem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Customer {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_number: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateItem {
    item_code: String,
    quantity: u32,
    price: Box<RawValue>,
    name: String,
    item_type: String,
    tax_data: TaxData,
    items: Vec<CreateItem>,
}

#[derive(Debug, Serialize)]
struct TaxData {
    #[serde(rename = "type")]
    kind: &'static str,
    rate: Box<RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAnswer {
    remote_response: RemoteResponse,
}

#[derive(Debug, Deserialize)]
struct RemoteResponse {
    id: String,
}

/// An order as the platform returns it (get, by ref, lists, webhook events). Only what the
/// kiosk uses is read; everything else is ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiefersoftOrder {
    /// The platform's id (absent in some event examples).
    #[serde(default)]
    pub id: Option<String>,
    /// The kiosk's order id (ref id).
    pub order_id: String,
    #[serde(default)]
    pub platform_status: Option<String>,
    #[serde(default)]
    pub pre_order: Option<String>,
    #[serde(default)]
    pub order_type: Option<String>,
    #[serde(default)]
    pub customer: Option<LiefersoftCustomer>,
    #[serde(default)]
    pub total_price: Option<Money>,
    #[serde(default)]
    pub items: Vec<LiefersoftItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LiefersoftCustomer {
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiefersoftItem {
    #[serde(default)]
    pub item_code: Option<String>,
    pub name: String,
    #[serde(deserialize_with = "whole_number")]
    pub quantity: u32,
    #[serde(default)]
    pub price: Option<Money>,
}

/// `2` or `2.0`: the platform's numbers are doubles in its examples.
fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole quantity")))
}

/// `GET /{restaurantId}/orders` (a Spring page).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpringPage {
    content: Vec<LiefersoftOrder>,
    #[serde(default)]
    number: u32,
    #[serde(default)]
    total_pages: u32,
    #[serde(default)]
    total_elements: u64,
    #[serde(default)]
    last: Option<bool>,
}

/// One page of a restaurant's orders, for the sync worker and a kitchen view.
#[derive(Debug, Clone)]
pub struct RestaurantPage {
    pub orders: Vec<LiefersoftOrder>,
    pub number: u32,
    pub total_pages: u32,
    pub total_elements: u64,
    pub last: bool,
}

/// A registered webhook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
struct WebhookBody<'a> {
    secret: &'a str,
    url: &'a str,
}

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

fn remote_from(o: &LiefersoftOrder) -> RemoteOrder {
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
fn service_day(o: &LiefersoftOrder, zone: &TimeZone) -> Option<Date> {
    let text = o.pre_order.as_deref()?.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t.to_zoned(zone.clone()).date());
    }
    let local: jiff::civil::DateTime = text.parse().ok()?;
    Some(local.date())
}

/// A restaurant order as the kitchen lists it.
fn listed_from(o: &LiefersoftOrder, day: Date) -> ListedOrder {
    let remote = remote_from(o);
    ListedOrder {
        ref_id: o.order_id.clone(),
        day,
        customer: o
            .customer
            .as_ref()
            .and_then(|c| c.name.clone())
            .unwrap_or_default(),
        state: super::listed_state(&remote.state),
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
fn create_body(d: &Draft, payed: bool) -> CreateOrder {
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
fn draft(order: &Order, who: &Badge, s: &LiefersoftSettings) -> Draft {
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
fn is_prepaid(payment_method: &str) -> bool {
    matches!(payment_method, "ONLINE" | "MEAL_VOUCHER")
}

/// The messages of a Spring error body (`message`, `detail`, `errors[]`).
fn spring_messages(reply: &Reply) -> Vec<String> {
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

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

struct Token {
    value: Secret,
    renew_at: Timestamp,
}

/// The Liefersoft adapter of one venue (one integration's credentials).
pub struct LiefersoftVendor {
    http: Http,
    settings: LiefersoftSettings,
    clock: Arc<dyn Clock>,
    token: Option<Token>,
    /// The venue's zone: a listed order's `preOrder` becomes a local service day in it.
    zone: TimeZone,
}

impl LiefersoftVendor {
    pub fn new(
        http: Http,
        venue: &Venue,
        settings: LiefersoftSettings,
        clock: Arc<dyn Clock>,
    ) -> LiefersoftVendor {
        LiefersoftVendor {
            http,
            settings,
            clock,
            token: None,
            zone: venue.rules.time_zone.clone(),
        }
    }

    /// `POST /login`: a fresh token, kept until shortly before its `exp`.
    fn login(&mut self) -> Result<Secret, VendorError> {
        let s = &self.settings;
        let reply = self
            .http
            .post(http::join(&s.base_url, "/login"), "POST /login")
            .header("Accept", "application/json")
            .scrub(&s.password)
            .json(&LoginBody {
                login: &s.login,
                password: s.password.expose(),
                company_id: &s.company_id,
            })
            .send()?;
        if matches!(reply.status, 400 | 401 | 403) {
            return Err(VendorError::Auth(format!(
                "POST /login: Liefersoft refused the login ({}): check login, password and company_id",
                reply.status
            )));
        }
        if !reply.is_success() {
            return Err(reply.error());
        }
        let answer: LoginAnswer = reply.json()?;
        let value = Secret::new(answer.access_token);
        let now = self.clock.now();
        let exp = jwt_exp(value.expose())
            .unwrap_or_else(|| now.saturating_add(TOKEN_LIFETIME).unwrap_or(now));
        self.token = Some(Token {
            value: value.clone(),
            renew_at: exp.saturating_sub(RENEW_MARGIN).unwrap_or(exp),
        });
        Ok(value)
    }

    fn valid_token(&mut self) -> Result<Secret, VendorError> {
        let now = self.clock.now();
        match &self.token {
            Some(t) if now < t.renew_at => Ok(t.value.clone()),
            _ => self.login(),
        }
    }

    /// One authorised call; on a 401 it logs in again and repeats the call once.
    fn call(
        &mut self,
        method: Method,
        path: &str,
        call: &str,
        body: Option<&[u8]>,
    ) -> Result<Reply, VendorError> {
        let mut token = self.valid_token()?;
        for attempt in 0..2 {
            let mut req = self
                .http
                .request(
                    method.clone(),
                    http::join(&self.settings.base_url, path),
                    call,
                )
                .header("Accept", "application/json")
                .secret_header("Authorization", "Bearer ", &token);
            if let Some(b) = body {
                req = req.json_bytes(b.to_vec());
            }
            let reply = req.send()?;
            if reply.status != 401 {
                return Ok(reply);
            }
            self.token = None;
            if attempt == 0 {
                token = self.login()?;
            }
        }
        Err(VendorError::Auth(format!(
            "{call}: Liefersoft refused a fresh token (401)"
        )))
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &str,
        call: &str,
    ) -> Result<T, VendorError> {
        let reply = self.call(Method::GET, path, call, None)?;
        if !reply.is_success() {
            return Err(reply.error_with(spring_messages(&reply)));
        }
        reply.json()
    }

    /// `GET /orders/{orderId}/ref`: the order the kiosk sent under its own id; `None` on 404.
    fn by_ref(&mut self, order_id: &str) -> Result<Option<LiefersoftOrder>, VendorError> {
        let path = format!("/orders/{}/ref", http::segment(order_id));
        let reply = self.call(Method::GET, &path, "GET /orders/{orderId}/ref", None)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json().map(Some),
            _ => Err(reply.error_with(spring_messages(&reply))),
        }
    }

    /// One page of the restaurant's orders (`GET /{restaurantId}/orders?page=&size=`), newest
    /// paging as the platform does; for the sync worker and a kitchen view.
    pub fn restaurant_orders(
        &mut self,
        page: u32,
        size: u32,
    ) -> Result<RestaurantPage, VendorError> {
        let path = format!(
            "/{}/orders?page={page}&size={size}",
            http::segment(&self.settings.restaurant_id)
        );
        let p: SpringPage = self.get_json(&path, "GET /{restaurantId}/orders")?;
        let last = p
            .last
            .unwrap_or(p.content.is_empty() || p.number + 1 >= p.total_pages);
        Ok(RestaurantPage {
            orders: p.content,
            number: p.number,
            total_pages: p.total_pages,
            total_elements: p.total_elements,
            last,
        })
    }

    pub fn list_webhooks(&mut self) -> Result<Vec<Webhook>, VendorError> {
        self.get_json("/webhooks", "GET /webhooks")
    }

    pub fn create_webhook(&mut self, url: &str, secret: &Secret) -> Result<Webhook, VendorError> {
        self.send_webhook(
            Method::POST,
            "/webhooks".into(),
            "POST /webhooks",
            url,
            secret,
        )
    }

    pub fn update_webhook(
        &mut self,
        id: &str,
        url: &str,
        secret: &Secret,
    ) -> Result<Webhook, VendorError> {
        let path = format!("/webhooks/{}", http::segment(id));
        self.send_webhook(Method::PUT, path, "PUT /webhooks/{id}", url, secret)
    }

    pub fn delete_webhook(&mut self, id: &str) -> Result<(), VendorError> {
        let path = format!("/webhooks/{}", http::segment(id));
        let reply = self.call(Method::DELETE, &path, "DELETE /webhooks/{id}", None)?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(reply.error_with(spring_messages(&reply)))
        }
    }

    /// Registers the kiosk's webhook: updates the one with the same URL (so its secret is the
    /// configured one) or creates it. For the admin command.
    pub fn register_webhook(&mut self, w: &WebhookSettings) -> Result<Webhook, VendorError> {
        check_webhook(&w.public_url, &w.secret)?;
        let existing = self
            .list_webhooks()?
            .into_iter()
            .find(|h| h.url == w.public_url);
        match existing {
            Some(h) => self.update_webhook(&h.id, &w.public_url, &w.secret),
            None => self.create_webhook(&w.public_url, &w.secret),
        }
    }

    fn send_webhook(
        &mut self,
        method: Method,
        path: String,
        call: &str,
        url: &str,
        secret: &Secret,
    ) -> Result<Webhook, VendorError> {
        check_webhook(url, secret)?;
        let body = serde_json::to_vec(&WebhookBody {
            secret: secret.expose(),
            url,
        })
        .expect("wire types serialise");
        let reply = self.call(method, &path, call, Some(&body))?;
        if !reply.is_success() {
            let messages = spring_messages(&reply)
                .iter()
                .map(|m| m.replace(secret.expose(), "***"))
                .collect();
            return Err(reply.error_with(messages));
        }
        reply.json()
    }
}

impl Vendor for LiefersoftVendor {
    fn kind(&self) -> &'static str {
        "liefersoft"
    }

    fn fetch_menu(&mut self, _from: Date, _days: u32) -> Result<Vec<MenuDay>, VendorError> {
        Err(VendorError::Unsupported(
            "a menu call (Liefersoft menus come from a menu file)",
        ))
    }

    fn place_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError> {
        let d = draft(order, who, &self.settings);
        check_rules(&d, self.clock.now())?;
        let body = serde_json::to_vec(&create_body(&d, is_prepaid(&d.payment_method)))
            .expect("wire types serialise");
        let reply = self.call(Method::POST, "/orders", "POST /orders", Some(&body))?;
        if !reply.is_success() {
            return Err(reply.error_with(spring_messages(&reply)));
        }
        let answer: CreateAnswer = reply.json()?;
        Ok(RemoteOrder {
            vendor_ref: Some(answer.remote_response.id),
            vendor_hash: None,
            state: RemoteState::Sent,
            raw_status: reply.status.to_string(),
            reason: None,
        })
    }

    fn cancel_order(&mut self, _order: &Order, _who: &Badge) -> Result<RemoteOrder, VendorError> {
        Err(VendorError::Unsupported(
            "cancelling an order (the platform API has no cancel call)",
        ))
    }

    fn find_order(
        &mut self,
        order: &Order,
        _who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        Ok(self.by_ref(&order.id)?.as_ref().map(remote_from))
    }

    fn order_status(
        &mut self,
        order: &Order,
        who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        let Some(id) = order.vendor_ref.as_deref() else {
            return self.find_order(order, who);
        };
        let path = format!("/orders/{}", http::segment(id));
        let reply = self.call(Method::GET, &path, "GET /orders/{id}", None)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => Ok(Some(remote_from(&reply.json::<LiefersoftOrder>()?))),
            _ => Err(reply.error_with(spring_messages(&reply))),
        }
    }

    /// "Poll no more often than every 2 minutes" (webhooks are preferred).
    fn min_status_interval(&self) -> Duration {
        Duration::from_secs(120)
    }

    /// The restaurant's order list, paged until every sent order was seen (or the last page).
    fn poll_updates(&mut self, live: &[Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        let mut wanted: HashSet<&str> = live
            .iter()
            .filter(|o| !matches!(o.state, OrderState::Queued | OrderState::Sending))
            .map(|o| o.id.as_str())
            .collect();
        let mut updates = Vec::new();
        for page in 0..POLL_MAX_PAGES {
            if wanted.is_empty() {
                break;
            }
            let p = self.restaurant_orders(page, POLL_PAGE_SIZE)?;
            for o in &p.orders {
                if wanted.remove(o.order_id.as_str()) {
                    updates.push(RemoteUpdate {
                        order_id: Some(o.order_id.clone()),
                        remote: remote_from(o),
                    });
                }
            }
            if p.last {
                break;
            }
        }
        Ok(updates)
    }

    /// The restaurant's order list, read page by page (at most [`LIST_MAX_PAGES`]), kept for
    /// the days asked. The platform does not document its sort order, so every page up to the
    /// limit is read; orders without a readable `preOrder` cannot be placed on a day and are
    /// left out (logged).
    fn venue_orders(&mut self, days: &[Date]) -> Result<Option<VenueOrders>, VendorError> {
        let mut out = VenueOrders::default();
        let mut undated = 0usize;
        for page in 0..LIST_MAX_PAGES {
            let p = self.restaurant_orders(page, LIST_PAGE_SIZE)?;
            for o in &p.orders {
                out.updates.push(RemoteUpdate {
                    order_id: Some(o.order_id.clone()),
                    remote: remote_from(o),
                });
                match service_day(o, &self.zone) {
                    Some(day) if days.contains(&day) => out.orders.push(listed_from(o, day)),
                    Some(_) => {}
                    None => undated += 1,
                }
            }
            if p.last {
                out.complete = true;
                break;
            }
        }
        if undated > 0 {
            log::warn!(
                "{undated} restaurant orders have no readable preOrder and are not in the \
                 kitchen list"
            );
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_in_one_table() {
        assert_eq!(map_status("ACCEPTED"), RemoteState::Sent);
        assert_eq!(map_status("PROCESSING"), RemoteState::Confirmed);
        assert_eq!(map_status("PROCESSED"), RemoteState::Done);
        assert_eq!(map_status("CANCELED"), RemoteState::KitchenCancelled);
        assert_eq!(map_status("PROCESSING_ERROR"), RemoteState::Rejected);
        assert_eq!(map_status("LOST_IN_SPACE"), RemoteState::Unrecognised);
    }

    #[test]
    fn the_documents_jwt_expires_when_it_says() {
        // The document's token carries "exp":1917820800 (payload shortened here).
        let token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJkMTIyZjY1YiIsImV4cCI6MTkxNzgyMDgwMCwiaWF0IjoxNjAzMTkwMjgwfQ.sig";
        assert_eq!(jwt_exp(token).unwrap().as_second(), 1_917_820_800);
        assert_eq!(jwt_exp("not-a-jwt"), None);
    }

    #[test]
    fn tax_type_by_rate() {
        assert_eq!(tax_type(Percent::parse("7").unwrap()), "REDUCED");
        assert_eq!(tax_type(Percent::parse("10").unwrap()), "REDUCED");
        assert_eq!(tax_type(Percent::parse("19").unwrap()), "NORMAL");
        assert_eq!(tax_type(Percent::parse("20").unwrap()), "NORMAL");
    }

    #[test]
    fn webhook_registrations_are_checked_first() {
        let good = Secret::new("0123456789abcdef");
        assert!(check_webhook("https://kiosk.example/hook", &good).is_ok());
        assert!(check_webhook("http://kiosk.example/hook", &good).is_err());
        assert!(check_webhook("https://a.b", &good).is_err());
        assert!(check_webhook("https://kiosk.example/hook", &Secret::new("short")).is_err());
        let err =
            check_webhook("https://kiosk.example/hook", &Secret::new("short-secret")).unwrap_err();
        assert!(!err.to_string().contains("short-secret"));
    }
}
