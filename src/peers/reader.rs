//! Reading the feeds of the kiosks in `[peers] from`: one thread per peer, each a loop of
//! long polls ("what changed since N?") whose answers are kept in the store, so the screens
//! read peers' orders from there (and a restart shows the last known state at once). A peer
//! that does not answer is retried with a growing pause; it never holds up the screen or the
//! other peers.

use super::wire::{FeedPage, MAX_WAIT_SECS};
use crate::config::peers::FEED_PATH;
use crate::config::{Config, Secret};
use crate::domain::Clock;
use crate::store::{PeerPage, PeerRow, Store};
use crate::sync::{Change, Listeners};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How long each read asks the peer to wait for a change.
pub const READ_WAIT_SECS: u64 = 20;
/// A peer's page is at most this large (a day of a busy canteen is a few hundred KB).
const MAX_PAGE: u64 = 8 * 1024 * 1024;
/// The pause after a failed read doubles from the first up to the longest.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// Starts one reader per configured peer. A reader that cannot start is logged.
pub fn start(config: &Arc<Config>, db: &Path, clock: Arc<dyn Clock>, listeners: Listeners) {
    forget_unlisted_peers(config, db);
    let Some(peers) = &config.peers else { return };
    for (n, url) in peers.from.iter().enumerate() {
        let reader = match Store::connect(db) {
            Ok(store) => Reader {
                config: config.clone(),
                url: url.clone(),
                token: peers.token.clone(),
                store,
                clock: clock.clone(),
                listeners: listeners.clone(),
                agent: agent(),
            },
            Err(e) => {
                log::error!("peer {url}: not read ({e})");
                continue;
            }
        };
        let spawned = std::thread::Builder::new()
            .name(format!("peer-reader-{n}"))
            .spawn(move || reader.run());
        if let Err(e) = spawned {
            log::error!("peer {url}: not read (cannot start a thread: {e})");
        }
    }
}

/// Drops what the store kept of peers the config no longer names.
fn forget_unlisted_peers(config: &Config, db: &Path) {
    let keep = config
        .peers
        .as_ref()
        .map(|p| p.from.clone())
        .unwrap_or_default();
    match Store::connect(db).and_then(|mut s| s.forget_peers_except(&keep)) {
        Ok(0) => {}
        Ok(n) => log::info!("forgot {n} orders of kiosks no longer in [peers] from"),
        Err(e) => log::warn!("cannot forget the orders of former peers: {e}"),
    }
}

fn agent() -> ureq::Agent {
    let answer = Some(Duration::from_secs(READ_WAIT_SECS + 10));
    ureq::Agent::config_builder()
        .user_agent(format!("canteen-kiosk/{}", env!("CARGO_PKG_VERSION")))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_connect(Some(Duration::from_secs(3)))
        .timeout_global(answer)
        .build()
        .new_agent()
}

struct Reader {
    config: Arc<Config>,
    url: String,
    token: Secret,
    store: Store,
    clock: Arc<dyn Clock>,
    listeners: Listeners,
    agent: ureq::Agent,
}

/// What one read brought.
enum Heard {
    /// Orders changed (or the page replaced them all).
    Changes,
    /// Nothing changed while the peer waited.
    Nothing,
}

impl Reader {
    fn run(mut self) {
        let mut pause = FIRST_PAUSE;
        let mut failing = false;
        let mut last_told_minute = None;
        loop {
            match self.read_once() {
                Ok(heard) => {
                    if failing {
                        log::info!("peer {}: answering again", self.url);
                    }
                    // The footer says when each peer was heard from, to the minute.
                    let minute = self.clock.now().as_second() / 60;
                    let tell = matches!(heard, Heard::Changes)
                        || failing
                        || last_told_minute != Some(minute);
                    if tell {
                        last_told_minute = Some(minute);
                        self.listeners.notify(Change::Orders);
                    }
                    failing = false;
                    pause = FIRST_PAUSE;
                }
                Err(e) => {
                    if failing {
                        log::debug!("peer {}: {e}", self.url);
                    } else {
                        log::warn!("peer {}: {e}; its orders are shown as last heard", self.url);
                        failing = true;
                    }
                    if let Err(e) = self.store.note_peer_error(&self.url, &e, self.clock.now()) {
                        log::error!("peer {}: cannot note the failure: {e}", self.url);
                    }
                    self.listeners.notify(Change::Orders);
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(LONGEST_PAUSE);
                }
            }
        }
    }

    /// One long poll; the answer is kept before this returns.
    fn read_once(&mut self) -> Result<Heard, String> {
        let known = self
            .store
            .peer_status(&self.url)
            .map_err(|e| e.to_string())?;
        let since = known.as_ref().map_or(0, |s| s.cursor);
        let page = self.fetch(since)?;
        let known_epoch = known.as_ref().and_then(|s| s.epoch.as_deref());
        if !page.full && known_epoch != Some(page.epoch.as_str()) {
            // Another database answers at that address: read it anew.
            log::info!("peer {}: its database changed; reading all of it", self.url);
            self.store
                .reset_peer_cursor(&self.url)
                .map_err(|e| e.to_string())?;
            return Ok(Heard::Changes);
        }
        let heard = match page.full || !page.orders.is_empty() {
            true => Heard::Changes,
            false => Heard::Nothing,
        };
        let kept = self.page_to_keep(page)?;
        self.store
            .save_peer_page(&kept)
            .map_err(|e| e.to_string())?;
        Ok(heard)
    }

    fn fetch(&self, since: i64) -> Result<FeedPage, String> {
        let wait = READ_WAIT_SECS.min(MAX_WAIT_SECS);
        let url = format!("{}{FEED_PATH}?since={since}&wait={wait}", self.url);
        let mut response = self
            .agent
            .get(&url)
            .header("Authorization", &format!("Bearer {}", self.token.expose()))
            .call()
            .map_err(|e| format!("unreachable ({e})"))?;
        let status = response.status().as_u16();
        match status {
            200 => {}
            401 => {
                return Err(
                    "refused our token (401): the canteen's screens need the same [peers] token"
                        .into(),
                );
            }
            s => return Err(format!("answered HTTP {s}")),
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_PAGE)
            .read_to_vec()
            .map_err(|e| format!("the answer broke off ({e})"))?;
        serde_json::from_slice(&body)
            .map_err(|e| format!("answered something that is not a feed page ({e})"))
    }

    /// The page as the store keeps it: rows of venues this kiosk has, past days dropped.
    fn page_to_keep(&self, page: FeedPage) -> Result<PeerPage, String> {
        let now = self.clock.now();
        let keep_from = self
            .config
            .day_before_any_venue(now)
            .ok_or("no day before the venues' dates")?;
        let mut rows = Vec::with_capacity(page.orders.len());
        for order in &page.orders {
            let body = serde_json::to_string(order).map_err(|e| e.to_string())?;
            rows.push(PeerRow {
                peer: self.url.clone(),
                id: order.id.clone(),
                venue: order.venue.clone(),
                day: order.day,
                badge_key: order.badge_key.clone(),
                body,
            });
        }
        Ok(PeerPage {
            peer: self.url.clone(),
            kiosk_name: page.name,
            epoch: page.epoch,
            cursor: page.cursor,
            full: page.full,
            rows,
            heard_at: now,
            keep_from,
        })
    }
}
