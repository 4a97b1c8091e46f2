//! API Order Mesa (restaurant table-order hub): wire types, client and mapping.
//!
//! Built from the reconstruction in `vendor-apis.md` §2 of the Confluence pages in `seeds/`.
//! Two calls exist: `newOrder` (asynchronous acceptance: 200 means "queued") and Get Cancelled
//! Items, polled by repeating the same request (202 queued → 208 running → 226 done). There is
//! no menu call, no cancel call and no status call: menus come from a file, an accepted order
//! stays Sent until the kitchen cancels items.
//!
//! The credential goes in a configurable header (`auth_header`); both paths are config values
//! because the documents do not pin them down.

mod mapping;
mod wire;

pub use mapping::*;
pub use wire::*;

use super::http::{self, Http, Reply};
use super::{RemoteOrder, RemoteState, RemoteUpdate, Vendor, VendorError};
use crate::config::{Badge, OrderMesaSettings, Venue};
use crate::domain::{Clock, CutoffRules, MenuDay, Order, OrderState};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use serde_json::Value;
use std::sync::Arc;

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/// The Order Mesa adapter of one venue.
pub struct OrderMesaVendor {
    http: Http,
    rules: CutoffRules,
    currency: String,
    settings: OrderMesaSettings,
    clock: Arc<dyn Clock>,
}

impl OrderMesaVendor {
    /// `venue` gives the time zone (times go out as local times without a zone), the preorder
    /// delta (preparation start) and the currency.
    pub fn new(
        http: Http,
        venue: &Venue,
        settings: OrderMesaSettings,
        clock: Arc<dyn Clock>,
    ) -> OrderMesaVendor {
        OrderMesaVendor {
            http,
            rules: venue.rules.clone(),
            currency: venue.currency.clone(),
            settings,
            clock,
        }
    }

    fn local(&self, t: Timestamp) -> DateTime {
        t.to_zoned(self.rules.time_zone.clone()).datetime()
    }

    fn post(&self, path: &str, call: &str, body: Vec<u8>) -> Result<Reply, VendorError> {
        let s = &self.settings;
        self.http
            .post(http::join(&s.base_url, path), call)
            .header("Accept", "application/json")
            .secret_header(&s.auth_header, "", &s.credential)
            .json_bytes(body)
            .send()
    }

    /// The newOrder body of an order, as JSON text (public for an admin's "show what would be
    /// sent"). Text, not a `Value`: a `Value` would turn `69.90` into `69.9`.
    pub fn new_order_body(&self, order: &Order, who: &Badge) -> Result<String, VendorError> {
        let prep = order
            .serving
            .checked_sub(self.rules.preorder_delta)
            .unwrap_or(order.serving);
        let head = OrderHead {
            id: order.id.clone(),
            display_id: display_id(&order.id),
            created_at: self.local(order.created_at),
            order_timing: self.local(self.clock.now()),
            preparation_start: self.local(prep),
            // The kitchen hands the meal to a person: the name, never the badge number.
            extra_info: who.name.clone(),
            currency: self.currency.clone(),
        };
        let data = order_data(&head, &lines_of(order), &self.settings);
        let body = NewOrder {
            integration_hub_service_id: &self.settings.integration_hub_service_id,
            data,
        };
        serde_json::to_string(&body).map_err(|e| VendorError::Config(format!("newOrder body: {e}")))
    }

    /// The order keys to ask Get Cancelled Items about, one per sent order (ORDER_ID) or the
    /// configured table (TABLE).
    fn keys(&self, sent: &[&Order]) -> Result<Vec<String>, VendorError> {
        match self.settings.order_key_type.as_str() {
            "ORDER_ID" => Ok(sent.iter().map(|o| o.id.clone()).collect()),
            "TABLE" => Ok(vec![self.settings.table_number.clone()]),
            other => Err(VendorError::Config(format!(
                "order_key_type {other:?}: only ORDER_ID and TABLE are supported (CARD orders are not documented)"
            ))),
        }
    }

    /// Get Cancelled Items: the same request repeated while the hub answers 202 (queued) or
    /// 208 (running), at most `cancelled_poll_tries` times, `cancelled_poll_delay` apart.
    fn cancelled_items(&self, keys: Vec<String>) -> Result<Vec<CancelledItem>, VendorError> {
        let s = &self.settings;
        let query = CancelledQuery {
            integration_hub_service_id: &s.integration_hub_service_id,
            order_key_type: &s.order_key_type,
            order_key: keys,
        };
        let body = serde_json::to_vec(&query).expect("wire types serialise");
        let tries = s.cancelled_poll_tries.max(1);
        for attempt in 1..=tries {
            let reply = self.post(&s.cancelled_items_path, "POST cancelledItems", body.clone())?;
            match reply.status {
                202 | 208 => {
                    if attempt < tries {
                        std::thread::sleep(s.cancelled_poll_delay);
                    }
                }
                200 | 226 => return read_cancelled(&reply),
                _ => return Err(mesa_error(&reply, &s.cancelled_items_path, &s.auth_header)),
            }
        }
        Err(VendorError::NoAnswer(format!(
            "POST cancelledItems: still being processed after {tries} tries"
        )))
    }
}

fn read_cancelled(reply: &Reply) -> Result<Vec<CancelledItem>, VendorError> {
    let answer: CancelledAnswer = reply.json()?;
    if answer.success == Some(false) {
        let what = answer
            .error
            .map_or("no reason given".to_string(), |e| match e {
                Value::String(s) => s,
                other => other.to_string(),
            });
        return Err(VendorError::Rejected(vec![
            reply.clean(&format!("cancelled items: {what}")),
        ]));
    }
    Ok(answer.items)
}

/// Hub times are local without a zone, "2024-07-17 14:19:33".
fn parse_local(text: &str, tz: &TimeZone) -> Option<Timestamp> {
    let dt: DateTime = text.trim().replace(' ', "T").parse().ok()?;
    dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}

/// Maps cancelled items onto the kiosk's sent orders.
///
/// ORDER_ID: the item's order key (`orderId`, else `tableCardNumber`) is the kiosk's order id.
/// TABLE: every kiosk order shares the one table, so an item belongs to the order that has
/// that article (`externalCode`), was created before the cancellation and is served on the
/// cancellation's day (or later); where that leaves more than one order the item is not
/// guessed at (logged), so no one's meal is cancelled by mistake.
fn match_items(
    items: &[CancelledItem],
    sent: &[&Order],
    key_type: &str,
    tz: &TimeZone,
) -> Vec<RemoteUpdate> {
    let mut updates: Vec<RemoteUpdate> = Vec::new();
    for item in items {
        let when = item
            .cancellation_date_time
            .as_deref()
            .and_then(|t| parse_local(t, tz));
        let has_article = |o: &&&Order| o.lines.iter().any(|l| l.article_id == item.external_code);
        let candidates: Vec<&&Order> = sent
            .iter()
            .filter(has_article)
            .filter(|o| match key_type {
                "ORDER_ID" => {
                    let key = item
                        .order_id
                        .as_deref()
                        .or(item.table_card_number.as_deref());
                    key == Some(o.id.as_str())
                }
                _ => when.is_none_or(|w| {
                    let cancel_day = w.to_zoned(tz.clone()).date();
                    o.created_at <= w && o.day >= cancel_day
                }),
            })
            .collect();
        let order = match candidates.as_slice() {
            [one] => one,
            [] => continue,
            many => {
                log::warn!(
                    "Order Mesa cancelled {:?} (code {}) matches {} kiosk orders: not applied",
                    item.name,
                    item.external_code,
                    many.len()
                );
                continue;
            }
        };
        let reason = kitchen_reason(item);
        match updates
            .iter_mut()
            .find(|u| u.order_id.as_deref() == Some(order.id.as_str()))
        {
            Some(u) => {
                let r = u.remote.reason.get_or_insert_with(String::new);
                r.push_str("; ");
                r.push_str(&reason);
            }
            None => updates.push(RemoteUpdate {
                order_id: Some(order.id.clone()),
                remote: RemoteOrder {
                    vendor_ref: Some(order.id.clone()),
                    vendor_hash: None,
                    state: RemoteState::KitchenCancelled,
                    raw_status: "226".into(),
                    reason: Some(reason),
                },
            }),
        }
    }
    updates
}

/// "MARACUJA cancelled by ALBINO at 2024-07-17 14:19:33: 55596;"
fn kitchen_reason(item: &CancelledItem) -> String {
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

impl Vendor for OrderMesaVendor {
    fn kind(&self) -> &'static str {
        "order_mesa"
    }

    fn fetch_menu(&mut self, _from: Date, _days: u32) -> Result<Vec<MenuDay>, VendorError> {
        Err(VendorError::Unsupported(
            "a menu call (Order Mesa menus come from a menu file)",
        ))
    }

    fn place_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError> {
        let body = self.new_order_body(order, who)?;
        let s = &self.settings;
        let reply = self.post(&s.new_order_path, "POST newOrder", body.into_bytes())?;
        match reply.status {
            // 200 is "accepted, not yet processed": the hub queues it. That is all a kiosk
            // order ever gets; the kitchen's only later word is a cancelled item.
            200..=202 => Ok(RemoteOrder {
                vendor_ref: Some(order.id.clone()),
                vendor_hash: None,
                state: RemoteState::Sent,
                raw_status: reply.status.to_string(),
                reason: None,
            }),
            _ => Err(mesa_error(&reply, &s.new_order_path, &s.auth_header)),
        }
    }

    fn cancel_order(&mut self, _order: &Order, _who: &Badge) -> Result<RemoteOrder, VendorError> {
        Err(VendorError::Unsupported(
            "cancelling an order (Order Mesa has no cancel call)",
        ))
    }

    /// Order Mesa has no lookup. Its documented way to settle a lost answer is to send the
    /// same order again: `data.id` is the kiosk's own UUID, the hub keys the order on it, so a
    /// resend is the same order, not a second one. "Not found, send again" is therefore safe
    /// exactly when the order id is such a UUID (every kiosk order id is; anything else could
    /// be a second order and is left to a person).
    fn find_order(
        &mut self,
        order: &Order,
        _who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        if uuid::Uuid::parse_str(&order.id).is_ok() {
            Ok(None)
        } else {
            Err(VendorError::Unsupported(
                "looking up an Order Mesa order whose id is not a UUID (a resend could duplicate it)",
            ))
        }
    }

    fn order_status(
        &mut self,
        _order: &Order,
        _who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        Ok(None)
    }

    fn poll_updates(&mut self, live: &[Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        // Only orders the hub has: sent ones (an Unknown one may be there too).
        let sent: Vec<&Order> = live
            .iter()
            .filter(|o| {
                matches!(
                    o.state,
                    OrderState::Sent
                        | OrderState::Confirmed
                        | OrderState::CancelRequested
                        | OrderState::Unknown
                )
            })
            .collect();
        if sent.is_empty() {
            return Ok(Vec::new());
        }
        let keys = self.keys(&sent)?;
        let items = self.cancelled_items(keys)?;
        Ok(match_items(
            &items,
            &sent,
            &self.settings.order_key_type,
            &self.rules.time_zone,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use std::time::Duration;

    fn settings() -> OrderMesaSettings {
        OrderMesaSettings {
            base_url: "http://x".into(),
            integration_hub_service_id: "3fea8768-bbd9-454b-9e7b-40841e9a6812".into(),
            merchant_id: "c312d2ff-1a8f-40ad-8eed-9ae9a908df6e".into(),
            merchant_name: "BOTECO DO ALBINO".into(),
            new_order_path: "/order/newOrder".into(),
            cancelled_items_path: "/order/cancelledItems".into(),
            auth_header: "x-api-key".into(),
            credential: crate::config::Secret::new("k"),
            order_key_type: "TABLE".into(),
            table_number: "8".into(),
            waiter_code: "141.88".into(),
            payment_type: "PREPAID".into(),
            payment_method: "credit".into(),
            payment_method_info: "Visa".into(),
            cancelled_poll_tries: 3,
            cancelled_poll_delay: Duration::from_millis(1),
        }
    }

    fn option(code: &str, name: &str, cents: i64, point: &str) -> MesaOption {
        MesaOption {
            external_code: code.into(),
            name: name.into(),
            quantity: 1,
            unit_price: Money::from_cents(cents),
            production_point: point.into(),
        }
    }

    /// The document's example: A FRANCESA 69.90 + option 1.00, AERADO 32.99 + option 37.99.
    #[test]
    fn the_documents_example_adds_up() {
        let lines = vec![
            MesaLine {
                external_code: "1".into(),
                name: "A FRANCESA".into(),
                quantity: 1,
                unit_price: Money::from_cents(6990),
                special_instructions: Some("Teste".into()),
                options: vec![option("201", "COMPOSICAO A", 100, "Adicional Composicao A")],
            },
            MesaLine {
                external_code: "2".into(),
                name: "AERADO".into(),
                quantity: 1,
                unit_price: Money::from_cents(3299),
                special_instructions: Some("Teste".into()),
                options: vec![option("4", "AVELA", 3799, "Adicional Avela")],
            },
        ];
        let dt = |s: &str| s.parse::<DateTime>().unwrap();
        let head = OrderHead {
            id: "29261444-5ff8-40b2-bce1-42848247d4a2".into(),
            display_id: "8".into(),
            created_at: dt("2024-06-24T17:35:00"),
            order_timing: dt("2024-06-24T17:40:24"),
            preparation_start: dt("2024-06-24T18:00:00"),
            extra_info: "Teste".into(),
            currency: "BRL".into(),
        };
        let t = totals(&lines);
        assert_eq!(t.items, Money::from_cents(10289));
        assert_eq!(t.other_fees, Money::from_cents(3899));
        assert_eq!(t.order_amount, Money::from_cents(14188));
        let json = serde_json::to_string(&order_data(&head, &lines, &settings())).unwrap();
        for want in [
            r#""total":{"items":102.89,"otherFees":38.99,"discount":0.00,"orderAmount":141.88,"additionalFees":0.00,"deliveryFee":0.00}"#,
            r#""methods":[{"value":141.88,"currency":"BRL","type":"PREPAID","method":"credit","methodInfo":"Visa","changeFor":0.00}]"#,
            r#""unitPrice":{"value":69.90,"currency":"R$"},"optionsPrice":{"value":1.00,"currency":"R$"},"totalPrice":{"value":69.90,"currency":"R$"}"#,
            r#""unitPrice":{"value":32.99,"currency":"R$"},"optionsPrice":{"value":37.99,"currency":"R$"},"totalPrice":{"value":32.99,"currency":"R$"}"#,
            r#""originalPrice":{"value":37.99,"currency":"R$"},"totalPrice":{"value":37.99,"currency":"R$"},"productionPoint":"Adicional Avela""#,
            r#""createdAt":"2024-06-24T17:35:00","orderTiming":"2024-06-24T17:40:24","preparationStartDateTime":"2024-06-24T18:00:00""#,
            r#""table":{"waiterCode":"141.88","tableNumber":"8","chairNumber":"1"},"card":null"#,
            r#""type":"TABLE","displayId":"8""#,
        ] {
            assert!(json.contains(want), "missing {want}\nin {json}");
        }
        // The items' totals add up to total.items, their options to total.otherFees.
        let v: Value = serde_json::from_str(&json).unwrap();
        let sum = |field: &str| -> Money {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| Money::from_json(&i[field]["value"]).unwrap())
                .sum()
        };
        assert_eq!(
            sum("totalPrice"),
            Money::from_json(&v["total"]["items"]).unwrap()
        );
        assert_eq!(
            sum("optionsPrice"),
            Money::from_json(&v["total"]["otherFees"]).unwrap()
        );
    }

    #[test]
    fn display_ids_are_short_and_stable() {
        assert_eq!(display_id("29261444-5ff8-40b2-bce1-42848247d4a2"), "292614");
        assert_eq!(display_id("abcdef12-0000"), "ABCDEF");
    }

    #[test]
    fn hub_times_are_read_in_the_venue_zone() {
        let tz = TimeZone::get("America/Sao_Paulo").unwrap();
        let t = parse_local("2024-07-17 14:19:33", &tz).unwrap();
        assert_eq!(t.to_string(), "2024-07-17T17:19:33Z");
    }
}
