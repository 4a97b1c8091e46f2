//! `GET <path>` on the `[metrics]` address: the scrape, behind an optional bearer token.

use super::format::CONTENT_TYPE;
use super::{Metrics, render};
use crate::config::{Config, MetricsSettings, Secret};
use crate::domain::Clock;
use crate::serve::{Limits, Mount, Request, Response, Router};
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// The metrics endpoint as a mount of the kiosk's HTTP server. The store is read on a
/// connection of the endpoint's own, opened at the first scrape (and again after an error).
pub fn mount(
    settings: &MetricsSettings,
    config: Arc<Config>,
    db: &Path,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
) -> Mount {
    let endpoint = Endpoint {
        token: settings.token.clone(),
        config,
        clock,
        metrics,
        db: db.to_path_buf(),
        store: Mutex::new(None),
    };
    Mount {
        what: "the metrics".to_string(),
        listen: settings.listen.clone(),
        router: Router::new().route("GET", settings.path.clone(), 0, move |req| {
            endpoint.answer(req)
        }),
        // Prometheus scrapes one at a time; two workers leave room for a person with curl.
        limits: Limits {
            workers: 2,
            queue: 8,
            ..Limits::default()
        },
    }
}

struct Endpoint {
    token: Option<Secret>,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    metrics: Arc<Metrics>,
    db: PathBuf,
    store: Mutex<Option<Store>>,
}

impl Endpoint {
    fn answer(&self, req: &Request) -> Response {
        if let Some(token) = &self.token
            && !bearer_matches(req.header("authorization"), token)
        {
            // Nothing else: not even whether the path is right.
            return Response::text(401, "unauthorized").with_header("WWW-Authenticate", "Bearer");
        }
        let mut store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if store.is_none() {
            match Store::connect(&self.db) {
                Ok(s) => *store = Some(s),
                Err(e) => log::warn!("metrics: cannot open {}: {e}", self.db.display()),
            }
        }
        let scrape = render(
            &self.metrics,
            &self.config,
            self.clock.as_ref(),
            store.as_ref(),
        );
        if !scrape.store_read {
            // A broken connection is opened again at the next scrape.
            *store = None;
        }
        Response::with_body(200, CONTENT_TYPE, scrape.text.into_bytes())
    }
}

/// Whether the `Authorization` header is `Bearer <token>`, compared in constant time (for
/// equal lengths) so the token cannot be guessed byte by byte from response times.
fn bearer_matches(header: Option<&str>, token: &Secret) -> bool {
    let Some(given) = header.and_then(|h| h.trim().strip_prefix("Bearer ")) else {
        return false;
    };
    let (given, wanted) = (given.trim().as_bytes(), token.expose().as_bytes());
    given.len() == wanted.len() && given.iter().zip(wanted).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
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
    }
}
