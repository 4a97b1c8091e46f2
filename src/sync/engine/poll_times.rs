//! One schedule of vendor calls (per order or per venue), kept in the store where the vendor
//! limits how often the call may be made, so the limit holds across processes.

use crate::store::{Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use std::collections::{HashMap, HashSet};

/// Times by key (an order id or a venue), with the changes since the last [`save`](Self::save).
#[derive(Debug, Default)]
pub(super) struct PollTimes {
    /// The store's name for this schedule; `None`: kept in memory only.
    what: Option<&'static str>,
    times: HashMap<String, Timestamp>,
    changed: HashSet<String>,
}

/// A kept time further ahead than this was written under a wrong clock (one set far ahead,
/// since corrected): it is dropped, else the call would wait until that time comes round.
const MAX_AHEAD: SignedDuration = SignedDuration::from_hours(24);

impl PollTimes {
    /// A schedule kept in the store under `what`.
    pub(super) fn kept(what: &'static str) -> PollTimes {
        PollTimes {
            what: Some(what),
            ..PollTimes::default()
        }
    }

    /// A schedule kept in memory only (calls no vendor limits).
    pub(super) fn in_memory() -> PollTimes {
        PollTimes::default()
    }

    /// Reads the kept times, dropping those from a clock that was wrong.
    pub(super) fn load(&mut self, store: &Store, now: Timestamp) -> Result<(), StoreError> {
        let Some(what) = self.what else {
            return Ok(());
        };
        let latest = now.checked_add(MAX_AHEAD).unwrap_or(now);
        let kept = store.poll_times(what)?;
        let (good, wrong): (Vec<_>, Vec<_>) = kept.into_iter().partition(|(_, at)| *at <= latest);
        for (key, at) in wrong {
            log::warn!("poll time of {what} {key} ({at}) is too far ahead of the clock: dropped");
            self.changed.insert(key);
        }
        self.times = good.into_iter().collect();
        Ok(())
    }

    pub(super) fn get(&self, key: &str) -> Option<&Timestamp> {
        self.times.get(key)
    }

    pub(super) fn insert(&mut self, key: &str, at: Timestamp) {
        if self.times.insert(key.to_string(), at) != Some(at) {
            self.changed.insert(key.to_string());
        }
    }

    pub(super) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let changed = &mut self.changed;
        self.times.retain(|key, _| {
            let kept = keep(key);
            if !kept {
                changed.insert(key.clone());
            }
            kept
        });
    }

    pub(super) fn clear(&mut self) {
        let keys: Vec<String> = self.times.keys().cloned().collect();
        self.changed.extend(keys);
        self.times.clear();
    }

    pub(super) fn values(&self) -> impl Iterator<Item = Timestamp> + '_ {
        self.times.values().copied()
    }

    /// Writes the changes since the last save (a time that means "never", `Timestamp::MAX`,
    /// stays in memory: a restart asks once more).
    pub(super) fn save(&mut self, store: &mut Store) -> Result<(), StoreError> {
        let Some(what) = self.what else {
            self.changed.clear();
            return Ok(());
        };
        let changes: Vec<(String, Option<Timestamp>)> = self
            .changed
            .iter()
            .map(|k| {
                let at = self.times.get(k).copied().filter(|t| *t != Timestamp::MAX);
                (k.clone(), at)
            })
            .collect();
        store.save_poll_times(what, &changes)?;
        self.changed.clear();
        Ok(())
    }
}

impl super::Engine {
    /// Reads the kept schedules (once, before the first pass).
    pub(super) fn load_poll_times(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now();
        self.last_status_poll.load(&self.store, now)?;
        self.next_bulk_poll.load(&self.store, now)?;
        self.next_list_refresh.load(&self.store, now)
    }

    /// Writes the pass's schedule changes. A failure is logged: at worst a vendor is asked
    /// once more than it allows after a restart.
    pub(super) fn save_poll_times(&mut self) {
        for times in [
            &mut self.last_status_poll,
            &mut self.next_bulk_poll,
            &mut self.next_list_refresh,
        ] {
            if let Err(e) = times.save(&mut self.store) {
                log::warn!("could not keep the vendor poll times: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// Saved by one process, read by the next; a time written under a clock far ahead is
    /// dropped (and forgotten in the store), a memory-only schedule writes nothing.
    #[test]
    fn kept_times_survive_and_wrong_clock_times_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.sqlite3");
        let (mut store, _) = Store::open(&path).unwrap();
        let now = ts("2026-12-02T10:00:00Z");
        let mut times = PollTimes::kept("status");
        times.insert("o1", now);
        times.insert("o2", ts("2099-01-01T00:00:00Z"));
        times.insert("o3", now);
        times.retain(|k| k != "o3");
        times.save(&mut store).unwrap();
        let mut memory = PollTimes::in_memory();
        memory.insert("v", now);
        memory.save(&mut store).unwrap();

        let mut next = PollTimes::kept("status");
        next.load(&store, now).unwrap();
        assert_eq!(next.get("o1"), Some(&now));
        assert_eq!(next.get("o2"), None, "from a clock in 2099");
        assert_eq!(next.get("o3"), None, "forgotten");
        next.save(&mut store).unwrap();
        assert_eq!(store.poll_times("status").unwrap().len(), 1);
        assert!(store.poll_times("").unwrap().is_empty());
    }
}
