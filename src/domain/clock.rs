//! The one place the program asks for the time, and whether that time can be trusted.
//!
//! A Raspberry Pi has no battery clock: after a boot without network its time can be days
//! behind. Cutoffs depend on the clock, so anything that depends on one waits while the clock
//! is not trusted rather than let an order through that should have been refused.

use jiff::Timestamp;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where the program gets "now" from. Tests use [`ManualClock`].
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
    /// Whether the operating system says the clock was synchronised since boot; `None` where it
    /// does not say (no systemd-timesyncd), which is not held against the clock.
    fn os_synced(&self) -> Option<bool> {
        None
    }
}

/// The real clock.
#[derive(Debug, Clone, Default)]
pub struct SystemClock {
    /// The marker systemd-timesyncd creates once it has synchronised; configurable for tests.
    sync_marker_dir: Option<PathBuf>,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            sync_marker_dir: Some(PathBuf::from("/run/systemd/timesync")),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn os_synced(&self) -> Option<bool> {
        let dir = self.sync_marker_dir.as_ref()?;
        // Only a system that runs timesyncd says anything; elsewhere we cannot know.
        if !dir.is_dir() {
            return None;
        }
        Some(dir.join("synchronized").exists())
    }
}

/// A clock the test (or the screenshot renderer) sets by hand. Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<(Timestamp, Option<bool>)>>,
}

impl ManualClock {
    pub fn new(now: Timestamp) -> ManualClock {
        ManualClock {
            inner: Arc::new(Mutex::new((now, None))),
        }
    }

    pub fn set(&self, now: Timestamp) {
        self.lock().0 = now;
    }

    pub fn advance(&self, by: jiff::SignedDuration) {
        let mut g = self.lock();
        g.0 = g.0.checked_add(by).expect("clock stays in range");
    }

    pub fn set_os_synced(&self, synced: Option<bool>) {
        self.lock().1 = synced;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Timestamp, Option<bool>)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.lock().0
    }
    fn os_synced(&self) -> Option<bool> {
        self.lock().1
    }
}

/// The build time of this binary: no correct clock can be earlier.
pub fn build_floor() -> Timestamp {
    let secs: i64 = env!("KIOSK_BUILD_UNIX").parse().unwrap_or(0);
    Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Why the clock is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockDoubt {
    /// Earlier than a time this kiosk has already seen (stored in the database).
    BeforeLastSeen {
        now: Timestamp,
        last_seen: Timestamp,
    },
    /// Earlier than the build of this program.
    BeforeBuild { now: Timestamp, build: Timestamp },
    /// The system says it has not synchronised its clock since boot.
    NotSynced,
}

impl std::fmt::Display for ClockDoubt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockDoubt::BeforeLastSeen { now, last_seen } => write!(
                f,
                "the clock says {now}, earlier than {last_seen} which this kiosk already saw"
            ),
            ClockDoubt::BeforeBuild { now, build } => write!(
                f,
                "the clock says {now}, earlier than this program was built ({build})"
            ),
            ClockDoubt::NotSynced => {
                f.write_str("the system has not synchronised its clock since it started")
            }
        }
    }
}

/// Tolerance for small steps backwards (NTP slews, two threads reading the clock).
pub const BACKWARD_TOLERANCE_SECS: i64 = 120;

/// Judges the clock: `Ok(())` when it can be trusted for cutoffs.
pub fn judge_clock(
    now: Timestamp,
    last_seen: Option<Timestamp>,
    build: Timestamp,
    os_synced: Option<bool>,
) -> Result<(), ClockDoubt> {
    if now < build {
        return Err(ClockDoubt::BeforeBuild { now, build });
    }
    if let Some(last_seen) = last_seen
        && now.as_second() + BACKWARD_TOLERANCE_SECS < last_seen.as_second()
    {
        return Err(ClockDoubt::BeforeLastSeen { now, last_seen });
    }
    if os_synced == Some(false) {
        return Err(ClockDoubt::NotSynced);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_sane_clock_is_trusted() {
        let now = ts("2026-11-22T10:00:00Z");
        assert_eq!(
            judge_clock(
                now,
                Some(ts("2026-11-22T09:59:00Z")),
                ts("2026-01-01T00:00:00Z"),
                None
            ),
            Ok(())
        );
        assert_eq!(
            judge_clock(now, None, ts("2026-01-01T00:00:00Z"), Some(true)),
            Ok(())
        );
    }

    #[test]
    fn a_clock_behind_what_was_seen_or_built_is_not() {
        let build = ts("2026-06-01T00:00:00Z");
        let boot_time = ts("1970-01-01T00:00:10Z");
        assert!(matches!(
            judge_clock(boot_time, None, build, None),
            Err(ClockDoubt::BeforeBuild { .. })
        ));
        let seen = ts("2026-11-22T10:00:00Z");
        let behind = ts("2026-11-20T10:00:00Z");
        let e = judge_clock(behind, Some(seen), build, None).unwrap_err();
        assert!(matches!(e, ClockDoubt::BeforeLastSeen { .. }));
        assert!(e.to_string().contains("earlier than"));
        // A small step back is tolerated.
        let slight = ts("2026-11-22T09:59:00Z");
        assert_eq!(judge_clock(slight, Some(seen), build, None), Ok(()));
    }

    #[test]
    fn an_unsynced_system_clock_is_not_trusted() {
        let now = ts("2026-11-22T10:00:00Z");
        assert_eq!(
            judge_clock(now, None, ts("2026-01-01T00:00:00Z"), Some(false)),
            Err(ClockDoubt::NotSynced)
        );
    }

    #[test]
    fn manual_clock_clones_share_time() {
        let c = ManualClock::new(ts("2026-11-22T10:00:00Z"));
        let d = c.clone();
        c.advance(jiff::SignedDuration::from_secs(90));
        assert_eq!(d.now(), ts("2026-11-22T10:01:30Z"));
    }

    #[test]
    fn build_floor_is_in_the_past() {
        assert!(build_floor() <= Timestamp::now());
        assert!(build_floor() > ts("2026-01-01T00:00:00Z"));
    }
}
