//! The one HTTP client of the vendor adapters, and the one place where the outcome of a call is
//! classified into a [`VendorError`].
//!
//! * One `ureq::Agent` (rustls, connection pool) is built from [`HttpSettings`]; adapters share
//!   it by cloning [`Http`] (a clone shares the pool).
//! * Every request names its call (`"POST /user/orders/"`): errors and log lines name the call
//!   and the status, never a header, a token or a query string.
//! * Secrets that go on the wire are registered with the request ([`Req::secret_header`],
//!   [`Req::scrub`]); whatever text of a reply ends up in an error is scrubbed of them, in case
//!   a vendor echoes a credential back.
//! * Any status comes back as a [`Reply`]; only transport failures are errors here. Adapters
//!   match the statuses they know and hand the rest to [`Reply::error`].

use super::VendorError;
use crate::config::{HttpSettings, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use ureq::Timeout;
use ureq::http::{Method, Request};

/// The longest answer the kiosk reads (a Liefersoft page of orders is the largest expected).
const MAX_BODY: u64 = 8 * 1024 * 1024;
/// How much of a vendor's answer an error message quotes.
const SNIPPET_CHARS: usize = 300;

/// The shared HTTP client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Http")
    }
}

impl Http {
    /// Builds the agent: rustls, the configured connect and read timeouts, a User-Agent naming
    /// the kiosk and its version, no redirects and no status-as-error (statuses are ours).
    pub fn new(settings: &HttpSettings) -> Http {
        let read = Some(settings.read_timeout);
        let config = ureq::Agent::config_builder()
            .user_agent(format!("canteen-kiosk/{}", env!("CARGO_PKG_VERSION")))
            .http_status_as_error(false)
            // A redirect would carry our credential to wherever it points: never follow one.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .timeout_resolve(Some(settings.connect_timeout))
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_send_request(read)
            .timeout_send_body(read)
            .timeout_recv_response(read)
            .timeout_recv_body(read)
            .build();
        Http {
            agent: config.new_agent(),
        }
    }

    /// The process-wide client, built on first use from the first settings it is given.
    pub fn shared(settings: &HttpSettings) -> Http {
        static SHARED: OnceLock<Http> = OnceLock::new();
        SHARED.get_or_init(|| Http::new(settings)).clone()
    }

    /// Starts a request. `call` names it in errors and logs ("GET /orders/{id}"): keep ids
    /// that are not secrets at most, and never a query string.
    pub fn request(
        &self,
        method: Method,
        url: impl Into<String>,
        call: impl Into<String>,
    ) -> Req<'_> {
        Req {
            http: self,
            method,
            url: url.into(),
            call: call.into(),
            headers: Vec::new(),
            body: None,
            secrets: Vec::new(),
        }
    }

    pub fn get(&self, url: impl Into<String>, call: impl Into<String>) -> Req<'_> {
        self.request(Method::GET, url, call)
    }

    pub fn post(&self, url: impl Into<String>, call: impl Into<String>) -> Req<'_> {
        self.request(Method::POST, url, call)
    }
}

/// A request being built.
pub struct Req<'h> {
    http: &'h Http,
    method: Method,
    url: String,
    call: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    secrets: Vec<String>,
}

impl Req<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A header carrying a credential: `prefix` + the secret ("Token ", "Bearer ", "").
    pub fn secret_header(mut self, name: &str, prefix: &str, secret: &Secret) -> Self {
        self.headers
            .push((name.to_string(), format!("{prefix}{}", secret.expose())));
        self.scrub(secret)
    }

    /// Registers a secret that travels in the body (a password), so no error quotes it.
    pub fn scrub(mut self, secret: &Secret) -> Self {
        self.secrets.push(secret.expose().to_string());
        self
    }

    /// A JSON body (and its Content-Type).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        // Serialising our own wire types cannot fail (no maps with non-string keys).
        let bytes = serde_json::to_vec(body).expect("wire types serialise");
        self.body = Some(bytes);
        self.header("Content-Type", "application/json")
    }

    /// A JSON body already serialised (exact numbers such as `69.90` stay as written).
    pub fn json_bytes(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self.header("Content-Type", "application/json")
    }

    /// Sends the request and reads the whole answer. Transport failures are classified here;
    /// every status, 2xx or not, comes back as a [`Reply`].
    pub fn send(self) -> Result<Reply, VendorError> {
        let started = Instant::now();
        let scrubber = Scrubber(self.secrets);
        let call = self.call;
        let mut builder = Request::builder().method(self.method).uri(&self.url);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(self.body.unwrap_or_default()).map_err(|e| {
            VendorError::Config(scrubber.clean(&format!("{call}: bad request: {e}")))
        })?;
        let result = self.http.agent.run(request);
        let mut response = match result {
            Ok(r) => r,
            Err(e) => {
                let err = transport_error(&call, &e, &scrubber);
                log::debug!(
                    "{call}: failed after {} ms: {err}",
                    started.elapsed().as_millis()
                );
                return Err(err);
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| {
                let what = format!("the answer ({status}) broke off");
                scrubbed_no_answer(&call, &what, &e, &scrubber)
            })?;
        log::debug!("{call}: {status} in {} ms", started.elapsed().as_millis());
        Ok(Reply {
            call,
            status,
            headers,
            body,
            retry_after,
            scrubber,
        })
    }
}

/// Removes registered secrets from any text that may reach an error or a log line.
#[derive(Debug, Clone, Default)]
struct Scrubber(Vec<String>);

impl Scrubber {
    fn clean(&self, text: &str) -> String {
        let mut out = text.to_string();
        // Very short values would blank out ordinary words; real credentials are long.
        for s in self.0.iter().filter(|s| s.len() >= 6) {
            out = out.replace(s.as_str(), "***");
        }
        out
    }
}

fn scrubbed_no_answer(call: &str, what: &str, e: &ureq::Error, s: &Scrubber) -> VendorError {
    VendorError::NoAnswer(s.clean(&format!("{call}: {what}: {}", describe(e))))
}

/// A short description of a transport error that cannot contain a header or a body.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Io(io) => io.to_string(),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        other => other.to_string(),
    }
}

/// The classification of transport failures (see [`VendorError`]): nothing sent → Unreachable;
/// possibly sent, no usable answer → NoAnswer; our own mistake → Config.
fn transport_error(call: &str, e: &ureq::Error, s: &Scrubber) -> VendorError {
    use std::io::ErrorKind as K;
    let unreachable =
        |what: &str| VendorError::Unreachable(s.clean(&format!("{call}: {what}: {}", describe(e))));
    match e {
        ureq::Error::HostNotFound => unreachable("host not found"),
        ureq::Error::ConnectionFailed => unreachable("could not connect"),
        ureq::Error::Timeout(Timeout::Connect | Timeout::Resolve) => {
            unreachable("could not connect in time")
        }
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::AddrNotAvailable
                    | K::NetworkUnreachable
                    | K::HostUnreachable
                    | K::NotFound
            ) =>
        {
            unreachable("could not connect")
        }
        // TLS is set up before the request is written: nothing of it reached the vendor.
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::TlsRequired => {
            unreachable("TLS failed")
        }
        ureq::Error::BadUri(_)
        | ureq::Error::Http(_)
        | ureq::Error::RequireHttpsOnly(_)
        | ureq::Error::InvalidProxyUrl => {
            VendorError::Config(s.clean(&format!("{call}: the URL is not usable: {}", describe(e))))
        }
        ureq::Error::Timeout(_) => scrubbed_no_answer(call, "no answer in time", e, s),
        // Dropped connections, protocol garbage and anything unexpected: the request may have
        // arrived, so the caller must reconcile before sending it again.
        _ => scrubbed_no_answer(call, "no usable answer", e, s),
    }
}

/// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let wait = at.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// A vendor's answer: any status, the whole body.
#[derive(Debug)]
pub struct Reply {
    /// The call's name, for error messages.
    pub call: String,
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub retry_after: Option<Duration>,
    scrubber: Scrubber,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Reads the body as `T`. A body that is not what the vendor documents (malformed,
    /// truncated, a required field missing) is a NoAnswer: the request may well have been
    /// processed, so the caller reconciles before any resend.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, VendorError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            VendorError::NoAnswer(self.clean(&format!(
                "{}: unreadable answer ({}): {e}",
                self.call, self.status
            )))
        })
    }

    /// The body as JSON, if it is JSON at all (for error bodies).
    pub fn json_value(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The start of the body, for an error message: scrubbed, at most a few hundred chars.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
        if text.chars().count() > SNIPPET_CHARS {
            out.push('…');
        }
        self.clean(&out)
    }

    /// Scrubs registered secrets out of a text built from this reply.
    pub fn clean(&self, text: &str) -> String {
        self.scrubber.clean(text)
    }

    /// The error for a status the adapter has no special meaning for: 401 → Auth, 429 and 503
    /// → RateLimited, other 5xx → NoAnswer, 3xx → Config (we never follow redirects), other
    /// 4xx → Rejected with the status and the start of the body.
    pub fn error(&self) -> VendorError {
        let call = &self.call;
        let status = self.status;
        match status {
            401 => VendorError::Auth(format!("{call}: credentials refused ({status})")),
            429 | 503 => VendorError::RateLimited {
                retry_after: self.retry_after,
            },
            500..=599 => {
                VendorError::NoAnswer(format!("{call}: server error {status}: {}", self.snippet()))
            }
            300..=399 => VendorError::Config(format!(
                "{call}: answered {status} (a redirect): is the base URL right?"
            )),
            _ => VendorError::Rejected(vec![format!("{call}: {status} {}", self.snippet())]),
        }
    }

    /// Like [`Reply::error`], but a 4xx refusal carries these messages for a person.
    pub fn error_with(&self, messages: Vec<String>) -> VendorError {
        match self.error() {
            VendorError::Rejected(_) if !messages.is_empty() => {
                VendorError::Rejected(messages.iter().map(|m| self.clean(m)).collect())
            }
            other => other,
        }
    }
}

/// Joins a base URL and a path without doubling or losing the slash.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Percent-encodes one path segment (an id chosen by us or by a vendor).
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes a query value.
pub fn query_value(s: &str) -> String {
    segment(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO),
            "a date in the past means: now"
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn secrets_are_scrubbed_and_snippets_are_short() {
        let s = Scrubber(vec!["dba7d86e83c7f462".into(), "ab".into()]);
        assert_eq!(s.clean("token dba7d86e83c7f462 ab"), "token *** ab");
        let reply = Reply {
            call: "GET /x".into(),
            status: 400,
            headers: vec![],
            body: "é".repeat(1000).into_bytes(),
            retry_after: None,
            scrubber: Scrubber::default(),
        };
        assert_eq!(reply.snippet().chars().count(), SNIPPET_CHARS + 1);
    }

    #[test]
    fn paths_are_joined_and_encoded() {
        assert_eq!(
            join("http://h/v1/", "/user/orders/"),
            "http://h/v1/user/orders/"
        );
        assert_eq!(segment("a b/c"), "a%20b%2Fc");
        assert_eq!(segment("29261444-5ff8"), "29261444-5ff8");
    }
}
