//! A fake Bessa that keeps vendor-side state: menu days with dishes, the orders placed (per
//! token), cancellation, the paginated orders list and the login. Answers have the shapes of
//! the capture (`seeds/bessa-capture.json`).

use super::server::{FakeServer, Fault, Recorded, Reply, with_faults};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The token of the capture (40 hex chars).
pub const CAPTURE_TOKEN: &str = "dba7d86e83c7f462fd8af96521dea41c4facd8a5";
pub const GUEST_TOKEN: &str = "c3418725e95a9f90e3645cbc846b4d67c7c66131";

#[derive(Debug, Clone)]
pub struct BessaDay {
    pub date: String,
    pub id: u64,
    /// Menu items as `GET /venues/{v}/menu/{t}/{date}/` lists them.
    pub items: Vec<Value>,
}

#[derive(Debug, Clone)]
pub struct BessaOrder {
    pub id: u64,
    pub hash_id: String,
    /// The token it was placed with (orders are per user).
    pub token: String,
    /// The serving instant as sent ("2026-02-13T10:00:00.000Z").
    pub date: String,
    pub state: i64,
    pub total: String,
    pub item_names: Vec<String>,
    /// The body as received.
    pub body: Value,
}

impl BessaOrder {
    /// The UTC date of the serving instant (the local day for lunch in Europe).
    pub fn day(&self) -> &str {
        &self.date[..10]
    }

    fn listed(&self) -> Value {
        json!({"id": self.id, "hash_id": self.hash_id, "order_state": self.state, "total": self.total,
               "items": self.item_names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()})
    }

    fn in_orders_list(&self) -> Value {
        json!({"id": self.id, "hash_id": self.hash_id, "date": self.date, "total": self.total,
               "states": [{"state": self.state}],
               "items": self.item_names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()})
    }
}

#[derive(Debug)]
pub struct BessaState {
    pub venue: u64,
    pub days: Vec<BessaDay>,
    pub orders: Vec<BessaOrder>,
    /// Tokens the fake accepts; any other gets 401.
    pub tokens: Vec<String>,
    /// email → (password, key) for `POST /auth/login/`.
    pub accounts: BTreeMap<String, (String, String)>,
    pub next_id: u64,
    /// The state a new order gets (5 in the capture).
    pub new_state: i64,
    /// Page size of the orders list (small, so paging is exercised).
    pub page_size: usize,
}

/// The capture's menu/dates days (2026-02-11 … 13, ids 691, 692, 698), each with one dish
/// like the capture's "M1 W2" (article 182378, 4.00, 10 %).
pub fn capture_days() -> Vec<BessaDay> {
    days_with_capture_dishes(&[
        ("2026-02-11", 691),
        ("2026-02-12", 692),
        ("2026-02-13", 698),
    ])
}

/// Menu days on the given dates with the capture's dishes (for a kiosk on today's clock).
pub fn days_with_capture_dishes(dates: &[(&str, u64)]) -> Vec<BessaDay> {
    dates
        .iter()
        .map(|&(date, id)| BessaDay {
            date: date.into(),
            id,
            items: vec![
                json!({"id": id * 10, "article": 182378, "name": "M1 W2",
                       "description": "Wiener Schnitzel / Viennese schnitzel (ACGLM)",
                       "price": "4.00", "vat": "10.00", "available_amount": "17",
                       "amount_tracking": true, "allergens": []}),
                json!({"id": id * 10 + 1, "article": 182379, "name": "M5F Salat mit Gebäck DO 2",
                       "description": "Salat / salad (G)", "price": "5.50",
                       "available_amount": "0", "amount_tracking": true}),
            ],
        })
        .collect()
}

/// The running fake. `url()` is the base URL to configure (`…/v1`).
pub struct BessaFake {
    pub server: FakeServer,
    pub state: Arc<Mutex<BessaState>>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

impl BessaFake {
    pub fn start() -> BessaFake {
        let state = Arc::new(Mutex::new(BessaState {
            venue: 591,
            days: capture_days(),
            orders: Vec::new(),
            tokens: vec![CAPTURE_TOKEN.into()],
            accounts: BTreeMap::new(),
            next_id: 1_535_066,
            new_state: 5,
            page_size: 2,
        }));
        let faults: Arc<Mutex<Vec<Fault>>> = Arc::default();
        let (s, f) = (state.clone(), faults.clone());
        let server = FakeServer::start(move |req| with_faults(&f, req, || handle(&s, req)));
        BessaFake {
            server,
            state,
            faults,
        }
    }

    pub fn url(&self) -> String {
        format!("{}/v1", self.server.url())
    }

    pub fn inject(&self, fault: Fault) {
        self.faults.lock().unwrap().push(fault);
    }

    /// Replaces the menu days (see [`days_with_capture_dishes`]).
    pub fn set_days(&self, days: Vec<BessaDay>) {
        self.state.lock().unwrap().days = days;
    }

    pub fn orders(&self) -> Vec<BessaOrder> {
        self.state.lock().unwrap().orders.clone()
    }

    pub fn add_account(&self, email: &str, password: &str, key: &str) {
        let mut s = self.state.lock().unwrap();
        s.accounts
            .insert(email.into(), (password.into(), key.into()));
        s.tokens.push(key.into());
    }

    pub fn set_order_state(&self, id: u64, state: i64) {
        let mut s = self.state.lock().unwrap();
        if let Some(o) = s.orders.iter_mut().find(|o| o.id == id) {
            o.state = state;
        }
    }

    /// The kitchen removes an order (it disappears from the day).
    pub fn remove_order(&self, id: u64) {
        self.state.lock().unwrap().orders.retain(|o| o.id != id);
    }
}

fn token_of(req: &Recorded) -> Option<String> {
    req.header("Authorization")?
        .strip_prefix("Token ")
        .map(str::to_string)
}

fn handle(state: &Mutex<BessaState>, req: &Recorded) -> Reply {
    let mut s = state.lock().unwrap();
    let route = req.route().to_string();
    let Some(route) = route.strip_prefix("/v1") else {
        return Reply::json(404, r#"{"detail":"Not found."}"#);
    };
    if req.is("POST", "/v1/auth/login/") {
        return login(&s, req);
    }
    let token = match token_of(req) {
        Some(t) if s.tokens.contains(&t) => t,
        _ => return Reply::json(401, r#"{"detail":"Invalid token."}"#),
    };
    let venue = s.venue;
    let parts: Vec<&str> = route.trim_matches('/').split('/').collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("GET", ["venues", v, "menu", "dates"]) if *v == venue.to_string() => dates(&s, &token),
        ("GET", ["venues", v, "menu", _t, date]) if *v == venue.to_string() => menu(&s, date),
        ("POST", ["user", "orders"]) => place(&mut s, req, &token),
        ("PATCH", ["user", "orders", id, "cancel"]) => cancel(&mut s, id, &token),
        ("GET", ["user", "orders"]) => list(&s, req, &token),
        _ => Reply::json(404, r#"{"detail":"Not found."}"#),
    }
}

fn login(s: &BessaState, req: &Recorded) -> Reply {
    if token_of(req).as_deref() != Some(GUEST_TOKEN) {
        return Reply::json(401, r#"{"detail":"Invalid token."}"#);
    }
    let body = req.json();
    let email = body["email"].as_str().unwrap_or("");
    let password = body["password"].as_str().unwrap_or("");
    match s.accounts.get(email) {
        Some((p, key)) if p == password => Reply::value(200, &json!({"key": key})),
        _ => Reply::json(
            400,
            r#"{"non_field_errors":["Unable to log in with provided credentials."]}"#,
        ),
    }
}

fn dates(s: &BessaState, token: &str) -> Reply {
    let results: Vec<Value> = s
        .days
        .iter()
        .map(|d| {
            // The capture shows one order per day; the order of several is not documented:
            // newest first here, so a client that assumes the oldest comes first is caught.
            let orders: Vec<Value> = s
                .orders
                .iter()
                .rev()
                .filter(|o| o.token == token && o.day() == d.date)
                .map(BessaOrder::listed)
                .collect();
            json!({"date": d.date, "id": d.id, "orders": orders})
        })
        .collect();
    Reply::value(200, &json!({"results": results}))
}

fn menu(s: &BessaState, date: &str) -> Reply {
    let results: Vec<Value> = s
        .days
        .iter()
        .filter(|d| d.date == date)
        .map(|d| json!({"id": d.id, "date": d.date, "venue": s.venue, "items": d.items}))
        .collect();
    Reply::value(200, &json!({"results": results}))
}

fn place(s: &mut BessaState, req: &Recorded, token: &str) -> Reply {
    let body = req.json();
    let mut missing = BTreeMap::new();
    for field in [
        "customer",
        "date",
        "items",
        "order_type",
        "payment_method",
        "total",
        "venue",
    ] {
        if body.get(field).is_none() {
            missing.insert(field, vec!["This field is required."]);
        }
    }
    if !missing.is_empty() {
        return Reply::value(400, &json!(missing));
    }
    let id = s.next_id;
    s.next_id += 1;
    let total = body["total"].to_string();
    let total = format!("{:.2}", total.parse::<f64>().unwrap_or(0.0));
    let order = BessaOrder {
        id,
        // The first order gets the capture's hash id.
        hash_id: if s.orders.is_empty() {
            "o_xlOaq".into()
        } else {
            format!("o_{id:x}")
        },
        token: token.into(),
        date: body["date"].as_str().unwrap_or("").into(),
        state: s.new_state,
        total: total.clone(),
        item_names: body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["name"].as_str().map(str::to_string))
            .collect(),
        body: body.clone(),
    };
    let answer =
        json!({"id": id, "hash_id": order.hash_id, "order_state": order.state, "total": total});
    s.orders.push(order);
    Reply::value(201, &answer)
}

fn cancel(s: &mut BessaState, id: &str, token: &str) -> Reply {
    let Some(o) = s
        .orders
        .iter_mut()
        .find(|o| o.id.to_string() == id && o.token == token)
    else {
        return Reply::json(404, r#"{"detail":"Not found."}"#);
    };
    o.state = 9;
    Reply::value(
        200,
        &json!({"order_id": o.hash_id, "state": "order cancelled."}),
    )
}

fn list(s: &BessaState, req: &Recorded, token: &str) -> Reply {
    let from = req.query("date__gte").unwrap_or_default();
    let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let mut mine: Vec<&BessaOrder> = s
        .orders
        .iter()
        .filter(|o| o.token == token && o.day() >= from.as_str())
        .collect();
    mine.sort_by(|a, b| b.date.cmp(&a.date));
    let chunk: Vec<Value> = mine
        .iter()
        .skip((page - 1) * s.page_size)
        .take(s.page_size)
        .map(|o| o.in_orders_list())
        .collect();
    let more = mine.len() > page * s.page_size;
    let host = req.header("Host").unwrap_or("127.0.0.1");
    let next = more.then(|| {
        format!(
            "http://{host}/v1/user/orders?venue={}&deleted__isnull=true&date__gte={from}&ordering=-date&page={}",
            s.venue,
            page + 1
        )
    });
    Reply::value(
        200,
        &json!({"count": mine.len(), "next": next, "previous": null, "results": chunk}),
    )
}
