//! API Order Mesa: the wire types of newOrder, Get Cancelled Items and the error bodies, named as the document names them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

// ---------------------------------------------------------------------------------------------
// Wire types: newOrder
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct NewOrder<'a> {
    pub(super) integration_hub_service_id: &'a str,
    pub(super) data: OrderData,
}

/// `data` of newOrder, in the documented field order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderData {
    pub(super) id: String,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) display_id: String,
    pub(super) created_at: String,
    pub(super) order_timing: String,
    pub(super) preparation_start_date_time: String,
    pub(super) merchant: Merchant,
    pub(super) items: Vec<Item>,
    pub(super) other_fees: Vec<Value>,
    pub(super) discounts: Vec<Value>,
    pub(super) total: Total,
    pub(super) payments: Payments,
    pub(super) delivery: Option<()>,
    pub(super) extra_info: String,
    pub(super) schedule: Option<()>,
    pub(super) indoor: Option<()>,
    pub(super) takeout: Option<()>,
    pub(super) table: Table,
    pub(super) card: Option<()>,
}

#[derive(Debug, Serialize)]
pub(super) struct Merchant {
    pub(super) id: String,
    pub(super) name: String,
}

/// An amount: a JSON number with two decimals, and a currency.
#[derive(Debug, Serialize)]
pub(super) struct Price {
    pub(super) value: Box<RawValue>,
    pub(super) currency: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Item {
    pub(super) id: String,
    pub(super) index: String,
    pub(super) name: String,
    pub(super) external_code: String,
    pub(super) unit: &'static str,
    pub(super) quantity: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) special_instructions: Option<String>,
    pub(super) unit_price: Price,
    /// The sum of the options' `totalPrice`.
    pub(super) options_price: Price,
    /// unit price × quantity, options excluded.
    pub(super) total_price: Price,
    pub(super) options: Vec<ItemOption>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ItemOption {
    pub(super) index: String,
    pub(super) id: String,
    pub(super) name: String,
    pub(super) external_code: String,
    pub(super) unit: &'static str,
    pub(super) quantity: u32,
    pub(super) unit_price: Price,
    pub(super) original_price: Price,
    pub(super) total_price: Price,
    pub(super) production_point: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Total {
    pub(super) items: Box<RawValue>,
    pub(super) other_fees: Box<RawValue>,
    pub(super) discount: Box<RawValue>,
    pub(super) order_amount: Box<RawValue>,
    pub(super) additional_fees: Box<RawValue>,
    pub(super) delivery_fee: Box<RawValue>,
}

#[derive(Debug, Serialize)]
pub(super) struct Payments {
    pub(super) prepaid: Box<RawValue>,
    pub(super) pending: Box<RawValue>,
    pub(super) methods: Vec<PaymentMethod>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentMethod {
    pub(super) value: Box<RawValue>,
    pub(super) currency: String,
    #[serde(rename = "type")]
    pub(super) kind: String,
    pub(super) method: String,
    pub(super) method_info: String,
    pub(super) change_for: Box<RawValue>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Table {
    pub(super) waiter_code: String,
    pub(super) table_number: String,
    pub(super) chair_number: String,
}

// ---------------------------------------------------------------------------------------------
// Wire types: Get Cancelled Items and errors
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CancelledQuery<'a> {
    pub(super) integration_hub_service_id: &'a str,
    pub(super) order_key_type: &'a str,
    pub(super) order_key: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct CancelledAnswer {
    #[serde(default)]
    pub(super) success: Option<bool>,
    #[serde(default)]
    pub(super) error: Option<Value>,
    pub(super) items: Vec<CancelledItem>,
}

/// A cancelled item, with the fields the document lists that the kiosk reads. There is no
/// order id among them: `tableCardNumber` is the table or card, not the order.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CancelledItem {
    pub(super) name: String,
    pub(super) external_code: String,
    #[serde(default)]
    pub(super) quantity: Option<u32>,
    #[serde(default)]
    pub(super) cancellation_agent: Option<String>,
    #[serde(default)]
    pub(super) cancellation_date_time: Option<String>,
    #[serde(default)]
    pub(super) cancellation_reason: Option<String>,
}

impl CancelledItem {
    /// How many were cancelled; an item without a quantity is one.
    pub(super) fn quantity(&self) -> u32 {
        self.quantity.unwrap_or(1).max(1)
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    #[serde(default)]
    pub(super) errors: Vec<ErrorEntry>,
    #[serde(default)]
    pub(super) message: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ErrorEntry {
    #[serde(default)]
    pub(super) key: Option<String>,
    pub(super) message: String,
}
