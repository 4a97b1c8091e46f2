//! The routing table: (method, path) → handler, each route with its own body limit. Later
//! endpoints (`/metrics`, a peer feed) are more rows on the same server.

use super::http::{Request, Response};
use std::sync::Arc;

/// What answers a request. Handlers run on the server's worker threads, so several may run
/// at once.
pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

pub(crate) struct Route {
    method: &'static str,
    path: String,
    /// The largest body this route reads; a longer announced body is refused with 413.
    pub(crate) body_limit: usize,
    pub(crate) handler: Arc<Handler>,
}

/// The routes of one server.
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds a route: `method` (e.g. "POST") on the exact `path`, with bodies of at most
    /// `body_limit` bytes.
    pub fn route(
        mut self,
        method: &'static str,
        path: impl Into<String>,
        body_limit: usize,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Router {
        self.routes.push(Route {
            method,
            path: path.into(),
            body_limit,
            handler: Arc::new(handler),
        });
        self
    }

    /// Adds the routes of `other` (another endpoint on the same address). A route whose
    /// method and path this router has already is not added: its path is returned, for the
    /// caller to say which endpoint lost it.
    pub fn merge(&mut self, other: Router) -> Vec<String> {
        let mut clashes = Vec::new();
        for route in other.routes {
            let taken = self
                .routes
                .iter()
                .any(|r| r.method == route.method && r.path == route.path);
            if taken {
                clashes.push(format!("{} {}", route.method, route.path));
            } else {
                self.routes.push(route);
            }
        }
        clashes
    }

    /// The route for a request head, or the answer to give instead: 404 for an unknown path,
    /// 405 (with `Allow`) for a known path and another method.
    pub(crate) fn find(&self, method: &str, path: &str) -> Result<&Route, Response> {
        let on_path: Vec<&Route> = self.routes.iter().filter(|r| r.path == path).collect();
        if let Some(route) = on_path.iter().find(|r| r.method == method) {
            return Ok(route);
        }
        if on_path.is_empty() {
            return Err(Response::text(404, "not found"));
        }
        let allowed: Vec<&str> = on_path.iter().map(|r| r.method).collect();
        let allowed = allowed.join(", ");
        Err(Response::text(405, &format!("only {allowed}")).with_header("Allow", allowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_paths_and_methods_are_told_apart() {
        let router = Router::new()
            .route("POST", "/hook", 10, |_| Response::text(200, "ok"))
            .route("GET", "/metrics", 0, |_| Response::text(200, "m"));
        assert_eq!(router.find("POST", "/hook").unwrap().body_limit, 10);
        assert_eq!(router.find("GET", "/nope").err().unwrap().status, 404);
        let refused = router.find("GET", "/hook").err().unwrap();
        assert_eq!(refused.status, 405);
        assert_eq!(refused.body, b"only POST");
        assert_eq!(refused.headers, vec![("Allow", "POST".to_string())]);
    }

    #[test]
    fn merging_keeps_the_first_of_two_routes_on_one_path() {
        let mut first = Router::new().route("POST", "/", 10, |_| Response::text(200, "hook"));
        let second = Router::new()
            .route("GET", "/metrics", 0, |_| Response::text(200, "m"))
            .route("POST", "/", 20, |_| Response::text(200, "other"));
        assert_eq!(first.merge(second), vec!["POST /".to_string()]);
        assert_eq!(first.find("POST", "/").unwrap().body_limit, 10);
        assert!(first.find("GET", "/metrics").is_ok());
    }
}
