//! Bounded growth, from the worker: once after start and then once a day, the settled
//! orders older than `[kiosk] retention_days` are deleted (`Store::prune_orders`), a batch
//! per transaction with a short pause between batches, for a bounded time per pass; a large
//! backlog (the first run on years of history) goes on over the next passes, a second apart,
//! so sends are never held up for long.
//!
//! The day each venue keeps from is the venue's local date, `retention_days` before: counted
//! from the pass's prune floor (never more than a day past the time seen before, see
//! `plan::prune_floor`) and never from later than the latest order day, so a clock that jumps
//! ahead deletes nothing that a right clock would keep (until orders are made under it). The engine runs this only
//! on a trusted clock, and not after the full check found the file damaged. Each run also
//! forgets the watches whose cutoff lies before the floor and the preferences and watches of
//! badges no longer in the config.

use super::{Engine, StepReport};
use crate::config::Config;
use crate::store::{Store, StoreError};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Orders deleted per transaction.
const BATCH: usize = 500;
/// The pause between two batches of a pass (the UI thread's writes get the lock).
const PAUSE: Duration = Duration::from_millis(20);
/// How long one pass prunes before it lets the rest of the worker run.
const PASS_BUDGET: Duration = Duration::from_millis(250);
/// When the next pass goes on with a backlog.
const AGAIN_AFTER: SignedDuration = SignedDuration::from_secs(1);
/// How often the history is pruned.
const EVERY: SignedDuration = SignedDuration::from_hours(24);
/// Free pages given back to the file system per pass (4 MB of 4 KB pages).
const RELEASE_PAGES: u32 = 1024;

/// When pruning is due and how far a run has got.
#[derive(Debug, Default)]
pub(super) struct PruneSchedule {
    /// When the next run starts (`None`: at the first trusted pass).
    next: Option<Timestamp>,
    run: Option<Run>,
}

/// A run in progress: the venues still to prune, each with the first day it keeps.
#[derive(Debug)]
struct Run {
    left: Vec<(String, Date)>,
    keep_from: Date,
    /// The prune floor the run was planned at: watches whose cutoff lies before it ended.
    floor: Timestamp,
    pruned: u64,
    took: Duration,
    /// Whether free pages are still being given back.
    releasing: bool,
}

impl PruneSchedule {
    /// When the worker should come back for a run in progress.
    pub(super) fn wake(&self, now: Timestamp) -> Option<Timestamp> {
        self.run
            .as_ref()
            .map(|_| now.checked_add(AGAIN_AFTER).unwrap_or(now))
    }
}

/// The first day kept for each venue that has orders: `retention_days` before the venue's
/// date at `floor`, and no later than that many days before the latest order day of any venue
/// (`last_order_day`). A venue no longer in the config keeps from the earliest of the
/// configured venues' days, a day less (its zone is not known any more).
pub(super) fn keep_from(
    config: &Config,
    floor: Timestamp,
    venues: &[String],
    last_order_day: Option<Date>,
) -> Vec<(String, Date)> {
    let back = i64::from(config.kiosk.retention_days).days();
    let configured = |key: &str| config.venue(key).map(|v| v.rules.local_date(floor));
    let earliest = config.day_before_any_venue(floor);
    let by_orders = last_order_day.and_then(|d| d.checked_sub(back).ok());
    venues
        .iter()
        .filter_map(|venue| {
            let today = configured(venue).or(earliest)?;
            let by_clock = today.checked_sub(back).ok()?;
            Some((
                venue.clone(),
                by_orders.map_or(by_clock, |d| d.min(by_clock)),
            ))
        })
        .collect()
}

/// What employees asked the kiosk to remember goes when it is of no more use: a watch after
/// its cutoff (before `floor`), preferences and watches once the badge is off the roster.
fn forget_personal(store: &mut Store, config: &Config, floor: Timestamp) -> Result<(), StoreError> {
    let watches = store.prune_watches(floor)?;
    let roster: HashSet<&str> = config.badges.iter().map(|b| b.number.as_str()).collect();
    let off_roster = store.forget_badges_except(&roster)?;
    if watches + off_roster > 0 {
        log::info!(
            "forgot {watches} watches past their cutoff and {off_roster} preferences or \
             watches of badges no longer in the config"
        );
    }
    Ok(())
}

impl Engine {
    /// Prunes for at most a pass's budget if a run is due or in progress.
    pub(super) fn prune_history(
        &mut self,
        report: &mut StepReport,
        floor: Timestamp,
    ) -> Result<(), StoreError> {
        if self.store_damaged {
            return Ok(());
        }
        let now = self.clock.now();
        if self.prune.run.is_none() {
            if self.prune.next.is_some_and(|next| now < next) {
                return Ok(());
            }
            self.prune.run = Some(self.plan_run(floor)?);
        }
        let started = Instant::now();
        let deleted = self.prune_batches(started)?;
        report.pruned += deleted as u32;
        let Some(run) = self.prune.run.as_mut() else {
            return Ok(());
        };
        run.pruned += deleted as u64;
        run.took += started.elapsed();
        if run.left.is_empty() {
            self.finish_run(now)?;
        }
        Ok(())
    }

    fn plan_run(&self, floor: Timestamp) -> Result<Run, StoreError> {
        let venues = self.store.order_venues()?;
        let mut last = None;
        for venue in &venues {
            last = last.max(self.store.last_order_day(venue)?);
        }
        let left = keep_from(&self.config, floor, &venues, last);
        let keep_from = left
            .iter()
            .map(|(_, d)| *d)
            .min()
            .or_else(|| {
                let back = i64::from(self.config.kiosk.retention_days).days();
                self.config
                    .venues
                    .first()
                    .and_then(|v| v.rules.local_date(floor).checked_sub(back).ok())
            })
            .unwrap_or(Date::MIN);
        Ok(Run {
            left,
            keep_from,
            floor,
            pruned: 0,
            took: Duration::ZERO,
            releasing: false,
        })
    }

    /// Deletes batches until the run's venues are done or the pass's budget is spent.
    fn prune_batches(&mut self, started: Instant) -> Result<usize, StoreError> {
        let mut deleted = 0;
        let Some(run) = self.prune.run.as_mut() else {
            return Ok(0);
        };
        while let Some((venue, keep)) = run.left.first().cloned() {
            let n = self.store.prune_orders(&venue, keep, BATCH)?;
            deleted += n;
            self.metrics.count_pruned(&venue, n as u64);
            if n < BATCH {
                run.left.remove(0);
            }
            if started.elapsed() + PAUSE >= PASS_BUDGET {
                break;
            }
            std::thread::sleep(PAUSE);
        }
        Ok(deleted)
    }

    /// The orders are done: the caches' old days, then the free pages, a step per pass.
    fn finish_run(&mut self, now: Timestamp) -> Result<(), StoreError> {
        let Some(run) = self.prune.run.as_mut() else {
            return Ok(());
        };
        if !run.releasing {
            self.store.prune_day_caches(run.keep_from)?;
            let floor = run.floor;
            run.releasing = true;
            forget_personal(&mut self.store, &self.config, floor)?;
        }
        // A few MB left free are reused by new rows; more are given back, a step a pass.
        let space = self.store.release_free_pages(RELEASE_PAGES)?;
        if space.incremental && space.free_pages >= u64::from(RELEASE_PAGES) {
            return Ok(());
        }
        let took = run.took.as_millis();
        let (pruned, keep_from) = (run.pruned, run.keep_from);
        log::info!(
            "pruned {pruned} settled orders before {keep_from} (retention {} days) in {took} \
             ms; database {:.1} MB, {:.1} MB of it free for reuse",
            self.config.kiosk.retention_days,
            self.store.size_bytes() as f64 / 1e6,
            space.free_bytes() as f64 / 1e6,
        );
        self.prune.run = None;
        self.prune.next = Some(now.checked_add(EVERY).unwrap_or(now));
        Ok(())
    }
}
