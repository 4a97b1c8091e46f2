//! Bessa: from the kiosk's orders to Bessa's and back, the state table, and matching an order whose answer was lost (pure functions, no I/O).

use crate::config::{Badge, BessaSettings};
use crate::domain::menu::ALLERGENS;
use crate::domain::menu_text::allergens_of;
use crate::domain::{Article, Order, Percent};
use crate::vendors::{Claimed, RemoteOrder, RemoteState, VendorError};
use jiff::tz::TimeZone;
use serde_json::Value;

use super::wire::*;

// ---------------------------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------------------------

/// Every Bessa order state in one table (the state list of the public clients; the capture
/// shows 5 for a fresh order and 8 once the kitchen has it).
///
/// * 1 New, 2 Payment processing, 3 Transmittable, 4 Transmitted, 5 Accepted, 13 Pre-ordered:
///   on its way to or waiting in the kitchen → Sent.
/// * 6 Preparing, 7 Ready, 8 Done: the kitchen has it → Confirmed. (8 is "confirmed by the
///   kitchen" in the capture's own labels, and the capture shows today's order at 8 before
///   lunch, so it is not read as "served".)
/// * 9 Cancelled → Cancelled.
/// * 10 Rejected, 11 Failed, 12 Expired → Rejected. 12 is an order that ran out of time
///   before it was transmitted: the vendor never handed it to the kitchen, so it is a refusal
///   of the request rather than a cancellation by the kitchen.
/// * anything else → Unrecognised, the raw code kept.
pub fn map_state(code: i64) -> (RemoteState, Option<&'static str>) {
    match code {
        1..=5 | 13 => (RemoteState::Sent, None),
        6..=8 => (RemoteState::Confirmed, None),
        9 => (RemoteState::Cancelled, None),
        10 => (RemoteState::Rejected, Some("Bessa rejected the order")),
        11 => (
            RemoteState::Rejected,
            Some("Bessa could not process the order"),
        ),
        12 => (RemoteState::Rejected, Some("the order expired at Bessa")),
        _ => (RemoteState::Unrecognised, None),
    }
}

pub(super) fn remote_from(o: &WireOrder) -> RemoteOrder {
    let (state, reason, raw) = match o.state_code() {
        Some(code) => {
            let (s, r) = map_state(code);
            (s, r, code.to_string())
        }
        None => (RemoteState::Unrecognised, None, String::new()),
    };
    RemoteOrder {
        vendor_ref: Some(o.id.text()),
        vendor_hash: o.hash_id.clone(),
        state,
        raw_status: raw,
        reason: reason.map(str::to_string),
    }
}

/// A Bessa menu item as a dish. The description is kept whole, course by course with each
/// course's letters (`domain::menu_text` reads it for the screen); the dish's allergens are
/// those of all its courses and of the `allergens` array.
pub(super) fn article_from(item: &MenuItem) -> Article {
    let description = item.description.as_deref().unwrap_or("").trim();
    let mut letters: Vec<char> = allergens_of(description)
        .chars()
        .chain(allergen_letters(&item.allergens).chars())
        .collect();
    letters.sort_unstable();
    letters.dedup();
    let tracking = item.amount_tracking.unwrap_or(false);
    let portions_left = if tracking {
        item.available_amount.as_ref().and_then(portions)
    } else {
        None
    };
    Article {
        vendor_id: item.article.text(),
        name: item.name.trim().to_string(),
        description: description.to_string(),
        price: item.price,
        vat: item.vat,
        allergens: letters.into_iter().collect(),
        portions_left,
        sold_out: portions_left == Some(0),
    }
}

/// `"17"`, `17` or `"17.0"` portions; a negative count means none left.
pub(super) fn portions(v: &Value) -> Option<u32> {
    let text = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let whole = text.split('.').next()?;
    let n: i64 = whole.parse().ok()?;
    Some(n.clamp(0, i64::from(u32::MAX)) as u32)
}

/// Allergen letters from the `allergens` array: `"A"`, or an object with a short code.
pub(super) fn allergen_letters(list: &[Value]) -> String {
    let known = |c: char| ALLERGENS.iter().any(|(l, _)| *l == c);
    let code = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => ["shortcut", "short_name", "code", "letter", "abbreviation"]
                .iter()
                .find_map(|k| m.get(*k)?.as_str().map(str::to_string)),
            _ => None,
        }
    };
    list.iter()
        .filter_map(code)
        .map(|s| s.trim().to_uppercase())
        .filter(|s| s.chars().count() == 1 && s.chars().all(known))
        .collect()
}

/// The login email of a badge: its own email, else the employee number put into the venue's
/// pattern ("knapp-{n}@bessa.app").
pub fn badge_email(who: &Badge, pattern: &str) -> Result<String, VendorError> {
    if let Some(e) = who.email.as_deref().filter(|e| !e.trim().is_empty()) {
        return Ok(e.trim().to_string());
    }
    match who
        .employee_number
        .as_deref()
        .filter(|n| !n.trim().is_empty())
    {
        Some(n) => Ok(pattern.replace("{n}", n.trim())),
        None => Err(VendorError::Config(format!(
            "{} (badge {}) has neither an email nor an employee number for Bessa",
            who.name,
            crate::domain::masked_badge(&who.number)
        ))),
    }
}

/// The serving instant as the web app writes it: UTC, milliseconds, `Z`.
pub(super) fn wire_instant(t: jiff::Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

pub(super) fn order_body<'a>(
    order: &'a Order,
    who: &'a Badge,
    s: &'a BessaSettings,
) -> Result<OrderBody<'a>, VendorError> {
    let (first_name, last_name) = who.first_last();
    let items = order
        .lines
        .iter()
        .map(|l| OrderItem {
            amount: l.quantity,
            article: match l.article_id.parse::<u64>() {
                Ok(n) => ArticleRef::Num(n),
                Err(_) => ArticleRef::Str(&l.article_id),
            },
            name: &l.name,
            price: l.unit_price.to_json_number_short(),
            vat: l.vat.map(Percent::to_decimal_string),
        })
        .collect();
    Ok(OrderBody {
        customer: Customer {
            email: badge_email(who, &s.email_pattern)?,
            first_name,
            last_name,
        },
        date: wire_instant(order.serving),
        items,
        order_type: s.order_type,
        payment_method: &s.payment_method,
        total: order.total().to_json_number_short(),
        venue: s.venue_id,
    })
}

/// The messages of a Django REST framework error body: `{"detail":"…"}`,
/// `{"non_field_errors":["…"]}`, `{"field":["…"]}` (nested objects and lists too).
pub fn drf_messages(body: &Value) -> Vec<String> {
    fn walk(v: &Value, field: &str, out: &mut Vec<String>) {
        match v {
            Value::String(s) if field.is_empty() => out.push(s.clone()),
            Value::String(s) => out.push(format!("{field}: {s}")),
            Value::Array(list) => list.iter().for_each(|x| walk(x, field, out)),
            Value::Object(m) => {
                for (k, x) in m {
                    let name = match (field, k.as_str()) {
                        (_, "detail" | "non_field_errors" | "message") => field.to_string(),
                        ("", k) => k.to_string(),
                        (f, k) => format!("{f}.{k}"),
                    };
                    walk(x, &name, out);
                }
            }
            Value::Null => {}
            other if field.is_empty() => out.push(other.to_string()),
            other => out.push(format!("{field}: {other}")),
        }
    }
    let mut out = Vec::new();
    walk(body, "", &mut out);
    out
}

/// The Bessa order a kiosk order whose answer was lost can be: one with the same total and
/// dishes ([`same_order`]) that no other kiosk order owns (`claimed`), the oldest (lowest id)
/// first.
///
/// Why this counts right: the worker reconciles one order at a time and saves the id it
/// matched before it looks up the next, so identical kiosk orders take distinct Bessa orders,
/// oldest first; when Bessa lists fewer matching orders than the kiosk has in doubt, the ones
/// left over find nothing and are sent again. What it cannot tell apart: an identical order
/// the same employee placed elsewhere (the web app) on the same day — the kiosk takes it for
/// its own (see the README, "Vendors").
pub(super) fn unclaimed_match<'a>(
    listed: &'a [WireOrder],
    order: &Order,
    claimed: &Claimed,
) -> Option<&'a WireOrder> {
    listed
        .iter()
        .filter(|o| same_order(o, order) && !claimed.contains(&o.id.text()))
        .min_by_key(|o| age_key(&o.id.text()))
}

/// Bessa ids grow with every order: numeric ids by value, anything else after them.
fn age_key(id: &str) -> (u8, u64, String) {
    match id.trim().parse::<u64>() {
        Ok(n) => (0, n, String::new()),
        Err(_) => (1, 0, id.to_string()),
    }
}

/// Whether a listed order is the kiosk's order: same total and the same dish names. Only
/// orders that will still be served count, so a cancelled earlier order of the same dish is
/// never taken for the one whose answer was lost.
pub(super) fn same_order(o: &WireOrder, order: &Order) -> bool {
    let live = matches!(
        o.state_code().map(|c| map_state(c).0),
        None | Some(RemoteState::Sent | RemoteState::Confirmed | RemoteState::Unrecognised)
    );
    let mut theirs: Vec<&str> = o.items.iter().map(|i| i.name.trim()).collect();
    let mut ours: Vec<&str> = order.lines.iter().map(|l| l.name.trim()).collect();
    theirs.sort_unstable();
    theirs.dedup();
    ours.sort_unstable();
    ours.dedup();
    live && o.total == Some(order.total()) && theirs == ours
}
