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
            && !req.bearer_is(token)
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
