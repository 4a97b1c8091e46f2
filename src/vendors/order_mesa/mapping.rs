//! API Order Mesa: building the order (exact totals) and reading its answers and errors (pure functions, no I/O).

use crate::config::OrderMesaSettings;
use crate::domain::{Money, Order};
use crate::vendors::VendorError;
use crate::vendors::http::Reply;
use jiff::civil::DateTime;

use super::wire::*;

// ---------------------------------------------------------------------------------------------
// Building the order (also used by the unit test of the document's example)
// ---------------------------------------------------------------------------------------------

/// One line as newOrder needs it. The kiosk has no options today; the type has them so the
/// document's own example can be built and checked.
#[derive(Debug, Clone)]
pub struct MesaLine {
    pub external_code: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub special_instructions: Option<String>,
    pub options: Vec<MesaOption>,
}

#[derive(Debug, Clone)]
pub struct MesaOption {
    pub external_code: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub production_point: String,
}

pub(super) fn price(m: Money, currency: &str) -> Price {
    Price {
        value: m.to_json_number(),
        currency: currency.to_string(),
    }
}

/// The figures of `total`, in cents, computed once so they add up exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MesaTotals {
    /// Σ items' totalPrice.
    pub items: Money,
    /// Σ options' totalPrice (the document puts options under otherFees).
    pub other_fees: Money,
    pub discount: Money,
    /// items + otherFees − discount: also the payment's value.
    pub order_amount: Money,
}

pub fn totals(lines: &[MesaLine]) -> MesaTotals {
    let items: Money = lines
        .iter()
        .map(|l| l.unit_price.saturating_mul_qty(l.quantity))
        .sum();
    let other_fees: Money = lines.iter().map(options_total).sum();
    let discount = Money::ZERO;
    MesaTotals {
        items,
        other_fees,
        discount,
        order_amount: items + other_fees - discount,
    }
}

pub(super) fn options_total(line: &MesaLine) -> Money {
    line.options
        .iter()
        .map(|o| o.unit_price.saturating_mul_qty(o.quantity))
        .sum()
}

/// Items and options numbered 1, 2, … in document order (`id` = `index`, as in the example).
pub(super) fn wire_items(lines: &[MesaLine], currency: &str) -> Vec<Item> {
    let mut next = 0u32;
    let mut number = || {
        next += 1;
        next.to_string()
    };
    lines
        .iter()
        .map(|l| {
            let n = number();
            let options = l
                .options
                .iter()
                .map(|o| {
                    let n = number();
                    ItemOption {
                        index: n.clone(),
                        id: n,
                        name: o.name.clone(),
                        external_code: o.external_code.clone(),
                        unit: "UN",
                        quantity: o.quantity,
                        unit_price: price(o.unit_price, currency),
                        original_price: price(o.unit_price, currency),
                        total_price: price(o.unit_price.saturating_mul_qty(o.quantity), currency),
                        production_point: o.production_point.clone(),
                    }
                })
                .collect();
            Item {
                id: n.clone(),
                index: n,
                name: l.name.clone(),
                external_code: l.external_code.clone(),
                unit: "UN",
                quantity: l.quantity,
                special_instructions: l.special_instructions.clone(),
                unit_price: price(l.unit_price, currency),
                options_price: price(options_total(l), currency),
                total_price: price(l.unit_price.saturating_mul_qty(l.quantity), currency),
                options,
            }
        })
        .collect()
}

/// What newOrder needs besides the lines.
#[derive(Debug, Clone)]
pub struct OrderHead {
    pub id: String,
    pub display_id: String,
    pub created_at: DateTime,
    pub order_timing: DateTime,
    pub preparation_start: DateTime,
    pub extra_info: String,
    /// ISO 4217 code (payments) — items carry the symbol where one is known.
    pub currency: String,
}

/// The `data` object of newOrder.
pub fn order_data(head: &OrderHead, lines: &[MesaLine], s: &OrderMesaSettings) -> OrderData {
    let t = totals(lines);
    let symbol = currency_symbol(&head.currency);
    let zero = || Money::ZERO.to_json_number();
    OrderData {
        id: head.id.clone(),
        kind: "TABLE",
        display_id: head.display_id.clone(),
        created_at: local_text(head.created_at),
        order_timing: local_text(head.order_timing),
        preparation_start_date_time: local_text(head.preparation_start),
        merchant: Merchant {
            id: s.merchant_id.clone(),
            name: s.merchant_name.clone(),
        },
        items: wire_items(lines, symbol),
        other_fees: Vec::new(),
        discounts: Vec::new(),
        total: Total {
            items: t.items.to_json_number(),
            other_fees: t.other_fees.to_json_number(),
            discount: t.discount.to_json_number(),
            order_amount: t.order_amount.to_json_number(),
            additional_fees: zero(),
            delivery_fee: zero(),
        },
        payments: Payments {
            prepaid: zero(),
            pending: zero(),
            methods: vec![PaymentMethod {
                value: t.order_amount.to_json_number(),
                currency: head.currency.clone(),
                kind: s.payment_type.clone(),
                method: s.payment_method.clone(),
                method_info: s.payment_method_info.clone(),
                change_for: zero(),
            }],
        },
        delivery: None,
        extra_info: head.extra_info.clone(),
        schedule: None,
        indoor: None,
        takeout: None,
        table: Table {
            waiter_code: s.waiter_code.clone(),
            table_number: s.table_number.clone(),
            chair_number: "1".into(),
        },
        card: None,
    }
}

/// The example shows `R$` on items and `BRL` on the payment: items get the symbol where we
/// know it, payments the ISO code.
pub(super) fn currency_symbol(code: &str) -> &str {
    match code {
        "BRL" => "R$",
        other => other,
    }
}

/// Local time without a zone, as the hub wants it: "2024-06-24T17:35:00".
pub(super) fn local_text(t: DateTime) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A short id for the kitchen's screen: the first six hex digits of the order's UUID, upper
/// case ("29261444-…" → "292614"). Derived, so a resend carries the same one.
pub fn display_id(order_id: &str) -> String {
    let hex: String = order_id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(6)
        .collect::<String>()
        .to_uppercase();
    if hex.is_empty() {
        order_id.chars().take(6).collect()
    } else {
        hex
    }
}

pub(super) fn lines_of(order: &Order) -> Vec<MesaLine> {
    order
        .lines
        .iter()
        .map(|l| MesaLine {
            external_code: l.article_id.clone(),
            name: l.name.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price,
            special_instructions: None,
            options: Vec::new(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Order Mesa's documented errors: 400 `errors[{key,message}]` → Rejected; 401 → Auth; 403
/// "Missing Authentication Token" is what the gateway says for a wrong URL → Config naming
/// the URL called (base URL and path: either may be the wrong one); 404 → unknown
/// integrationHubServiceId → Config.
pub(super) fn mesa_error(reply: &Reply, url: &str, auth_header: &str) -> VendorError {
    let body: Option<ErrorBody> = serde_json::from_slice(&reply.body).ok();
    let messages: Vec<String> = body
        .as_ref()
        .map(|b| {
            let mut m: Vec<String> = b
                .errors
                .iter()
                .map(|e| match &e.key {
                    Some(k) if !e.message.contains(k.as_str()) => format!("{k}: {}", e.message),
                    _ => e.message.clone(),
                })
                .collect();
            m.extend(b.message.clone());
            m
        })
        .unwrap_or_default();
    let call = &reply.call;
    match reply.status {
        401 => VendorError::Auth(format!(
            "{call}: Order Mesa refused the credential (401): check the {auth_header} credential"
        )),
        403 => VendorError::Config(reply.clean(&format!(
            "{call}: Order Mesa answered 403 ({}) at {url}: no such call there; check base_url and new_order_path / cancelled_items_path",
            messages.first().map_or("forbidden", String::as_str)
        ))),
        404 => VendorError::Config(format!(
            "{call}: Order Mesa does not know the integrationHubServiceId (404): check integration_hub_service_id"
        )),
        _ => reply.error_with(messages),
    }
}
