//! Liefersoft: the wire types (what goes over HTTP), named as the platform document names them.

use crate::domain::Money;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LoginBody<'a> {
    pub(super) login: &'a str,
    pub(super) password: &'a str,
    pub(super) company_id: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LoginAnswer {
    pub(super) access_token: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateOrder {
    pub(super) order_id: String,
    pub(super) pre_order: String,
    pub(super) order_type: String,
    pub(super) platform_name: &'static str,
    pub(super) customer: Customer,
    pub(super) total_price: Box<RawValue>,
    pub(super) total_discount: Box<RawValue>,
    pub(super) payed: bool,
    pub(super) tips: Box<RawValue>,
    pub(super) payment_fee: Box<RawValue>,
    pub(super) payment_method: String,
    pub(super) items: Vec<CreateItem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Customer {
    pub(super) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) phone_number: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateItem {
    pub(super) item_code: String,
    pub(super) quantity: u32,
    pub(super) price: Box<RawValue>,
    pub(super) name: String,
    pub(super) item_type: String,
    pub(super) tax_data: TaxData,
    pub(super) items: Vec<CreateItem>,
}

#[derive(Debug, Serialize)]
pub(super) struct TaxData {
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) rate: Box<RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateAnswer {
    pub(super) remote_response: RemoteResponse,
}

#[derive(Debug, Deserialize)]
pub(super) struct RemoteResponse {
    pub(super) id: String,
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
pub(super) fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
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
pub(super) struct SpringPage {
    pub(super) content: Vec<LiefersoftOrder>,
    #[serde(default)]
    pub(super) number: u32,
    #[serde(default)]
    pub(super) total_pages: u32,
    #[serde(default)]
    pub(super) total_elements: u64,
    #[serde(default)]
    pub(super) last: Option<bool>,
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
pub(super) struct WebhookBody<'a> {
    pub(super) secret: &'a str,
    pub(super) url: &'a str,
}
