//! Bessa: the wire types (what goes over HTTP), named as the capture and the document name them.

use crate::domain::{Money, Percent};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------------

/// An id Bessa sends as a number (orders, articles) or, in some clients, as a string.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub(super) enum Id {
    Num(u64),
    Str(String),
}

impl Id {
    pub(super) fn text(&self) -> String {
        match self {
            Id::Num(n) => n.to_string(),
            Id::Str(s) => s.clone(),
        }
    }
}

/// Django REST framework page: `{"results":[…],"next":URL|null}`.
#[derive(Debug, Deserialize)]
pub(super) struct Page<T> {
    pub(super) results: Vec<T>,
    #[serde(default)]
    pub(super) next: Option<String>,
}

/// One entry of `GET /venues/{venue}/menu/dates/`.
#[derive(Debug, Deserialize)]
pub(super) struct DateEntry {
    pub(super) date: String,
    pub(super) id: Id,
    #[serde(default)]
    pub(super) orders: Vec<WireOrder>,
}

/// An order as Bessa lists it (menu/dates, the orders list) or answers a create.
#[derive(Debug, Deserialize)]
pub(super) struct WireOrder {
    pub(super) id: Id,
    #[serde(default)]
    pub(super) hash_id: Option<String>,
    #[serde(default)]
    pub(super) order_state: Option<i64>,
    /// The orders list carries the state here (`states[0].state`).
    #[serde(default)]
    pub(super) states: Vec<WireState>,
    #[serde(default)]
    pub(super) total: Option<Money>,
    #[serde(default)]
    pub(super) items: Vec<WireItemName>,
    /// The serving instant (orders list only).
    #[serde(default)]
    pub(super) date: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireState {
    pub(super) state: i64,
}

#[derive(Debug, Deserialize)]
pub(super) struct WireItemName {
    pub(super) name: String,
}

impl WireOrder {
    pub(super) fn state_code(&self) -> Option<i64> {
        self.order_state
            .or_else(|| self.states.first().map(|s| s.state))
    }
}

/// One entry of `GET /venues/{venue}/menu/{menu_type}/{date}/`. Its items are read one by
/// one: an item the kiosk cannot read is left out with one log line naming the field, and the
/// rest of the day's menu stays.
#[derive(Debug, Deserialize)]
pub(super) struct MenuEntry {
    #[serde(default, deserialize_with = "readable_items")]
    pub(super) items: Vec<MenuItem>,
}

fn readable_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<MenuItem>, D::Error> {
    let raw: Option<Vec<Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, v)| match MenuItem::read(&v) {
            Ok(item) => Some(item),
            Err(why) => {
                log::warn!("Bessa menu: {} left out: {why}", item_label(i, &v));
                None
            }
        })
        .collect())
}

/// "item 3 (\"M1 Schnitzel\")": its place in the list and its name where it has one.
fn item_label(index: usize, v: &Value) -> String {
    match v.get("name").and_then(Value::as_str) {
        Some(name) => format!("item {} ({name:?})", index + 1),
        None => format!("item {}", index + 1),
    }
}

impl MenuItem {
    /// An item as the kiosk reads it, or what is wrong with it, naming the field.
    pub(super) fn read(v: &Value) -> Result<MenuItem, String> {
        serde_json::from_value(v.clone()).map_err(|e| match wrongly_typed(v) {
            Some(field) => format!("field `{field}`: {e}"),
            // serde names a missing field itself ("missing field `price`").
            None => e.to_string(),
        })
    }
}

/// Whether a field of a JSON item is there but cannot be read as its type.
type FieldCheck = fn(&Value, &str) -> bool;

/// The first field of an item that is there but cannot be read as its type (serde's own
/// message does not name it).
fn wrongly_typed(v: &Value) -> Option<&'static str> {
    fn bad<T: DeserializeOwned>(v: &Value, field: &str) -> bool {
        v.get(field)
            .is_some_and(|x| serde_json::from_value::<T>(x.clone()).is_err())
    }
    let checks: [(&'static str, FieldCheck); 7] = [
        ("article", bad::<Id>),
        ("name", bad::<String>),
        ("description", bad::<Option<String>>),
        ("price", bad::<Money>),
        ("vat", bad::<Option<Percent>>),
        ("amount_tracking", bad::<Option<bool>>),
        ("allergens", bad::<Vec<Value>>),
    ];
    checks
        .into_iter()
        .find(|(field, check)| check(v, field))
        .map(|(field, _)| field)
}

#[derive(Debug, Deserialize)]
pub(super) struct MenuItem {
    /// What an order line sends.
    pub(super) article: Id,
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: Option<String>,
    pub(super) price: Money,
    #[serde(default)]
    pub(super) vat: Option<Percent>,
    /// Portions left, a string ("17") in the clients seen; numbers are accepted too.
    #[serde(default)]
    pub(super) available_amount: Option<Value>,
    #[serde(default)]
    pub(super) amount_tracking: Option<bool>,
    /// Letters ("A") or objects with a short code; both are read.
    #[serde(default)]
    pub(super) allergens: Vec<Value>,
}

/// `POST /user/orders/`, field for field as the web app sends it.
#[derive(Debug, Serialize)]
pub(super) struct OrderBody<'a> {
    pub(super) customer: Customer<'a>,
    pub(super) date: String,
    pub(super) items: Vec<OrderItem<'a>>,
    pub(super) order_type: u32,
    pub(super) payment_method: &'a str,
    pub(super) total: Box<RawValue>,
    pub(super) venue: u64,
}

#[derive(Debug, Serialize)]
pub(super) struct Customer<'a> {
    pub(super) email: String,
    pub(super) first_name: &'a str,
    pub(super) last_name: &'a str,
}

#[derive(Debug, Serialize)]
pub(super) struct OrderItem<'a> {
    pub(super) amount: u32,
    pub(super) article: ArticleRef<'a>,
    pub(super) name: &'a str,
    pub(super) price: Box<RawValue>,
    /// Omitted when the menu gave no VAT (the capture always has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) vat: Option<String>,
}

/// The web app sends article ids as numbers; a non-numeric id goes out as it came.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum ArticleRef<'a> {
    Num(u64),
    Str(&'a str),
}

#[derive(Debug, Serialize)]
pub(super) struct LoginBody<'a> {
    pub(super) email: &'a str,
    pub(super) password: &'a str,
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginAnswer {
    pub(super) key: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct CancelAnswer {
    #[serde(default)]
    pub(super) order_id: Option<String>,
    #[serde(default)]
    pub(super) state: Option<String>,
}
