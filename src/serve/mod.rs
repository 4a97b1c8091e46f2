//! The kiosk's HTTP server: the endpoints (Liefersoft webhooks, the metrics, the peer feed)
//! are routes of a [`Router`] on one server per listen address ([`Mounts`]).
//!
//! A small blocking server with explicit limits, because events are rare and tiny and the
//! kiosk sits behind a TLS-terminating proxy: one thread accepts and hands connections to a
//! bounded queue that a fixed pool of workers drains (a connection beyond the queue is
//! answered 503 at once); each request has one deadline from its accept, for its head and
//! body together; the head and each route's body are size-limited, and a body over the limit
//! is refused on its announced length before it is read (and before any `100 Continue`).
//! Parsing is `httparse`'s; every answer closes the connection.

mod http;
mod mounts;
mod router;

pub use http::{Request, Response};
pub use mounts::{Mount, Mounts, Started};
pub use router::{Handler, Router};

use http::Cut;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The limits of a server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Worker threads: how many requests are handled at once.
    pub workers: usize,
    /// Accepted connections waiting for a worker; more are answered 503.
    pub queue: usize,
    /// From accept to the last byte of the body; a slower client is answered 408.
    pub deadline: Duration,
    /// The largest request head (request line and headers); more is answered 431.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            workers: 4,
            queue: 16,
            deadline: Duration::from_secs(10),
            max_head: 16 * 1024,
        }
    }
}

/// A running server. Its threads live as long as the process; dropping this does not stop it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
}

impl Server {
    /// Binds `listen` (e.g. "0.0.0.0:8443") and serves `router` on it.
    pub fn bind(listen: &str, router: Router, limits: Limits) -> io::Result<Server> {
        Server::start(TcpListener::bind(listen)?, router, limits)
    }

    /// Serves `router` on a bound listener (tests bind port 0).
    pub fn start(listener: TcpListener, router: Router, limits: Limits) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let (tx, rx) = sync_channel(limits.queue);
        let rx = Arc::new(Mutex::new(rx));
        let shared = Arc::new((router, limits.clone()));
        for n in 0..limits.workers.max(1) {
            let (rx, shared) = (rx.clone(), shared.clone());
            std::thread::Builder::new()
                .name(format!("http-worker-{n}"))
                .spawn(move || work(&rx, &shared.0, &shared.1))?;
        }
        std::thread::Builder::new()
            .name("http-accept".into())
            .spawn(move || accept(&listener, &tx))?;
        Ok(Server { addr })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

/// An accepted connection and when it was accepted (its deadline counts from then).
type Accepted = (TcpStream, Instant);

fn accept(listener: &TcpListener, queue: &SyncSender<Accepted>) {
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                // E.g. out of file descriptors: wait a moment rather than spin.
                log::debug!("http: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        match queue.try_send((stream, Instant::now())) {
            Ok(()) => {}
            Err(TrySendError::Full((mut stream, _))) => {
                log::warn!("http: every worker is busy; a connection was refused");
                let busy = Response::text(503, "busy, try again");
                let _ = http::write_response(&mut stream, &busy);
            }
            Err(TrySendError::Disconnected(_)) => return,
        }
    }
}

fn work(queue: &Mutex<Receiver<Accepted>>, router: &Router, limits: &Limits) {
    loop {
        // The lock is held only while waiting: one idle worker takes the next connection.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((mut stream, accepted)) = next else {
            return;
        };
        if let Err(e) = exchange(&mut stream, accepted + limits.deadline, router, limits) {
            log::debug!("http: connection ended: {e}");
        }
    }
}

/// Reads one request, answers it and closes.
fn exchange(
    stream: &mut TcpStream,
    deadline: Instant,
    router: &Router,
    limits: &Limits,
) -> io::Result<()> {
    match answer(stream, deadline, router, limits) {
        Ok(response) => http::write_response(stream, &response),
        Err(Cut::Answer(refusal)) => {
            http::write_response(stream, &refusal)?;
            http::close_unread(stream);
            Ok(())
        }
        Err(Cut::Gone(e)) => Err(e),
    }
}

/// The handler's answer to a complete request, or why the request was cut short.
fn answer(
    stream: &mut TcpStream,
    deadline: Instant,
    router: &Router,
    limits: &Limits,
) -> Result<Response, Cut> {
    let (mut request, start) = http::read_head(stream, deadline, limits.max_head)?;
    let route = router
        .find(&request.method, &request.path)
        .map_err(Cut::Answer)?;
    let length = request.body_length().map_err(Cut::Answer)?;
    if length > route.body_limit {
        return Err(Cut::Answer(Response::text(413, "body too large")));
    }
    if request.expects_continue() && start.len() < length {
        http::write_continue(stream).map_err(Cut::Gone)?;
    }
    request.body = http::read_body(stream, start, length, deadline)?;
    // A panicking handler costs its request a 500, not the pool a worker.
    Ok(
        catch_unwind(AssertUnwindSafe(|| (route.handler)(&request))).unwrap_or_else(|_| {
            log::error!("http: the handler of {} panicked", request.path);
            Response::text(500, "internal error")
        }),
    )
}
