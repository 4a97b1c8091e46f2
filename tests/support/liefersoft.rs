//! A fake Liefersoft platform with vendor-side state: login issuing JWTs with an `exp`, 202
//! creates keyed by the client's `orderId`, get by id and by ref id, the restaurant's Spring
//! page of orders, status changes, and the webhook CRUD calls.

use super::server::{FakeServer, Fault, Recorded, Reply, with_faults};
use base64::Engine;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub const LOGIN: &str = "some.user@example.com";
pub const PASSWORD: &str = "abc-123-pass-very-secret";
pub const COMPANY: &str = "71d53cad-7e6d-4912-96b3-3efb599f81be";
pub const RESTAURANT: &str = "restaurantId-123";

#[derive(Debug, Clone)]
pub struct LsOrder {
    /// The platform's id.
    pub id: String,
    /// The client's ref id.
    pub order_id: String,
    pub status: String,
    /// The create body as received.
    pub body: Value,
}

impl LsOrder {
    fn json(&self) -> Value {
        let mut v = self.body.clone();
        v["id"] = json!(self.id);
        v["platformStatus"] = json!(self.status);
        v["createdDate"] = json!("2026-02-11T10:00:00");
        v
    }
}

#[derive(Debug)]
pub struct LsState {
    /// Seconds a token lives (the platform: 300).
    pub token_ttl: i64,
    /// Tokens currently accepted.
    pub valid_tokens: Vec<String>,
    pub logins: usize,
    /// Every login is refused (credentials revoked on the platform).
    pub refuse_logins: bool,
    pub orders: Vec<LsOrder>,
    /// (id, url, secret)
    pub webhooks: Vec<(String, String, String)>,
    next: u64,
}

pub struct LiefersoftFake {
    pub server: FakeServer,
    pub state: Arc<Mutex<LsState>>,
    faults: Arc<Mutex<Vec<Fault>>>,
}

/// An unsigned JWT whose payload carries `exp` (the client does not check signatures).
pub fn jwt(exp: i64, n: u64) -> String {
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(json!({"alg": "RS256", "typ": "JWT"})),
        b64(json!({"exp": exp, "iat": exp - 300, "jti": n}))
    )
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn exp_of(token: &str) -> i64 {
    let payload = token.split('.').nth(1).unwrap_or("");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap_or_default();
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v["exp"].as_i64())
        .unwrap_or(0)
}

impl LiefersoftFake {
    pub fn start() -> LiefersoftFake {
        let state = Arc::new(Mutex::new(LsState {
            token_ttl: 300,
            valid_tokens: Vec::new(),
            logins: 0,
            refuse_logins: false,
            orders: Vec::new(),
            webhooks: Vec::new(),
            next: 1,
        }));
        let faults: Arc<Mutex<Vec<Fault>>> = Arc::default();
        let (s, f) = (state.clone(), faults.clone());
        let server = FakeServer::start(move |req| with_faults(&f, req, || handle(&s, req)));
        LiefersoftFake {
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

    pub fn orders(&self) -> Vec<LsOrder> {
        self.state.lock().unwrap().orders.clone()
    }

    pub fn logins(&self) -> usize {
        self.state.lock().unwrap().logins
    }

    /// While `refuse`, every login gets 401 (the kiosk's credentials were revoked).
    pub fn refuse_logins(&self, refuse: bool) {
        self.state.lock().unwrap().refuse_logins = refuse;
    }

    /// The platform forgets every token: the next call gets 401.
    pub fn revoke_tokens(&self) {
        self.state.lock().unwrap().valid_tokens.clear();
    }

    pub fn set_ttl(&self, seconds: i64) {
        self.state.lock().unwrap().token_ttl = seconds;
    }

    /// An order placed elsewhere (the platform's web shop, another till): `items` as
    /// (name, quantity, price). `pre_order` `None` leaves the field out.
    pub fn add_order(
        &self,
        order_id: &str,
        customer: &str,
        pre_order: Option<&str>,
        status: &str,
        items: &[(&str, u32, &str)],
    ) {
        let mut s = self.state.lock().unwrap();
        s.next += 1;
        let id = format!("7b3a0c11-0000-4000-8000-{:012}", s.next);
        let items: Vec<Value> = items
            .iter()
            .map(|(name, quantity, price)| {
                json!({"itemCode": name.to_lowercase(), "name": name, "quantity": quantity,
                       "price": price.parse::<f64>().unwrap(), "itemType": "MAIN_DISH"})
            })
            .collect();
        let mut body = json!({"orderId": order_id, "orderType": "PICKUP", "items": items,
                              "customer": {"name": customer}});
        if let Some(p) = pre_order {
            body["preOrder"] = json!(p);
        }
        s.orders.push(LsOrder {
            id,
            order_id: order_id.into(),
            status: status.into(),
            body,
        });
    }

    /// Requests of the restaurant's order list so far.
    pub fn list_calls(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.is("GET", &format!("/{RESTAURANT}/orders")))
            .count()
    }

    pub fn set_status(&self, order_id: &str, status: &str) {
        let mut s = self.state.lock().unwrap();
        if let Some(o) = s.orders.iter_mut().find(|o| o.order_id == order_id) {
            o.status = status.into();
        }
    }
}

fn handle(state: &Mutex<LsState>, req: &Recorded) -> Reply {
    let mut s = state.lock().unwrap();
    if req.is("POST", "/login") {
        if s.refuse_logins {
            return Reply::json(401, r#"{"status":401,"message":"Bad credentials"}"#);
        }
        return login(&mut s, req);
    }
    let authorised = req
        .header("Authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|t| s.valid_tokens.iter().any(|v| v == t) && exp_of(t) > now());
    if !authorised {
        return Reply::json(
            401,
            r#"{"status":401,"error":"Unauthorized","message":"Full authentication is required"}"#,
        );
    }
    let parts: Vec<String> = req
        .route()
        .trim_matches('/')
        .split('/')
        .map(str::to_string)
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match (req.method.as_str(), parts.as_slice()) {
        ("POST", ["orders"]) => create(&mut s, req),
        ("GET", ["orders", id, "ref"]) => by(&s, |o| o.order_id == *id),
        ("GET", ["orders", id]) => by(&s, |o| o.id == *id),
        ("GET", ["webhooks"]) => {
            let list: Vec<Value> = s
                .webhooks
                .iter()
                .map(|(id, url, _)| json!({"id": id, "url": url}))
                .collect();
            Reply::value(200, &json!(list))
        }
        ("POST", ["webhooks"]) => {
            let b = req.json();
            let id = format!("00000000-aaaa-aaaa-aaaa-{:012}", s.next);
            s.next += 1;
            let (url, secret) = (
                b["url"].as_str().unwrap_or("").to_string(),
                b["secret"].as_str().unwrap_or("").to_string(),
            );
            s.webhooks.push((id.clone(), url.clone(), secret));
            Reply::value(200, &json!({"id": id, "url": url}))
        }
        ("PUT", ["webhooks", id]) => {
            let b = req.json();
            match s.webhooks.iter_mut().find(|w| w.0 == *id) {
                Some(w) => {
                    w.1 = b["url"].as_str().unwrap_or("").into();
                    w.2 = b["secret"].as_str().unwrap_or("").into();
                    Reply::value(200, &json!({"id": w.0, "url": w.1}))
                }
                None => Reply::json(404, r#"{"message":"webhook not found"}"#),
            }
        }
        ("DELETE", ["webhooks", id]) => {
            s.webhooks.retain(|w| w.0 != *id);
            Reply::status(200)
        }
        ("GET", [restaurant, "orders"]) if *restaurant == RESTAURANT => page(&s, req),
        _ => Reply::json(404, r#"{"status":404,"error":"Not Found"}"#),
    }
}

fn login(s: &mut LsState, req: &Recorded) -> Reply {
    let b = req.json();
    if b["login"] != LOGIN || b["password"] != PASSWORD || b["companyId"] != COMPANY {
        return Reply::json(
            401,
            r#"{"status":401,"error":"Unauthorized","message":"Bad credentials"}"#,
        );
    }
    s.logins += 1;
    s.next += 1;
    let token = jwt(now() + s.token_ttl, s.next);
    s.valid_tokens.push(token.clone());
    Reply::value(200, &json!({"accessToken": token}))
}

fn create(s: &mut LsState, req: &Recorded) -> Reply {
    let b = req.json();
    let Some(order_id) = b["orderId"].as_str().map(str::to_string) else {
        return Reply::json(
            400,
            r#"{"status":400,"message":"orderId: must not be empty"}"#,
        );
    };
    if s.orders.iter().any(|o| o.order_id == order_id) {
        return Reply::json(
            409,
            r#"{"status":409,"message":"Order with this orderId already exists"}"#,
        );
    }
    let id = format!("8c5cbd97-200f-4973-9c9d-{:012}", s.next);
    s.next += 1;
    s.orders.push(LsOrder {
        id: id.clone(),
        order_id,
        status: "ACCEPTED".into(),
        body: b,
    });
    Reply::value(202, &json!({"remoteResponse": {"id": id}}))
}

fn by(s: &LsState, pick: impl Fn(&LsOrder) -> bool) -> Reply {
    match s.orders.iter().find(|o| pick(o)) {
        Some(o) => Reply::value(200, &o.json()),
        None => Reply::json(
            404,
            r#"{"status":404,"error":"Not Found","message":"Order not found"}"#,
        ),
    }
}

fn page(s: &LsState, req: &Recorded) -> Reply {
    let page: usize = req.query("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let size: usize = req
        .query("size")
        .and_then(|p| p.parse().ok())
        .unwrap_or(20)
        .max(1);
    let content: Vec<Value> = s
        .orders
        .iter()
        .skip(page * size)
        .take(size)
        .map(LsOrder::json)
        .collect();
    let total = s.orders.len();
    let pages = total.div_ceil(size);
    Reply::value(
        200,
        &json!({"content": content, "pageable": "INSTANCE", "last": page + 1 >= pages, "totalPages": pages,
                "totalElements": total, "size": size, "number": page,
                "sort": {"empty": true, "sorted": false, "unsorted": true},
                "first": page == 0, "numberOfElements": content.len(), "empty": content.is_empty()}),
    )
}
