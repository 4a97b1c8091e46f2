//! API Order Mesa (restaurant table-order hub): wire types, client and mapping.
//!
//! Built from the reconstruction in `vendor-apis.md` §2 of the Confluence pages in `seeds/`.
//! Two calls exist: `newOrder` (asynchronous acceptance: 200 means "queued") and Get Cancelled
//! Items, polled by repeating the same request (202 queued → 208 running → 226 done). There is
//! no menu call, no cancel call and no status call: menus come from a file, an accepted order
//! stays Sent until the kitchen cancels items. Which order a cancelled item belongs to is in
//! `cancelled.rs`.
//!
//! The credential goes in a configurable header (`auth_header`); both paths are config values
//! because the documents do not pin them down.

mod cancelled;
mod mapping;
mod wire;

pub use cancelled::ORDERS_PER_PASS;

pub use mapping::*;
pub use wire::*;

use super::http::{self, Http, Reply};
use super::{Claimed, RemoteOrder, RemoteState, RemoteUpdate, Vendor, VendorError};
use crate::config::{Badge, OrderMesaSettings, Venue};
use crate::domain::{Clock, CutoffRules, MenuDay, Order, OrderState};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde_json::Value;
use std::collections::HashMap;
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
    /// When each live order was last asked about cancelled items (ORDER_ID keys): the
    /// passes take turns, least recently asked first.
    asked: HashMap<String, Timestamp>,
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
            asked: HashMap::new(),
        }
    }

    fn local(&self, t: Timestamp) -> DateTime {
        t.to_zoned(self.rules.time_zone.clone()).datetime()
    }

    /// The URL a path is called at (named in errors: a wrong base URL and a wrong path both
    /// answer 403 "Missing Authentication Token").
    fn url(&self, path: &str) -> String {
        http::join(&self.settings.base_url, path)
    }

    fn post(&self, path: &str, call: &str, body: Vec<u8>) -> Result<Reply, VendorError> {
        let s = &self.settings;
        self.http
            .post(self.url(path), call)
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

    /// Get Cancelled Items for several requests (each an `orderKey` list), interleaved: each
    /// round sends every request the hub has not finished (202 queued, 208 running), then waits
    /// one `cancelled_poll_delay`; at most `cancelled_poll_tries` rounds. The answers of the
    /// finished requests, in the order asked; `NoAnswer` when none finished.
    fn cancelled_items(
        &self,
        queries: &[Vec<String>],
    ) -> Result<Vec<(usize, Vec<CancelledItem>)>, VendorError> {
        let s = &self.settings;
        let mut waiting: Vec<usize> = (0..queries.len()).collect();
        let mut done = Vec::new();
        let tries = s.cancelled_poll_tries.max(1);
        for attempt in 1..=tries {
            let mut still = Vec::new();
            for &i in &waiting {
                match self.cancelled_once(&queries[i])? {
                    Some(items) => done.push((i, items)),
                    None => still.push(i),
                }
            }
            waiting = still;
            if waiting.is_empty() {
                break;
            }
            if attempt < tries {
                std::thread::sleep(s.cancelled_poll_delay);
            }
        }
        if !waiting.is_empty() {
            let what = format!(
                "POST cancelledItems: {} of {} requests still being processed after {tries} tries",
                waiting.len(),
                queries.len()
            );
            if done.is_empty() {
                return Err(VendorError::NoAnswer(what));
            }
            log::info!("{what}; they are asked again at a later pass");
        }
        done.sort_by_key(|(i, _)| *i);
        Ok(done)
    }

    /// One Get Cancelled Items request: the items when the hub is done (226), `None` while it
    /// is still at it (202, 208).
    fn cancelled_once(&self, keys: &[String]) -> Result<Option<Vec<CancelledItem>>, VendorError> {
        let s = &self.settings;
        let query = CancelledQuery {
            integration_hub_service_id: &s.integration_hub_service_id,
            order_key_type: &s.order_key_type,
            order_key: keys.to_vec(),
        };
        let body = serde_json::to_vec(&query).expect("wire types serialise");
        let reply = self.post(&s.cancelled_items_path, "POST cancelledItems", body)?;
        match reply.status {
            202 | 208 => Ok(None),
            200 | 226 => read_cancelled(&reply).map(Some),
            _ => Err(mesa_error(
                &reply,
                &self.url(&s.cancelled_items_path),
                &s.auth_header,
            )),
        }
    }

    /// ORDER_ID keys: one request per order, so every item answered is that order's; at most
    /// [`ORDERS_PER_PASS`] orders a pass, taking turns.
    fn poll_per_order(&mut self, sent: &[&Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        self.asked.retain(|id, _| sent.iter().any(|o| &o.id == id));
        let turn = cancelled::choose(sent, &self.asked);
        let now = self.clock.now();
        for o in &turn {
            self.asked.insert(o.id.clone(), now);
        }
        let queries: Vec<Vec<String>> = turn.iter().map(|o| vec![o.id.clone()]).collect();
        let answers = self.cancelled_items(&queries)?;
        Ok(answers
            .into_iter()
            .filter_map(|(i, items)| cancelled::of_one_order(turn[i], &items))
            .collect())
    }

    /// TABLE keys: the one table all of the kiosk's orders share; items are matched to the
    /// orders' lines.
    fn poll_shared_key(&mut self, sent: &[&Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        let queries = vec![vec![self.settings.table_number.clone()]];
        let answers = self.cancelled_items(&queries)?;
        let items: Vec<CancelledItem> = answers.into_iter().flat_map(|(_, i)| i).collect();
        Ok(cancelled::of_shared_key(
            &items,
            sent,
            &self.rules.time_zone,
        ))
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
            _ => Err(mesa_error(
                &reply,
                &self.url(&s.new_order_path),
                &s.auth_header,
            )),
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
        _claimed: &Claimed,
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
        match self.settings.order_key_type.as_str() {
            "ORDER_ID" => self.poll_per_order(&sent),
            "TABLE" => self.poll_shared_key(&sent),
            other => Err(VendorError::Config(format!(
                "order_key_type {other}: only ORDER_ID and TABLE are supported (CARD orders are not documented)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;
    use jiff::tz::TimeZone;
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
        let t = cancelled::parse_local("2024-07-17 14:19:33", &tz).unwrap();
        assert_eq!(t.to_string(), "2024-07-17T17:19:33Z");
    }
}
