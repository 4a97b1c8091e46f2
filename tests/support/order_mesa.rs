//! A fake API Order Mesa hub with vendor-side state: newOrder keyed by `data.id` (a resend is
//! the same order), the documented 400/401/403/404 answers, and Get Cancelled Items with its
//! 202 → 208 → 226 polling. A cancelled item belongs to an order the hub received; the 226
//! lists it with the document's item fields only (no order id: `tableCardNumber` is the
//! order's table), for a request naming its order (ORDER_ID) or its table (TABLE).

use super::server::{FakeServer, Fault, Recorded, Reply, with_faults};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub const HUB_ID: &str = "3fea8768-bbd9-454b-9e7b-40841e9a6812";
pub const AUTH_HEADER: &str = "x-api-key";
pub const CREDENTIAL: &str = "om-credential-0123456789abcdef";
pub const NEW_ORDER: &str = "/order/newOrder";
pub const CANCELLED: &str = "/order/cancelledItems";

#[derive(Debug)]
pub struct MesaState {
    /// `data.id`s received, each once (a resend of the same id is the same order).
    pub order_ids: Vec<String>,
    /// Every newOrder body, resends included.
    pub bodies: Vec<Value>,
    /// Items the kitchen cancelled: the order's `data.id` and the item as 226 lists it.
    pub cancelled: Vec<(String, Value)>,
    /// The status of every Get Cancelled Items answer, in order.
    pub answers: Vec<u16>,
    /// How many 208 answers follow the 202 before the 226.
    pub polls_before_done: u32,
    /// Per query (key type + keys): how many times it was asked since the last 226.
    polls: BTreeMap<String, u32>,
}

pub struct OrderMesaFake {
    pub server: FakeServer,
    pub state: Arc<Mutex<MesaState>>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl OrderMesaFake {
    pub fn start() -> OrderMesaFake {
        let state = Arc::new(Mutex::new(MesaState {
            order_ids: Vec::new(),
            bodies: Vec::new(),
            cancelled: Vec::new(),
            answers: Vec::new(),
            polls_before_done: 1,
            polls: BTreeMap::new(),
        }));
        let faults: Arc<Mutex<Vec<Fault>>> = Arc::default();
        let (s, f) = (state.clone(), faults.clone());
        let server = FakeServer::start(move |req| with_faults(&f, req, || handle(&s, req)));
        OrderMesaFake {
            server,
            state,
            faults,
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn inject(&self, fault: Fault) {
        self.faults.lock().unwrap().push(fault);
    }

    pub fn order_ids(&self) -> Vec<String> {
        self.state.lock().unwrap().order_ids.clone()
    }

    /// The kitchen cancels one portion of a dish of an order the hub received.
    pub fn cancel_item(&self, order_id: &str, external_code: &str, name: &str, at: &str) {
        self.cancel_items(order_id, external_code, name, 1, at);
    }

    /// The kitchen cancels `quantity` portions of a dish of an order the hub received; the
    /// item carries the order's table as `tableCardNumber`, as the document describes it.
    pub fn cancel_items(
        &self,
        order_id: &str,
        external_code: &str,
        name: &str,
        quantity: u32,
        at: &str,
    ) {
        let mut s = self.state.lock().unwrap();
        let table = s
            .bodies
            .iter()
            .find(|b| b["data"]["id"] == order_id)
            .map(|b| b["data"]["table"]["tableNumber"].clone())
            .unwrap_or_else(|| panic!("the hub never received order {order_id}"));
        let n = s.cancelled.len() + 1;
        let item = json!({
            "id": format!("3973594{n}"), "index": n.to_string(), "name": name,
            "externalCode": external_code, "quantity": quantity, "cancellationAgent": "ALBINO",
            "cancellationDateTime": at, "cancellationReason": " 55596;",
            "tableCardNumber": table, "productionPoint": "NENHUM"
        });
        s.cancelled.push((order_id.to_string(), item));
    }
}

fn errors(list: &[(&str, &str)]) -> Value {
    json!({"errors": list.iter().map(|(k, m)| json!({"key": k, "message": m})).collect::<Vec<_>>()})
}

fn handle(state: &Mutex<MesaState>, req: &Recorded) -> Reply {
    let route = req.route();
    if req.method != "POST" || (route != NEW_ORDER && route != CANCELLED) {
        return Reply::json(403, r#"{"message":"Missing Authentication Token"}"#);
    }
    if req.header(AUTH_HEADER) != Some(CREDENTIAL) {
        return Reply::json(401, r#"{"message":"Unauthorized"}"#);
    }
    let body = req.json();
    if body["integrationHubServiceId"] != HUB_ID {
        return Reply::json(404, r#"{"message":"integrationHubServiceId not found"}"#);
    }
    let mut s = state.lock().unwrap();
    if route == NEW_ORDER {
        new_order(&mut s, body)
    } else {
        cancelled(&mut s, &body)
    }
}

fn new_order(s: &mut MesaState, body: Value) -> Reply {
    let data = &body["data"];
    if data.get("merchant").is_none() {
        return Reply::value(
            400,
            &errors(&[("merchant", "body.data.merchant is required")]),
        );
    }
    if !data["displayId"].is_string() {
        return Reply::value(
            400,
            &errors(&[("displayId", "body.data.displayId must be a string")]),
        );
    }
    let id = data["id"].as_str().unwrap_or("").to_string();
    if !s.order_ids.contains(&id) {
        s.order_ids.push(id);
    }
    s.bodies.push(body);
    Reply::json(200, r#"{"message":"accepted"}"#)
}

fn cancelled(s: &mut MesaState, body: &Value) -> Reply {
    let reply = cancelled_answer(s, body);
    if let Reply::Answer { status, .. } = &reply {
        s.answers.push(*status);
    }
    reply
}

fn cancelled_answer(s: &mut MesaState, body: &Value) -> Reply {
    let kind = body["orderKeyType"].as_str().unwrap_or("");
    if !["ORDER_ID", "TABLE", "CARD"].contains(&kind) {
        return Reply::value(
            400,
            &errors(&[(
                "orderKeyType",
                "body.orderKeyType must be one of [ORDER_ID, TABLE, CARD]",
            )]),
        );
    }
    let keys: Vec<String> = body["orderKey"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    if keys.is_empty() || keys.iter().any(String::is_empty) {
        return Reply::value(400, &errors(&[("orderKey", "body.orderKey is required")]));
    }
    let query = format!("{kind}_{}", keys.join(","));
    let asked = s.polls.entry(query.clone()).or_insert(0);
    *asked += 1;
    if *asked == 1 {
        return Reply::status(202);
    }
    if *asked <= 1 + s.polls_before_done {
        let msg = format!("Order cancelled itens request already exists: {query}");
        return Reply::value(208, &errors(&[("orderKeyType_orderKey", &msg)]));
    }
    s.polls.remove(&query);
    let items: Vec<Value> = s
        .cancelled
        .iter()
        .filter(|(order, item)| match kind {
            "ORDER_ID" => keys.contains(order),
            "TABLE" => keys.iter().any(|k| item["tableCardNumber"] == k.as_str()),
            // CARD: the kiosk's orders carry `"card": null`, no card has items.
            _ => false,
        })
        .map(|(_, item)| item.clone())
        .collect();
    Reply::value(
        226,
        &json!({"success": true, "error": null, "integrationHubServiceId": HUB_ID,
                "orderKeyType": kind, "orderKey": keys, "lastestUpdatedStatus": "2024-07-17 16:18:40",
                "items": items}),
    )
}
