//! The HTTP server (src/serve/) against real clients on 127.0.0.1: routing, the head and body
//! limits, `Expect: 100-continue`, the whole-request deadline and the bounded pool.

use canteen_kiosk::serve::{Limits, Response, Router, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A server with an echo route (POST /echo, bodies up to 1 KiB) and GET /hello.
fn start(limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let routes = Router::new()
        .route("POST", "/echo", 1024, |req| Response {
            body: req.body.clone(),
            ..Response::text(200, "")
        })
        .route("GET", "/hello", 0, |_| Response::text(200, "hello"))
        .route("GET", "/panic", 0, |_| panic!("a handler bug"));
    Server::start(listener, routes, limits)
        .unwrap()
        .local_addr()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// Everything the server sends until it closes.
fn read_all(s: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn status(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn send(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = connect(addr);
    s.write_all(request).unwrap();
    read_all(&mut s)
}

/// The answer's body (after the blank line).
fn body(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

#[test]
fn requests_are_routed_by_path_and_method() {
    let addr = start(Limits::default());
    let ok = send(
        addr,
        b"POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    );
    assert_eq!((status(&ok), body(&ok)), (200, "hello"));
    assert!(ok.contains("Connection: close\r\n"), "{ok}");
    let q = send(addr, b"GET /hello?x=1 HTTP/1.1\r\nHost: k\r\n\r\n");
    assert_eq!((status(&q), body(&q)), (200, "hello"));
    assert_eq!(status(&send(addr, b"GET /nope HTTP/1.1\r\n\r\n")), 404);
    let wrong = send(addr, b"GET /echo HTTP/1.1\r\n\r\n");
    assert_eq!(status(&wrong), 405);
    assert!(wrong.contains("Allow: POST\r\n"), "{wrong}");
    assert_eq!(status(&send(addr, b"NOT HTTP\r\n\r\n")), 400);
    let chunked = b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert_eq!(status(&send(addr, chunked)), 411);
    assert_eq!(status(&send(addr, b"GET /panic HTTP/1.1\r\n\r\n")), 500);
    // The worker that ran the panicking handler still serves.
    for _ in 0..4 {
        assert_eq!(status(&send(addr, b"GET /hello HTTP/1.1\r\n\r\n")), 200);
    }
}

#[test]
fn a_head_over_16_kib_is_refused_with_431() {
    let addr = start(Limits::default());
    let big = format!(
        "GET /hello HTTP/1.1\r\nX-Filler: {}\r\n\r\n",
        "a".repeat(17 * 1024)
    );
    assert_eq!(status(&send(addr, big.as_bytes())), 431);
    let many: String = (0..100).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET /hello HTTP/1.1\r\n{many}\r\n");
    assert_eq!(status(&send(addr, many.as_bytes())), 431);
}

#[test]
fn a_body_over_the_limit_is_refused_before_it_is_sent() {
    let addr = start(Limits::default());
    let mut s = connect(addr);
    let head = b"POST /echo HTTP/1.1\r\nContent-Length: 1025\r\nExpect: 100-continue\r\n\r\n";
    s.write_all(head).unwrap();
    let answer = read_all(&mut s);
    assert_eq!(status(&answer), 413, "{answer}");
    assert!(!answer.contains("100 Continue"), "{answer}");
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let addr = start(Limits::default());
    let mut s = connect(addr);
    let head = b"POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n";
    s.write_all(head).unwrap();
    let mut interim = [0; 25];
    s.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"ping").unwrap();
    let answer = read_all(&mut s);
    assert_eq!((status(&answer), body(&answer)), (200, "ping"));
}

#[test]
fn a_trickling_client_is_cut_off_at_the_deadline() {
    let addr = start(Limits {
        deadline: Duration::from_secs(1),
        ..Limits::default()
    });
    let mut s = connect(addr);
    let started = Instant::now();
    // One byte every 50 ms: each read is quick, the request as a whole is not.
    let mut writer = s.try_clone().unwrap();
    std::thread::spawn(move || {
        let request = b"POST /echo HTTP/1.1\r\nContent-Length: 900\r\n\r\n";
        for byte in request.iter().chain([b'x'; 900].iter()) {
            if writer.write_all(&[*byte]).is_err() || started.elapsed() > Duration::from_secs(3) {
                break;
            }
            sleep(Duration::from_millis(50));
        }
    });
    let answer = read_all(&mut s);
    let cut_after = started.elapsed();
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(
        cut_after >= Duration::from_millis(900) && cut_after < Duration::from_millis(2000),
        "{cut_after:?}"
    );
}

#[test]
fn a_slow_client_does_not_hold_up_the_next() {
    let addr = start(Limits::default());
    let mut slow = connect(addr);
    slow.write_all(b"POST /echo HTTP/1.1\r\nCont").unwrap();
    sleep(Duration::from_millis(100));
    let started = Instant::now();
    let quick = send(addr, b"GET /hello HTTP/1.1\r\n\r\n");
    assert_eq!(status(&quick), 200);
    assert!(started.elapsed() < Duration::from_millis(500));
    slow.write_all(b"ent-Length: 2\r\n\r\nok").unwrap();
    assert_eq!(body(&read_all(&mut slow)), "ok");
}

#[test]
fn a_connection_beyond_the_queue_gets_503() {
    let addr = start(Limits {
        workers: 1,
        queue: 1,
        ..Limits::default()
    });
    // The worker is busy with the first client, the second waits in the queue.
    let mut busy = connect(addr);
    busy.write_all(b"GET /hel").unwrap();
    sleep(Duration::from_millis(100));
    let mut queued = connect(addr);
    queued.write_all(b"GET /hello HTTP/1.1\r\n\r\n").unwrap();
    sleep(Duration::from_millis(100));
    let mut refused = connect(addr);
    assert_eq!(status(&read_all(&mut refused)), 503);
    busy.write_all(b"lo HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(status(&read_all(&mut busy)), 200);
    assert_eq!(status(&read_all(&mut queued)), 200);
}
