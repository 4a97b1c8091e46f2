//! One scrape: the counters of the process and what the store and the disk say now.
//!
//! Series that are known in advance (each venue of the config with each state or outcome) are
//! written even while they are 0, so a query or an alert sees a 0 rather than no data.

use super::format::{Exposition, Kind};
use super::{Metrics, SendOutcome, WebhookRefusal};
use crate::config::{Config, VendorSettings};
use crate::domain::{ALL_ORDER_STATES, Clock};
use crate::store::{OutboxStatus, Store, StoreError};
use std::collections::BTreeMap;
use std::path::Path;

/// One scrape's text, and whether the store could be read for it.
#[derive(Debug)]
pub struct Rendered {
    pub text: String,
    pub store_read: bool,
}

/// The text of a scrape. `store` is the endpoint's connection (`None` when it could not be
/// opened): what it cannot read is left out and `canteen_store_read_ok` says 0.
pub fn render(
    metrics: &Metrics,
    config: &Config,
    clock: &dyn Clock,
    store: Option<&Store>,
) -> Rendered {
    let mut out = Exposition::new();
    build_info(&mut out);
    let read = store.map(|s| store_gauges(&mut out, config, clock, s));
    let ok = matches!(read, Some(Ok(())));
    if let Some(Err(e)) = &read {
        log::warn!("metrics: the store could not be read: {e}");
    }
    out.family(
        "canteen_store_read_ok",
        Kind::Gauge,
        "1 when this scrape could read the database, 0 when the store series are missing.",
    );
    out.sample("canteen_store_read_ok", &[], if ok { 1.0 } else { 0.0 });
    disk(&mut out, &config.kiosk.data_dir);
    clock_trust(&mut out, metrics);
    counters(&mut out, metrics, config);
    if let Some(store) = store {
        peer_metrics(&mut out, config, clock, store);
    }
    Rendered {
        text: out.into_text(),
        store_read: ok,
    }
}

fn build_info(out: &mut Exposition) {
    out.family(
        "canteen_build_info",
        Kind::Gauge,
        "Always 1; the version of canteen-kiosk that runs, as a label.",
    );
    out.sample(
        "canteen_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
        1.0,
    );
}

/// Everything read from the store: orders, outbox, vendor contact, the database file.
fn store_gauges(
    out: &mut Exposition,
    config: &Config,
    clock: &dyn Clock,
    store: &Store,
) -> Result<(), StoreError> {
    orders(out, config, store)?;
    outbox(out, clock, store)?;
    vendor_contact(out, store)?;
    out.family(
        "canteen_database_size_bytes",
        Kind::Gauge,
        "Size of the database file and its write-ahead log.",
    );
    out.sample(
        "canteen_database_size_bytes",
        &[],
        store.size_bytes() as f64,
    );
    out.family(
        "canteen_database_moved_aside_files",
        Kind::Gauge,
        "Database files moved aside as corrupt in the data dir (kept for an admin to look at).",
    );
    let aside = store.moved_aside_files();
    out.sample("canteen_database_moved_aside_files", &[], aside as f64);
    out.family(
        "canteen_database_salvage_unacknowledged",
        Kind::Gauge,
        "1 while a salvage of a corrupt database waits for an admin's acknowledge-salvage.",
    );
    let salvage = store.salvage_record()?.is_some();
    out.sample(
        "canteen_database_salvage_unacknowledged",
        &[],
        f64::from(u8::from(salvage)),
    );
    Ok(())
}

/// Orders by venue and state: every state of every configured venue, and any other venue
/// the store still holds orders of.
fn orders(out: &mut Exposition, config: &Config, store: &Store) -> Result<(), StoreError> {
    let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
    for venue in &config.venues {
        for state in ALL_ORDER_STATES {
            counts.insert((venue.key.clone(), state.as_str().to_string()), 0);
        }
    }
    for (venue, state, n) in store.orders_by_venue_and_state()? {
        counts.insert((venue, state), n);
    }
    out.family(
        "canteen_orders",
        Kind::Gauge,
        "Orders in the kiosk's store by venue and state (a parked order is still queued; see \
         canteen_outbox_parked).",
    );
    for ((venue, state), n) in &counts {
        out.sample(
            "canteen_orders",
            &[("venue", venue), ("state", state)],
            *n as f64,
        );
    }
    Ok(())
}

fn outbox(out: &mut Exposition, clock: &dyn Clock, store: &Store) -> Result<(), StoreError> {
    let counts = store.outbox_counts()?;
    let count = |s: OutboxStatus| counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
    out.family(
        "canteen_outbox_rows",
        Kind::Gauge,
        "Outbox rows (orders and cancellations to send) by status.",
    );
    for status in [
        OutboxStatus::Pending,
        OutboxStatus::InFlight,
        OutboxStatus::Parked,
    ] {
        out.sample(
            "canteen_outbox_rows",
            &[("status", status.as_str())],
            count(status) as f64,
        );
    }
    out.family(
        "canteen_outbox_parked",
        Kind::Gauge,
        "Outbox rows parked for an admin: never retried by themselves (canteen-kiosk status).",
    );
    let parked = count(OutboxStatus::Parked) as f64;
    out.sample("canteen_outbox_parked", &[], parked);
    out.family(
        "canteen_outbox_oldest_pending_age_seconds",
        Kind::Gauge,
        "Age of the oldest outbox row not sent yet (pending or in flight); 0 when there is none.",
    );
    let age = store.oldest_unsent_outbox_row()?.map_or(0, |created| {
        (clock.now().as_second() - created.as_second()).max(0)
    });
    out.sample("canteen_outbox_oldest_pending_age_seconds", &[], age as f64);
    Ok(())
}

fn vendor_contact(out: &mut Exposition, store: &Store) -> Result<(), StoreError> {
    let contacts = store.vendor_contacts()?;
    out.family(
        "canteen_vendor_last_contact_timestamp_seconds",
        Kind::Gauge,
        "When the vendor of a venue last answered (unix time); absent before the first answer.",
    );
    for c in &contacts {
        if let Some(at) = c.last_ok_at {
            let labels = [("venue", c.venue.as_str())];
            let name = "canteen_vendor_last_contact_timestamp_seconds";
            out.sample(name, &labels, at.as_second() as f64);
        }
    }
    out.family(
        "canteen_vendor_last_error_timestamp_seconds",
        Kind::Gauge,
        "When a call to the vendor of a venue last failed (unix time); absent before the first.",
    );
    for c in &contacts {
        if let Some(at) = c.last_error_at {
            let labels = [("venue", c.venue.as_str())];
            let name = "canteen_vendor_last_error_timestamp_seconds";
            out.sample(name, &labels, at.as_second() as f64);
        }
    }
    Ok(())
}

/// Free and total bytes of the data dir's filesystem (for the unprivileged kiosk user).
fn disk(out: &mut Exposition, data_dir: &Path) {
    let stats = match rustix::fs::statvfs(data_dir) {
        Ok(s) => s,
        Err(e) => {
            log::warn!("metrics: no disk figures for {}: {e}", data_dir.display());
            return;
        }
    };
    let block = stats.f_frsize.max(1) as f64;
    out.family(
        "canteen_disk_free_bytes",
        Kind::Gauge,
        "Bytes free for the kiosk on the filesystem of its data dir.",
    );
    out.sample(
        "canteen_disk_free_bytes",
        &[],
        stats.f_bavail as f64 * block,
    );
    out.family(
        "canteen_disk_size_bytes",
        Kind::Gauge,
        "Size of the filesystem of the kiosk's data dir.",
    );
    out.sample(
        "canteen_disk_size_bytes",
        &[],
        stats.f_blocks as f64 * block,
    );
}

fn clock_trust(out: &mut Exposition, metrics: &Metrics) {
    out.family(
        "canteen_clock_trusted",
        Kind::Gauge,
        "1 when the worker trusts the clock for cutoffs, 0 when orders wait for it; the reason \
         as a label (absent before the worker's first pass).",
    );
    if let Some(j) = metrics.clock() {
        let value = f64::from(u8::from(j.trusted));
        out.sample("canteen_clock_trusted", &[("reason", j.reason)], value);
    }
}

/// The process's counters; the series of the configured venues are there from the start.
fn counters(out: &mut Exposition, metrics: &Metrics, config: &Config) {
    use SendOutcome::*;
    for venue in &config.venues {
        for outcome in [Sent, Rejected, Unknown, Failed] {
            metrics.sends(&venue.key, outcome);
        }
    }
    out.family(
        "canteen_order_sends_total",
        Kind::Counter,
        "Orders sent to a venue's vendor, by how the send ended.",
    );
    metrics.sends.write(out, "canteen_order_sends_total");
    out.family(
        "canteen_vendor_request_duration_seconds",
        Kind::Histogram,
        "How long calls to a venue's vendor took (every call, whatever its answer).",
    );
    let name = "canteen_vendor_request_duration_seconds";
    metrics.vendor_seconds.write(out, name);
    webhook_counters(out, metrics, config);
    for venue in &config.venues {
        metrics.pruned(&venue.key);
    }
    out.family(
        "canteen_orders_pruned_total",
        Kind::Counter,
        "Settled orders deleted after the retention period ([kiosk] retention_days).",
    );
    metrics.pruned.write(out, "canteen_orders_pruned_total");
}

fn webhook_counters(out: &mut Exposition, metrics: &Metrics, config: &Config) {
    use WebhookRefusal::*;
    let hooked = config
        .venues
        .iter()
        .filter(|v| matches!(&v.vendor, VendorSettings::Liefersoft(s) if s.webhook.is_some()));
    for venue in hooked {
        metrics.webhook_accepted.get(&[&venue.key]);
        for why in [BadSignature, BadBody, NotKept] {
            metrics.webhook_refused.get(&[&venue.key, why.as_str()]);
        }
    }
    out.family(
        "canteen_webhook_events_accepted_total",
        Kind::Counter,
        "Webhook events acknowledged: kept in the store (or kept before: a repeat).",
    );
    let name = "canteen_webhook_events_accepted_total";
    metrics.webhook_accepted.write(out, name);
    out.family(
        "canteen_webhook_events_refused_total",
        Kind::Counter,
        "Webhook events refused, by reason: bad_signature (401), bad_body (400), not_kept (503).",
    );
    let name = "canteen_webhook_events_refused_total";
    metrics.webhook_refused.write(out, name);
}

/// The peers of `[peers] from`: when each was last heard from, and whether it is stale (by
/// the rule the kitchen's footer shows).
fn peer_metrics(out: &mut Exposition, config: &Config, clock: &dyn Clock, store: &Store) {
    let Some(peers) = &config.peers else { return };
    let known = match store.peer_statuses() {
        Ok(known) => known,
        Err(e) => {
            log::warn!("metrics: the peers' status could not be read: {e}");
            return;
        }
    };
    let now = clock.now();
    let heard: Vec<_> = peers
        .from
        .iter()
        .map(|url| crate::peers::PeerHeard::of(url, known.iter().find(|s| &s.peer == url), now))
        .collect();
    out.family(
        "canteen_peer_stale",
        Kind::Gauge,
        "1 while a kiosk of [peers] from has not answered lately (its orders shown may be old).",
    );
    for p in &heard {
        out.sample(
            "canteen_peer_stale",
            &[("peer", p.url.as_str())],
            f64::from(u8::from(p.stale)),
        );
    }
    out.family(
        "canteen_peer_last_heard_timestamp_seconds",
        Kind::Gauge,
        "When a kiosk of [peers] from last answered (unix seconds); absent before its first answer.",
    );
    for p in &heard {
        if let Some(at) = p.heard_at {
            let labels = [("peer", p.url.as_str())];
            out.sample(
                "canteen_peer_last_heard_timestamp_seconds",
                &labels,
                at.as_second() as f64,
            );
        }
    }
}
