//! Get Cancelled Items: which orders one pass asks about, and which kiosk order a cancelled
//! item belongs to (pure functions, no I/O).
//!
//! The document's items carry no order id: `tableCardNumber` is "the number of the table or
//! card associated with the cancelled item". So an item is tied to an order only by the
//! request it answers: with `ORDER_ID` keys the kiosk asks for one order per request, and
//! every item of that answer is that order's. With a `TABLE` key all of the kiosk's orders
//! share one key, and only `externalCode` and `quantity` tie an item to an order's line.

use super::wire::CancelledItem;
use crate::domain::Order;
use crate::vendors::{RemoteOrder, RemoteState, RemoteUpdate};
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use std::collections::HashMap;

/// How many orders one pass asks about with `ORDER_ID` keys (one request each). The requests
/// are interleaved — each round asks every order not answered yet, then waits one
/// `cancelled_poll_delay` — so a pass costs at most `cancelled_poll_tries` rounds of this
/// many requests and `cancelled_poll_tries − 1` delays (defaults: 80 requests, 27 s), however
/// many orders are live. The others are asked at the next passes, least recently asked first.
pub const ORDERS_PER_PASS: usize = 8;

/// The orders to ask about this pass: never asked first, then the least recently asked,
/// then the soonest served; at most [`ORDERS_PER_PASS`]. `asked` is when each was last asked
/// (kept by the vendor, forgotten for orders no longer live).
pub(super) fn choose<'a>(sent: &[&'a Order], asked: &HashMap<String, Timestamp>) -> Vec<&'a Order> {
    let mut turn: Vec<&Order> = sent.to_vec();
    turn.sort_by_key(|o| (asked.get(&o.id).copied(), o.serving));
    turn.truncate(ORDERS_PER_PASS);
    turn
}

/// The items the hub returned for a request naming `order` alone: all of them are that
/// order's (the request is the only tie the document gives).
pub(super) fn of_one_order(order: &Order, items: &[CancelledItem]) -> Option<RemoteUpdate> {
    let reasons: Vec<String> = items.iter().map(kitchen_reason).collect();
    if reasons.is_empty() {
        return None;
    }
    Some(kitchen_cancelled(order, reasons.join("; ")))
}

/// Items of a request whose key several orders share (`TABLE`): an item belongs to the one
/// order that has a line with its `externalCode` and at least its `quantity`, was created
/// before the cancellation and is served on the cancellation's day or later. An item that
/// fits several orders is not guessed at (logged): no one's meal is cancelled by mistake.
pub(super) fn of_shared_key(
    items: &[CancelledItem],
    sent: &[&Order],
    tz: &TimeZone,
) -> Vec<RemoteUpdate> {
    let mut reasons: Vec<(&Order, Vec<String>)> = Vec::new();
    for item in items {
        let candidates: Vec<&Order> = sent.iter().copied().filter(|o| fits(item, o, tz)).collect();
        let order = match candidates.as_slice() {
            [one] => *one,
            [] => continue,
            many => {
                log::warn!(
                    "Order Mesa cancelled {} (code {}, quantity {}) fits {} kiosk orders: not applied",
                    item.name.trim(),
                    item.external_code,
                    item.quantity(),
                    many.len()
                );
                continue;
            }
        };
        match reasons.iter_mut().find(|(o, _)| o.id == order.id) {
            Some((_, r)) => r.push(kitchen_reason(item)),
            None => reasons.push((order, vec![kitchen_reason(item)])),
        }
    }
    reasons
        .into_iter()
        .map(|(o, r)| kitchen_cancelled(o, r.join("; ")))
        .collect()
}

fn fits(item: &CancelledItem, order: &Order, tz: &TimeZone) -> bool {
    let has_line = order
        .lines
        .iter()
        .any(|l| l.article_id == item.external_code && l.quantity >= item.quantity());
    let when = item
        .cancellation_date_time
        .as_deref()
        .and_then(|t| parse_local(t, tz));
    has_line
        && when.is_none_or(|w| {
            let cancel_day = w.to_zoned(tz.clone()).date();
            order.created_at <= w && order.day >= cancel_day
        })
}

fn kitchen_cancelled(order: &Order, reason: String) -> RemoteUpdate {
    RemoteUpdate {
        order_id: Some(order.id.clone()),
        remote: RemoteOrder {
            vendor_ref: Some(order.id.clone()),
            vendor_hash: None,
            state: RemoteState::KitchenCancelled,
            raw_status: "226".into(),
            reason: Some(reason),
        },
    }
}

/// Hub times are local without a zone, "2024-07-17 14:19:33".
pub(super) fn parse_local(text: &str, tz: &TimeZone) -> Option<Timestamp> {
    let dt: DateTime = text.trim().replace(' ', "T").parse().ok()?;
    dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// "MARACUJA cancelled by ALBINO at 2024-07-17 14:19:33: 55596;"
pub(super) fn kitchen_reason(item: &CancelledItem) -> String {
    let mut r = format!("{} cancelled", item.name.trim());
    if let Some(agent) = item
        .cancellation_agent
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        r.push_str(&format!(" by {}", agent.trim()));
    }
    if let Some(at) = item.cancellation_date_time.as_deref() {
        r.push_str(&format!(" at {}", at.trim()));
    }
    if let Some(why) = item
        .cancellation_reason
        .as_deref()
        .filter(|w| !w.trim().is_empty())
    {
        r.push_str(&format!(": {}", why.trim()));
    }
    r
}
