//! The receiver of Liefersoft webhook events (ORDER_CONFIRMED, ORDER_PROCESSED,
//! ORDER_CANCELLED).
//!
//! Order of work for every request: read the raw body (bounded), verify `X-Signature-SHA256`
//! = base64(HMAC-SHA256(secret, raw body)) in constant time, only then parse it, and keep it
//! in the store (`webhook_events`, event id unique) before answering 2xx: the platform does
//! not send an acknowledged event again, so one only in memory would be lost with the process.
//! The worker applies kept events; a repeat (the platform retries after a non-2xx) is
//! acknowledged and dropped, across restarts.
//!
//! The receiver is a set of routes on the kiosk's HTTP server (`crate::serve`), which owns
//! the connections and their limits; the kiosk sits behind a TLS-terminating proxy that
//! owns the public https URL.

use super::liefersoft::LiefersoftOrder;
use super::{RemoteOrder, RemoteState, RemoteUpdate};
use crate::config::{Secret, WebhookSettings};
use crate::domain::Clock;
use crate::metrics::{Metrics, WebhookRefusal};
use crate::serve::{Limits, Mount, Request, Response, Router};
use crate::store::Store;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::sync::{Arc, Mutex, PoisonError};

/// The name of the signature header.
pub const SIGNATURE_HEADER: &str = "X-Signature-SHA256";
/// The largest event body accepted (the documented example is 1.2 KB).
pub const MAX_BODY: usize = 64 * 1024;

/// Whether `header_value` is base64(HMAC-SHA256(secret, raw_body)). Constant-time compare
/// (`verify_slice`); call it on the raw bytes before parsing anything.
pub fn verify_signature(secret: &Secret, raw_body: &[u8], header_value: &str) -> bool {
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(header_value.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) else {
        return false;
    };
    mac.update(raw_body);
    mac.verify_slice(&expected).is_ok()
}

/// The signature a sender computes (for tests and a future "send a test event" command).
pub fn sign(secret: &Secret, raw_body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(raw_body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// An order event (table 20 of the document).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    pub event_id: String,
    #[serde(default)]
    pub webhook_id: Option<String>,
    #[serde(default)]
    pub company_index: Option<String>,
    #[serde(default)]
    pub restaurant_id: Option<String>,
    pub event_type: String,
    pub order: LiefersoftOrder,
}

/// Parses an event body (after its signature was verified).
pub fn parse_event(raw: &[u8]) -> Result<WebhookEvent, String> {
    serde_json::from_slice(raw).map_err(|e| format!("not a Liefersoft order event: {e}"))
}

/// The update an event means. The event type decides (the document's own example sends
/// ORDER_CONFIRMED with an order whose platformStatus is already PROCESSED).
pub fn event_update(ev: &WebhookEvent) -> RemoteUpdate {
    let (state, reason) = match ev.event_type.as_str() {
        "ORDER_CONFIRMED" => (RemoteState::Confirmed, None),
        "ORDER_PROCESSED" => (RemoteState::Done, None),
        "ORDER_CANCELLED" => (
            RemoteState::KitchenCancelled,
            Some("cancelled by the restaurant".to_string()),
        ),
        _ => (RemoteState::Unrecognised, None),
    };
    RemoteUpdate {
        order_id: Some(ev.order.order_id.clone()),
        remote: RemoteOrder {
            vendor_ref: ev.order.id.clone(),
            vendor_hash: None,
            state,
            raw_status: ev.event_type.clone(),
            reason,
        },
    }
}

/// Where verified events are kept before the receiver acknowledges them.
pub trait KeepEvents: Send {
    /// Keeps the event durably. `Ok(true)`: new; `Ok(false)`: kept before (a repeat);
    /// `Err`: not kept, the receiver answers 503 so the platform sends it again.
    fn keep(&mut self, event_id: &str, raw_body: &[u8]) -> Result<bool, String>;
}

/// Keeps a venue's events in the store (`webhook_events`), where the worker applies them.
pub struct StoreKeeper {
    pub store: Store,
    pub venue: String,
    pub clock: Arc<dyn Clock>,
}

impl KeepEvents for StoreKeeper {
    fn keep(&mut self, event_id: &str, raw_body: &[u8]) -> Result<bool, String> {
        // The body parsed as JSON, so it is UTF-8.
        let body = std::str::from_utf8(raw_body).map_err(|e| format!("body not UTF-8: {e}"))?;
        self.store
            .keep_webhook_event(&self.venue, event_id, body, self.clock.now())
            .map_err(|e| format!("{e} — {}", e.advice()))
    }
}

/// The paths a proxy may forward events to: the path of the public URL (a proxy that keeps
/// it) and "/" (one that strips it).
pub fn paths(public_url: &str) -> Vec<String> {
    let after_host = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let path = after_host.find('/').map_or("/", |i| &after_host[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut paths = vec![path.to_string()];
    if path != "/" {
        paths.push("/".to_string());
    }
    paths
}

/// The receiver of one venue as an endpoint on its `listen` address: keeps every new,
/// correctly signed event in the store, then calls `on_kept` (to wake the worker); counts
/// what it accepted and refused into `metrics`. See [`router`].
pub fn mount(
    hook: &WebhookSettings,
    venue: &str,
    keeper: StoreKeeper,
    on_kept: impl Fn() + Send + 'static,
    metrics: Arc<Metrics>,
) -> Mount {
    let routes = router(
        &paths(&hook.public_url),
        hook.secret.clone(),
        Box::new(keeper),
        on_kept,
        Counted {
            metrics,
            venue: venue.to_string(),
        },
    );
    Mount {
        what: format!("the webhook receiver of {venue}"),
        listen: hook.listen.clone(),
        router: routes,
        limits: Limits::default(),
    }
}

/// The receiver's routes: POST on each of `paths`, bodies up to [`MAX_BODY`] (else 413).
/// Answers 401 to a bad signature, 400 to a body that is not an event, 200 once a new event
/// is kept (and to a repeat: it was kept before), 503 when it cannot be kept (the platform
/// sends it again). Each answer is counted in `counted`.
pub fn router(
    paths: &[String],
    secret: Secret,
    keeper: Box<dyn KeepEvents>,
    on_kept: impl Fn() + Send + 'static,
    counted: Counted,
) -> Router {
    let receiver = Arc::new(Receiver {
        secret,
        after_check: Mutex::new((keeper, Box::new(on_kept))),
        counted,
    });
    paths.iter().fold(Router::new(), |routes, path| {
        let receiver = receiver.clone();
        routes.route("POST", path.as_str(), MAX_BODY, move |req| {
            receiver.decide(req)
        })
    })
}

/// The state of one receiver. Keeping and waking happen under one lock, so two deliveries of
/// the same event at once still count as one.
struct Receiver {
    secret: Secret,
    after_check: Mutex<(Box<dyn KeepEvents>, OnKept)>,
    counted: Counted,
}

/// Where a receiver counts its answers: the process's metrics, under its venue.
pub struct Counted {
    pub metrics: Arc<Metrics>,
    pub venue: String,
}

impl Counted {
    fn refused(&self, why: WebhookRefusal) {
        self.metrics.count_webhook_refused(&self.venue, why);
    }

    fn accepted(&self) {
        self.metrics.count_webhook_accepted(&self.venue);
    }
}

/// Called after a new event was kept (wakes the worker).
type OnKept = Box<dyn Fn() + Send>;

impl Receiver {
    /// What to answer a complete request: signature first, then the body, then keeping it.
    fn decide(&self, req: &Request) -> Response {
        let signed = req
            .header(SIGNATURE_HEADER)
            .is_some_and(|sig| verify_signature(&self.secret, &req.body, sig));
        if !signed {
            log::warn!("webhook: refused an event with a missing or wrong signature");
            self.counted.refused(WebhookRefusal::BadSignature);
            return Response::text(401, "bad signature");
        }
        let event = match parse_event(&req.body) {
            Ok(e) => e,
            Err(e) => {
                log::warn!("webhook: {e}");
                self.counted.refused(WebhookRefusal::BadBody);
                return Response::text(400, "not an order event");
            }
        };
        let mut after_check = self
            .after_check
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (keeper, on_kept) = &mut *after_check;
        match keeper.keep(&event.event_id, &req.body) {
            Ok(true) => {
                log::info!(
                    "webhook: {} for order {} kept",
                    event.event_type,
                    event.order.order_id
                );
                on_kept();
                self.counted.accepted();
                Response::text(200, "ok")
            }
            Ok(false) => {
                self.counted.accepted();
                Response::text(200, "duplicate")
            }
            Err(e) => {
                log::error!(
                    "webhook: event {} not kept, answered 503 so the platform sends it again: {e}",
                    event.event_id
                );
                self.counted.refused(WebhookRefusal::NotKept);
                Response::text(503, "cannot keep the event now")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_taken_at_the_public_path_and_at_the_root() {
        assert_eq!(
            paths("https://kiosk.example.com/liefersoft?x=1"),
            ["/liefersoft", "/"]
        );
        assert_eq!(paths("https://kiosk.example.com"), ["/"]);
        assert_eq!(paths("https://kiosk.example.com/"), ["/"]);
    }

    #[test]
    fn signatures_round_trip_and_garbage_is_refused() {
        let s = Secret::new("secret-123");
        let sig = sign(&s, b"{}");
        assert!(verify_signature(&s, b"{}", &sig));
        assert!(!verify_signature(&s, b"{ }", &sig));
        assert!(!verify_signature(&s, b"{}", "not base64!"));
        assert!(!verify_signature(&s, b"{}", ""));
    }
}
