//! The receiver of Liefersoft webhook events (ORDER_CONFIRMED, ORDER_PROCESSED,
//! ORDER_CANCELLED).
//!
//! Order of work for every request: read the raw body (bounded), verify `X-Signature-SHA256`
//! = base64(HMAC-SHA256(secret, raw body)) in constant time, and only then parse it. A
//! duplicate event (Liefersoft retries) is acknowledged and dropped.
//!
//! The listener is a small blocking HTTP/1.1 server on a std `TcpListener` (one thread,
//! connections one at a time with short timeouts): events are rare and tiny, and the kiosk
//! sits behind a TLS-terminating proxy that owns the public https URL.

use super::liefersoft::LiefersoftOrder;
use super::{RemoteOrder, RemoteState, RemoteUpdate};
use crate::config::Secret;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::collections::{HashSet, VecDeque};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

/// The name of the signature header.
pub const SIGNATURE_HEADER: &str = "X-Signature-SHA256";
/// The largest event body accepted (the documented example is 1.2 KB).
pub const MAX_BODY: usize = 64 * 1024;
/// The largest request head (request line and headers).
const MAX_HEAD: usize = 16 * 1024;
/// How long a connection may take to send its request.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

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

/// Remembers which event ids were handled. The listener keeps the last ones in memory; the
/// store may implement this on SQLite to survive restarts.
pub trait SeenEvents {
    /// True the first time an id is offered, false for a repeat.
    fn first_time(&mut self, event_id: &str) -> bool;
}

/// The last `capacity` event ids, in memory.
#[derive(Debug, Clone)]
pub struct RecentEvents {
    capacity: usize,
    set: HashSet<String>,
    order: VecDeque<String>,
}

impl RecentEvents {
    pub fn new(capacity: usize) -> RecentEvents {
        RecentEvents {
            capacity: capacity.max(1),
            set: HashSet::new(),
            order: VecDeque::new(),
        }
    }
}

impl SeenEvents for RecentEvents {
    fn first_time(&mut self, event_id: &str) -> bool {
        if self.set.contains(event_id) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(event_id.to_string());
        self.order.push_back(event_id.to_string());
        true
    }
}

/// Listens on `listen` (e.g. "0.0.0.0:8443") and calls `on_update` for every new, correctly
/// signed event. Answers 401 to a bad signature, 200 to a good or a duplicate event, 400 to a
/// body that is not an event, 413 to a body over [`MAX_BODY`].
pub fn serve(
    listen: &str,
    secret: Secret,
    on_update: impl Fn(RemoteUpdate) + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    let listener = TcpListener::bind(listen)?;
    serve_on(
        listener,
        secret,
        Box::new(RecentEvents::new(1000)),
        on_update,
    )
}

/// [`serve`] on a bound listener with a chosen memory of seen events (tests bind port 0; the
/// store may pass a persistent [`SeenEvents`]).
pub fn serve_on(
    listener: TcpListener,
    secret: Secret,
    mut seen: Box<dyn SeenEvents + Send>,
    on_update: impl Fn(RemoteUpdate) + Send + 'static,
) -> io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("webhook".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                if let Err(e) = handle(stream, &secret, seen.as_mut(), &on_update) {
                    log::debug!("webhook: connection ended: {e}");
                }
            }
        })
}

/// The parts of a request the receiver looks at.
struct Incoming {
    method: String,
    signature: Option<String>,
    body: Vec<u8>,
}

enum ReadError {
    Io(io::Error),
    /// Answer with this status and text.
    Refuse(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

fn handle(
    stream: TcpStream,
    secret: &Secret,
    seen: &mut dyn SeenEvents,
    on_update: &dyn Fn(RemoteUpdate),
) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let (status, text) = match read_request(&mut reader) {
        Err(ReadError::Io(e)) => return Err(e),
        Err(ReadError::Refuse(status, text)) => (status, text),
        Ok(req) => decide(&req, secret, seen, on_update),
    };
    respond(stream, status, text)
}

/// What to answer a complete request: signature first, then the body, then duplicates.
fn decide(
    req: &Incoming,
    secret: &Secret,
    seen: &mut dyn SeenEvents,
    on_update: &dyn Fn(RemoteUpdate),
) -> (u16, &'static str) {
    if req.method != "POST" {
        return (405, "only POST");
    }
    let signed = req
        .signature
        .as_deref()
        .is_some_and(|sig| verify_signature(secret, &req.body, sig));
    if !signed {
        log::warn!("webhook: refused an event with a missing or wrong signature");
        return (401, "bad signature");
    }
    let event = match parse_event(&req.body) {
        Ok(e) => e,
        Err(e) => {
            log::warn!("webhook: {e}");
            return (400, "not an order event");
        }
    };
    if !seen.first_time(&event.event_id) {
        return (200, "duplicate");
    }
    log::info!(
        "webhook: {} for order {}",
        event.event_type,
        event.order.order_id
    );
    on_update(event_update(&event));
    (200, "ok")
}

fn read_request(r: &mut impl BufRead) -> Result<Incoming, ReadError> {
    let mut head_len = 0;
    let mut line = String::new();
    let mut next_line = |line: &mut String| -> Result<(), ReadError> {
        line.clear();
        let n = r
            .by_ref()
            .take((MAX_HEAD + 1 - head_len) as u64)
            .read_line(line)?;
        head_len += n;
        if n == 0 {
            return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        if head_len > MAX_HEAD {
            return Err(ReadError::Refuse(431, "request head too large"));
        }
        Ok(())
    };
    next_line(&mut line)?;
    let method = line.split_whitespace().next().unwrap_or("").to_string();
    let (mut length, mut signature, mut chunked) = (None, None, false);
    loop {
        next_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Refuse(400, "bad header"));
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| ReadError::Refuse(400, "bad length"))?,
                )
            }
            "transfer-encoding" => chunked = true,
            "x-signature-sha256" => signature = Some(value.to_string()),
            _ => {}
        }
    }
    if chunked {
        return Err(ReadError::Refuse(411, "send a Content-Length"));
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(ReadError::Refuse(413, "body too large"));
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok(Incoming {
        method,
        signature,
        body,
    })
}

fn respond(mut stream: TcpStream, status: u16, text: &str) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_events_forget_the_oldest() {
        let mut seen = RecentEvents::new(2);
        assert!(seen.first_time("a"));
        assert!(!seen.first_time("a"));
        assert!(seen.first_time("b"));
        assert!(seen.first_time("c"));
        assert!(seen.first_time("a"), "a was pushed out by b and c");
        assert!(!seen.first_time("c"));
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
