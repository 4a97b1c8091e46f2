//! A tiny HTTP/1.1 server for tests: binds 127.0.0.1:0, serves each connection on its own
//! thread, records every request (method, path with query, headers, body) and answers from
//! a per-test handler. Every answer closes the connection, which keeps the client's pool out
//! of the picture.
//!
//! Besides ordinary answers it can delay an answer past the client's timeout, drop the
//! connection without answering, and send a truncated body.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent ("/v1/user/orders?venue=591").
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }

    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.path.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| v.to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (panics with the body if it is not JSON: a test failure).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.text()))
    }

    /// `METHOD /route`.
    pub fn is(&self, method: &str, route: &str) -> bool {
        self.method == method && self.route() == route
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Waits, then answers (past the client's timeout if the test wants a timeout).
    Delayed(Duration, Box<Reply>),
    /// Reads the request, then closes the connection without a byte.
    Drop,
    /// Announces the whole body in Content-Length but sends only `keep` bytes, then closes.
    Truncated {
        status: u16,
        body: Vec<u8>,
        keep: usize,
    },
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Reply {
        Reply::Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into().into_bytes(),
        }
    }

    pub fn value(status: u16, body: &serde_json::Value) -> Reply {
        Reply::json(status, body.to_string())
    }

    pub fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply::Answer {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: body.into().into_bytes(),
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON answer cut off after `keep` bytes.
    pub fn truncated(status: u16, body: impl Into<String>, keep: usize) -> Reply {
        Reply::Truncated {
            status,
            body: body.into().into_bytes(),
            keep,
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Answer {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.into(), value.into()));
                Reply::Answer {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }

    pub fn delayed(self, by: Duration) -> Reply {
        Reply::Delayed(by, Box::new(self))
    }
}

type Handler = Box<dyn FnMut(&Recorded) -> Reply + Send>;

/// A running test server. Stops accepting when dropped.
pub struct FakeServer {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl FakeServer {
    /// Starts a server whose every answer comes from `handler`.
    pub fn start(handler: impl FnMut(&Recorded) -> Reply + Send + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Mutex<Handler>> = Arc::new(Mutex::new(Box::new(handler)));
        let (reqs, stopping) = (requests.clone(), stop.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (reqs, handler) = (reqs.clone(), handler.clone());
                thread::spawn(move || serve_one(stream, &reqs, &handler));
            }
        });
        FakeServer {
            addr,
            requests,
            stop,
        }
    }

    /// Answers with `replies` in order; after the last one, 500 "script exhausted".
    pub fn scripted(replies: Vec<Reply>) -> FakeServer {
        let mut queue: VecDeque<Reply> = replies.into();
        FakeServer::start(move |_| {
            queue
                .pop_front()
                .unwrap_or_else(|| Reply::text(500, "script exhausted"))
        })
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(100));
    }
}

fn serve_one(stream: TcpStream, reqs: &Mutex<Vec<Recorded>>, handler: &Mutex<Handler>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some(req) = read_request(&stream) else {
        return;
    };
    reqs.lock().unwrap().push(req.clone());
    let reply = (handler.lock().unwrap())(&req);
    write_reply(stream, reply);
}

fn read_request(stream: &TcpStream) -> Option<Recorded> {
    let mut r = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        208 => "Already Reported",
        226 => "IM Used",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head(status: u16, headers: &[(String, String)], len: usize) -> String {
    let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str(&format!(
        "Content-Length: {len}\r\nConnection: close\r\n\r\n"
    ));
    h
}

fn write_reply(mut stream: TcpStream, reply: Reply) {
    match reply {
        Reply::Answer {
            status,
            headers,
            body,
        } => {
            let _ = stream.write_all(head(status, &headers, body.len()).as_bytes());
            let _ = stream.write_all(&body);
        }
        Reply::Delayed(by, inner) => {
            thread::sleep(by);
            write_reply(stream, *inner);
            return;
        }
        Reply::Drop => {}
        Reply::Truncated { status, body, keep } => {
            let json = vec![("Content-Type".to_string(), "application/json".to_string())];
            let _ = stream.write_all(head(status, &json, body.len()).as_bytes());
            let _ = stream.write_all(&body[..keep.min(body.len())]);
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

/// A fault to inject into a stateful fake: consumed by the first request it matches.
#[derive(Debug, Clone)]
pub struct Fault {
    pub method: String,
    /// Matches when the request's route contains this text.
    pub route_contains: String,
    /// `true`: the fake first handles the request (state changes: the order arrived), then
    /// answers with `reply` instead — a lost answer. `false`: `reply` replaces the handling.
    pub after_processing: bool,
    pub reply: Reply,
}

impl Fault {
    /// Answer `reply` instead of handling the request.
    pub fn instead(method: &str, route_contains: &str, reply: Reply) -> Fault {
        Fault {
            method: method.into(),
            route_contains: route_contains.into(),
            after_processing: false,
            reply,
        }
    }

    /// Handle the request, then answer `reply` (e.g. [`Reply::Drop`]): the vendor has it, the
    /// kiosk does not know.
    pub fn after(method: &str, route_contains: &str, reply: Reply) -> Fault {
        Fault {
            after_processing: true,
            ..Fault::instead(method, route_contains, reply)
        }
    }

    fn matches(&self, r: &Recorded) -> bool {
        r.method == self.method && r.route().contains(&self.route_contains)
    }
}

/// Applies the first matching fault around a fake's own handling.
pub fn with_faults(
    faults: &Mutex<Vec<Fault>>,
    req: &Recorded,
    handle: impl FnOnce() -> Reply,
) -> Reply {
    let fault = {
        let mut f = faults.lock().unwrap();
        f.iter().position(|x| x.matches(req)).map(|i| f.remove(i))
    };
    match fault {
        Some(f) if f.after_processing => {
            let _ = handle();
            f.reply
        }
        Some(f) => f.reply,
        None => handle(),
    }
}
