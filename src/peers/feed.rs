//! The feed a kiosk serves to the other screens of its canteen (`[peers] listen`): read-only,
//! its own store's orders from today on, guarded by the canteen's token.
//!
//! `GET /peer/v1/orders?since=N&wait=S` answers the orders changed after cursor N (all of
//! them for N = 0, or when N is not this database's), and, when nothing changed, waits up to
//! S seconds (at most [`MAX_WAIT_SECS`]) for a change before it answers an empty page. The
//! cursor is the store's order history id, which every saved order and state change moves.

use super::watch::Watch;
use super::wire::{FeedOrder, FeedPage, MAX_WAIT_SECS};
use crate::config::peers::FEED_PATH;
use crate::config::{Config, Secret};
use crate::domain::{Clock, Order};
use crate::serve::{Limits, Mount, Request, Response, Router};
use crate::store::{OrderFilter, OutboxStatus, Store, StoreError};
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Long polls each hold a server worker while they wait: this many screens can wait at once
/// (the README says so); more are answered 503 and retry.
pub const MAX_WAITING_PEERS: usize = 64;

/// The feed as an endpoint on `listen`, reading the store at `db` on connections of its own.
pub fn mount(
    config: &Arc<Config>,
    listen: &str,
    token: Secret,
    db: &Path,
    clock: Arc<dyn Clock>,
) -> Result<Mount, String> {
    let connect = || Store::connect(db).map_err(|e| format!("peer feed not started: {e}"));
    let watch = Watch::start(connect()?).map_err(|e| format!("peer feed not started: {e}"))?;
    let feed = Arc::new(Feed {
        config: config.clone(),
        token,
        store: Mutex::new(connect()?),
        clock,
        watch,
    });
    let router = Router::new().route("GET", FEED_PATH, 0, move |req| feed.answer(req));
    Ok(Mount {
        what: "the peer feed".to_string(),
        listen: listen.to_string(),
        router,
        limits: Limits {
            workers: MAX_WAITING_PEERS,
            queue: MAX_WAITING_PEERS,
            ..Limits::default()
        },
    })
}

struct Feed {
    config: Arc<Config>,
    token: Secret,
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    watch: Arc<Watch>,
}

impl Feed {
    fn answer(&self, req: &Request) -> Response {
        if !req.bearer_is(&self.token) {
            log::warn!("peer feed: refused a request without the canteen's token");
            return Response::text(401, "the canteen's peer token is required")
                .with_header("WWW-Authenticate", "Bearer");
        }
        let Some((since, wait)) = parameters(req) else {
            return Response::text(400, "since must be a cursor (0 or more), wait seconds");
        };
        match self.page(since, wait) {
            Ok(page) => json(&page),
            Err(e) => {
                log::error!("peer feed: cannot read the orders: {e}");
                Response::text(503, "the kiosk cannot read its orders just now")
            }
        }
    }

    fn page(&self, since: i64, wait: Duration) -> Result<FeedPage, StoreError> {
        let cursor = self.store().last_event_id()?;
        let full = since == 0 || since > cursor;
        if !full && since == cursor && !wait.is_zero() {
            self.watch.wait_past(since, wait);
        }
        let store = self.store();
        // The cursor is read before the orders: a change saved in between is sent now and
        // again next time (the reader keeps orders by id), never lost.
        let cursor = store.last_event_id()?;
        let orders = match full {
            true => self.orders_from_today(&store)?,
            false => self.orders_changed(&store, since)?,
        };
        let parked: HashSet<String> = store
            .outbox_rows(OutboxStatus::Parked)?
            .into_iter()
            .map(|r| r.order_id)
            .collect();
        Ok(FeedPage {
            kiosk: self.config.kiosk.id.clone(),
            name: self.config.kiosk.name.clone(),
            epoch: store.feed_epoch()?,
            cursor,
            full,
            orders: orders
                .iter()
                .map(|o| {
                    let badge = self.config.badge(&o.badge);
                    FeedOrder::of(o, badge, &self.token, parked.contains(&o.id))
                })
                .collect(),
        })
    }

    /// Every order of the config's venues from each venue's today on.
    fn orders_from_today(&self, store: &Store) -> Result<Vec<Order>, StoreError> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for venue in &self.config.venues {
            out.extend(store.orders(&OrderFilter {
                venue: Some(&venue.key),
                from_day: Some(venue.rules.local_date(now)),
                ..OrderFilter::default()
            })?);
        }
        Ok(out)
    }

    /// The orders changed after `since` that are of today on.
    fn orders_changed(&self, store: &Store, since: i64) -> Result<Vec<Order>, StoreError> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for id in store.orders_changed_since(since)? {
            let Some(order) = store.order(&id)? else {
                continue;
            };
            let current = self
                .config
                .venue(&order.venue)
                .is_some_and(|v| order.day >= v.rules.local_date(now));
            if current {
                out.push(order);
            }
        }
        Ok(out)
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `since` (default 0) and `wait` (default 0, capped at [`MAX_WAIT_SECS`]); None when one is
/// not a number.
fn parameters(req: &Request) -> Option<(i64, Duration)> {
    let since = match req.query_param("since") {
        None => 0,
        Some(v) => v.parse::<i64>().ok().filter(|n| *n >= 0)?,
    };
    let wait = match req.query_param("wait") {
        None => 0,
        Some(v) => v.parse::<u64>().ok()?.min(MAX_WAIT_SECS),
    };
    Some((since, Duration::from_secs(wait)))
}

fn json(page: &FeedPage) -> Response {
    match serde_json::to_vec(page) {
        Ok(body) => Response::with_body(200, "application/json", body),
        Err(e) => {
            log::error!("peer feed: cannot write the page: {e}");
            Response::text(500, "internal error")
        }
    }
}
