//! A venue's orders as the vendor lists them (Liefersoft `GET /{restaurantId}/orders`): every
//! order of the restaurant, also the ones placed elsewhere (web, phone, another kiosk). The
//! kitchen view uses such a list where a vendor offers one.

use super::{Money, OrderState};
use jiff::Timestamp;
use jiff::civil::Date;

/// One order of a day from the vendor's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedOrder {
    /// The client's order id (for the kiosk's own orders: the kiosk's id).
    pub ref_id: String,
    /// The local service day (from the order's pre-order time, in the venue's zone).
    pub day: Date,
    /// The customer's name as the vendor has it ("" if none).
    pub customer: String,
    /// The vendor's status in the kiosk's words.
    pub state: OrderState,
    /// The vendor's status exactly as received.
    pub raw_status: String,
    pub reason: Option<String>,
    pub lines: Vec<ListedLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedLine {
    pub name: String,
    pub quantity: u32,
    /// Unit price where the vendor lists one.
    pub unit_price: Option<Money>,
}

/// A venue's day as last fetched from the vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayList {
    pub venue: String,
    pub day: Date,
    pub fetched_at: Timestamp,
    /// False when the vendor had more pages than the kiosk reads: the list may lack orders.
    pub complete: bool,
    pub orders: Vec<ListedOrder>,
}
