//! The one place the program asks for the time, and whether that time can be trusted.
//!
//! A Raspberry Pi has no battery clock: after a boot without network its time can be days
//! behind. Cutoffs depend on the clock, so anything that depends on one waits while the clock
//! is not trusted rather than let an order through that should have been refused.

use jiff::Timestamp;
use std::path::{Path, PathBuf};
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
    /// The marker file whose existence says the clock was synchronised since boot.
    sync_marker: Option<PathBuf>,
}

/// The file systemd-timesyncd creates once it has synchronised the clock since boot.
pub const TIMESYNC_MARKER: &str = "/run/systemd/timesync/synchronized";

/// Names another marker file, for a system whose time daemon (or an admin's script) writes one
/// elsewhere; documented in the README ("Clock").
pub const TIMESYNC_MARKER_ENV: &str = "KIOSK_CLOCK_SYNCED_FILE";

impl SystemClock {
    pub fn new() -> SystemClock {
        let marker = std::env::var_os(TIMESYNC_MARKER_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(TIMESYNC_MARKER));
        SystemClock {
            sync_marker: Some(marker),
        }
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn os_synced(&self) -> Option<bool> {
        let marker = self.sync_marker.as_ref()?;
        // Only a system that runs the time daemon (its directory exists) says anything;
        // elsewhere we cannot know.
        if !marker.parent().is_some_and(Path::is_dir) {
            return None;
        }
        Some(marker.exists())
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

/// A clock judged fit for cutoffs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Trusted {
    /// The clock is earlier than a time seen before, but the system says it is synchronised:
    /// the earlier reading was wrong (a clock from the future), so the time seen must be
    /// lowered to now. Holds that wrong reading, for the log.
    pub jumped_back_from: Option<Timestamp>,
}

/// Judges the clock: `Ok` when it can be trusted for cutoffs.
///
/// A time seen before is a floor only while the system cannot vouch for its clock: one
/// reading from the future (a bad RTC, a test with faketime) must not stop sending for good,
/// so a synchronised system clock wins over the floor, and the caller lowers the floor.
pub fn judge_clock(
    now: Timestamp,
    last_seen: Option<Timestamp>,
    build: Timestamp,
    os_synced: Option<bool>,
) -> Result<Trusted, ClockDoubt> {
    if now < build {
        return Err(ClockDoubt::BeforeBuild { now, build });
    }
    if os_synced == Some(false) {
        return Err(ClockDoubt::NotSynced);
    }
    match last_seen {
        Some(last_seen) if now.as_second() + BACKWARD_TOLERANCE_SECS < last_seen.as_second() => {
            if os_synced == Some(true) {
                Ok(Trusted {
                    jumped_back_from: Some(last_seen),
                })
            } else {
                Err(ClockDoubt::BeforeLastSeen { now, last_seen })
            }
        }
        _ => Ok(Trusted::default()),
    }
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
            Ok(Trusted::default())
        );
        assert_eq!(
            judge_clock(now, None, ts("2026-01-01T00:00:00Z"), Some(true)),
            Ok(Trusted::default())
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
        assert_eq!(
            judge_clock(slight, Some(seen), build, None),
            Ok(Trusted::default())
        );
    }

    #[test]
    fn a_synchronised_clock_wins_over_a_floor_from_the_future() {
        let build = ts("2026-06-01T00:00:00Z");
        let future = ts("2099-06-01T09:00:00Z");
        let now = ts("2026-12-01T10:00:00Z");
        // Without the system's word the floor holds …
        assert!(matches!(
            judge_clock(now, Some(future), build, None),
            Err(ClockDoubt::BeforeLastSeen { .. })
        ));
        // … with it, the clock is trusted and the caller is told to lower the floor.
        assert_eq!(
            judge_clock(now, Some(future), build, Some(true)),
            Ok(Trusted {
                jumped_back_from: Some(future)
            })
        );
        // The build floor is never lowered: a synchronised clock cannot be older than the build.
        assert!(judge_clock(ts("2020-01-01T00:00:00Z"), Some(future), build, Some(true)).is_err());
    }

    #[test]
    fn the_marker_file_says_whether_the_system_synchronised() {
        let dir = std::env::temp_dir().join(format!("ck-clock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let clock = SystemClock {
            sync_marker: Some(dir.join("synchronized")),
        };
        assert_eq!(
            clock.os_synced(),
            None,
            "no time daemon: no word either way"
        );
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(clock.os_synced(), Some(false));
        std::fs::write(dir.join("synchronized"), "").unwrap();
        assert_eq!(clock.os_synced(), Some(true));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unsynced_system_clock_is_not_trusted() {
        let now = ts("2026-11-22T10:00:00Z");
        assert_eq!(
            judge_clock(now, None, ts("2026-01-01T00:00:00Z"), Some(false)),
            Err(ClockDoubt::NotSynced)
        );
        // Not synchronised is a doubt even where no floor is passed.
        assert_eq!(
            judge_clock(
                now,
                Some(ts("2099-01-01T00:00:00Z")),
                ts("2026-01-01T00:00:00Z"),
                Some(false)
            ),
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
