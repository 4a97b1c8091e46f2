//! One HTTP/1.1 exchange on a socket: read the head (parsed by `httparse`, the parser hyper
//! uses), then the body, every read bounded by the request's deadline; write one answer.
//!
//! Only what the kiosk's endpoints need: a Content-Length body (no chunked uploads), one
//! request per connection, `Connection: close` on every answer.

use crate::config::Secret;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The most headers a request may carry (a webhook sends about ten).
const MAX_HEADERS: usize = 64;
/// How long writing an answer may take (it is small and goes into the socket's buffer).
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);
/// After refusing a request whose body was not read: how long, and how much, to read and
/// drop, so that closing does not reset the connection before the client reads the answer.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 256 * 1024;

/// A request as the handlers see it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// What followed the `?` (without it), "" when there was none.
    pub query: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that name (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name` in the query (`?since=12&wait=20`), undecoded (the kiosk's
    /// parameters are numbers and words); the first one where it is given twice.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// Whether the request carries `Authorization: Bearer <token>` (see [`bearer_matches`]).
    pub fn bearer_is(&self, token: &Secret) -> bool {
        bearer_matches(self.header("authorization"), token)
    }

    fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The announced body length: none is 0; a Transfer-Encoding (chunked) is refused, as
    /// is a Content-Length that is not a plain number or that differs between two headers.
    pub(crate) fn body_length(&self) -> Result<usize, Response> {
        if self.header("transfer-encoding").is_some() {
            return Err(Response::text(411, "send a Content-Length"));
        }
        let mut length = None;
        for value in self.headers_named("content-length") {
            let value = value.trim();
            let n = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<usize>().ok())
                .flatten()
                .ok_or_else(|| Response::text(400, "bad length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(Response::text(400, "bad length"));
            }
            length = Some(n);
        }
        Ok(length.unwrap_or(0))
    }

    /// Whether the client waits for `100 Continue` before it sends the body.
    pub(crate) fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}

/// An answer: status, content type, extra headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A plain-text answer.
    pub fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain",
            headers: Vec::new(),
            body: text.as_bytes().to_vec(),
        }
    }

    /// An answer of another content type (e.g. the metrics' text format).
    pub fn with_body(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
        Response {
            status,
            content_type,
            headers: Vec::new(),
            body,
        }
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }
}

/// Whether an `Authorization` header is `Bearer <token>`, compared in constant time (for
/// equal lengths) so the token cannot be guessed byte by byte from response times. An empty
/// token matches nothing.
pub fn bearer_matches(header: Option<&str>, token: &Secret) -> bool {
    let Some(given) = header.and_then(|h| h.trim().strip_prefix("Bearer ")) else {
        return false;
    };
    let (given, wanted) = (given.trim().as_bytes(), token.expose().as_bytes());
    !wanted.is_empty()
        && given.len() == wanted.len()
        && given.iter().zip(wanted).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

/// Why a request was not read to its end.
pub(crate) enum Cut {
    /// Refuse it with this answer (too large, malformed, too slow).
    Answer(Response),
    /// The client went away or the socket failed: nothing to answer.
    Gone(io::Error),
}

/// Reads the request head. Returns the request (without body) and the bytes read past the
/// head (the start of the body).
pub(crate) fn read_head(
    stream: &mut TcpStream,
    deadline: Instant,
    max_head: usize,
) -> Result<(Request, Vec<u8>), Cut> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0; 4096];
    loop {
        let n = read_before(stream, &mut chunk, deadline)?;
        buf.extend_from_slice(&chunk[..n]);
        match parse_head(&buf, max_head)? {
            Some((request, used)) => return Ok((request, buf.split_off(used))),
            None if buf.len() > max_head => return Err(too_large_head()),
            None => {}
        }
    }
}

/// The parsed head and its length, or None while it is incomplete.
fn parse_head(buf: &[u8], max_head: usize) -> Result<Option<(Request, usize)>, Cut> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let used = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(used)) => used,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(too_large_head()),
        Err(_) => return Err(Cut::Answer(Response::text(400, "bad request"))),
    };
    if used > max_head {
        return Err(too_large_head());
    }
    let target = parsed.path.unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let request = Request {
        method: parsed.method.unwrap_or("").to_string(),
        path: path.to_string(),
        query: query.split('#').next().unwrap_or("").to_string(),
        headers: parsed
            .headers
            .iter()
            .map(|h| {
                let value = String::from_utf8_lossy(h.value).into_owned();
                (h.name.to_string(), value)
            })
            .collect(),
        body: Vec::new(),
    };
    Ok(Some((request, used)))
}

fn too_large_head() -> Cut {
    Cut::Answer(Response::text(431, "request head too large"))
}

/// Reads a body of `length` bytes, of which `start` were already read with the head.
pub(crate) fn read_body(
    stream: &mut TcpStream,
    mut start: Vec<u8>,
    length: usize,
    deadline: Instant,
) -> Result<Vec<u8>, Cut> {
    start.truncate(length);
    let mut filled = start.len();
    start.resize(length, 0);
    while filled < length {
        filled += read_before(stream, &mut start[filled..], deadline)?;
    }
    Ok(start)
}

/// One read that returns by the deadline: the socket's timeout is what is left of it. A
/// client too slow for the deadline is answered 408; one that closed is gone.
fn read_before(stream: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> Result<usize, Cut> {
    let timed_out = || Cut::Answer(Response::text(408, "request took too long"));
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(timed_out());
    }
    stream.set_read_timeout(Some(left)).map_err(Cut::Gone)?;
    match stream.read(buf) {
        Ok(0) => Err(Cut::Gone(io::ErrorKind::UnexpectedEof.into())),
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Err(timed_out())
        }
        Err(e) => Err(Cut::Gone(e)),
    }
}

/// Tells a client that waits (`Expect: 100-continue`) to send its body.
pub(crate) fn write_continue(stream: &mut TcpStream) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    stream.flush()
}

/// Writes the answer; the connection closes after it.
pub(crate) fn write_response(stream: &mut TcpStream, r: &Response) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&r.body)?;
    stream.flush()
}

/// Closes after an answer that left request bytes unread: the write side first, then what
/// the client still sends is read and dropped for a moment (bounded in time and size).
pub(crate) fn close_unread(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let until = Instant::now() + LINGER;
    let mut chunk = [0; 4096];
    let mut dropped = 0;
    while dropped < LINGER_BYTES {
        match read_before(stream, &mut chunk, until) {
            Ok(n) => dropped += n,
            Err(_) => break,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        let t = Secret::new("s3cret-token");
        assert!(bearer_matches(Some("Bearer s3cret-token"), &t));
        assert!(bearer_matches(Some("  Bearer s3cret-token "), &t));
        assert!(!bearer_matches(None, &t));
        assert!(!bearer_matches(Some("Bearer s3cret-toke"), &t));
        assert!(!bearer_matches(Some("Bearer s3cret-tokeN"), &t));
        assert!(!bearer_matches(Some("Basic s3cret-token"), &t));
        assert!(!bearer_matches(Some("s3cret-token"), &t));
        assert!(!bearer_matches(Some("Bearer "), &Secret::new("")));
    }
}
