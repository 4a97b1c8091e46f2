//! When the screen dims and goes black: the one rule, pure, for the UI to follow.
//!
//! A screen by the door that shows the same menu all night burns in and lights the hall for
//! nobody. After a quiet period it dims, and `dim_for` later goes black; a badge or a touch
//! wakes it. The quiet period is shorter outside service hours (nobody is coming). A kitchen
//! display never blanks during service hours: the cooks read it from across the room without
//! touching it.

use jiff::civil::Time;
use std::time::Duration;

/// The hours (venue time) in which the canteen is used. `start > end` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceHours {
    pub start: Time,
    pub end: Time,
}

impl ServiceHours {
    /// Whether `t` is inside the hours: from `start` (included) to `end` (excluded).
    pub fn contains(&self, t: Time) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// Parses "HH:MM-HH:MM" (e.g. "07:00-18:00").
    pub fn parse(text: &str) -> Option<ServiceHours> {
        let (a, b) = text.trim().split_once('-')?;
        let time = |s: &str| {
            let (h, m) = s.trim().split_once(':')?;
            if h.len() != 2 || m.len() != 2 {
                return None;
            }
            Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
        };
        let hours = ServiceHours {
            start: time(a)?,
            end: time(b)?,
        };
        (hours.start != hours.end).then_some(hours)
    }
}

impl std::fmt::Display for ServiceHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hm = |t: Time| format!("{:02}:{:02}", t.hour(), t.minute());
        write!(f, "{}-{}", hm(self.start), hm(self.end))
    }
}

/// How the screen looks after a quiet period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Awake,
    /// Dimmed: the blank is near; a tap only wakes.
    Dimmed,
    /// Black, and nothing redraws; a tap only wakes, a badge wakes and is read.
    Blank,
}

/// The `[screen]` settings the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlankPolicy {
    /// Quiet time before black during service hours.
    pub blank_after: Duration,
    /// Quiet time before black outside service hours.
    pub blank_after_outside_service: Duration,
    pub service_hours: ServiceHours,
    /// How long the screen stays dimmed before it goes black (taken off the quiet time).
    pub dim_for: Duration,
}

impl BlankPolicy {
    /// The stage after `quiet` without a touch or badge, at venue time `now`. `kitchen`: the
    /// screen is a kitchen display, which stays on through service hours.
    pub fn stage(&self, quiet: Duration, now: Time, kitchen: bool) -> Stage {
        let in_service = self.service_hours.contains(now);
        if kitchen && in_service {
            return Stage::Awake;
        }
        let blank_after = match in_service {
            true => self.blank_after,
            false => self.blank_after_outside_service,
        };
        if quiet >= blank_after {
            Stage::Blank
        } else if quiet >= blank_after.saturating_sub(self.dim_for) {
            Stage::Dimmed
        } else {
            Stage::Awake
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn policy() -> BlankPolicy {
        BlankPolicy {
            blank_after: Duration::from_secs(600),
            blank_after_outside_service: Duration::from_secs(120),
            service_hours: ServiceHours::parse("07:00-18:00").unwrap(),
            dim_for: Duration::from_secs(30),
        }
    }

    #[test]
    fn dims_then_blanks_after_the_quiet_period() {
        let p = policy();
        let noon = time(12, 0, 0, 0);
        let s = |secs| p.stage(Duration::from_secs(secs), noon, false);
        assert_eq!(s(0), Stage::Awake);
        assert_eq!(s(569), Stage::Awake);
        assert_eq!(s(570), Stage::Dimmed);
        assert_eq!(s(599), Stage::Dimmed);
        assert_eq!(s(600), Stage::Blank);
        assert_eq!(s(86_400), Stage::Blank);
    }

    #[test]
    fn outside_service_hours_the_quiet_period_is_shorter() {
        let p = policy();
        let night = time(22, 0, 0, 0);
        assert_eq!(p.stage(Duration::from_secs(89), night, false), Stage::Awake);
        assert_eq!(
            p.stage(Duration::from_secs(90), night, false),
            Stage::Dimmed
        );
        assert_eq!(
            p.stage(Duration::from_secs(120), night, false),
            Stage::Blank
        );
        // The hours end at 18:00 sharp.
        let six = time(18, 0, 0, 0);
        assert_eq!(p.stage(Duration::from_secs(120), six, false), Stage::Blank);
        let before = time(17, 59, 59, 0);
        assert_eq!(
            p.stage(Duration::from_secs(120), before, false),
            Stage::Awake
        );
    }

    #[test]
    fn a_kitchen_display_stays_on_in_service_hours_only() {
        let p = policy();
        let week = Duration::from_secs(7 * 86_400);
        assert_eq!(p.stage(week, time(12, 0, 0, 0), true), Stage::Awake);
        assert_eq!(p.stage(week, time(23, 0, 0, 0), true), Stage::Blank);
    }

    #[test]
    fn a_dim_longer_than_the_quiet_period_dims_at_once() {
        let p = BlankPolicy {
            dim_for: Duration::from_secs(300),
            ..policy()
        };
        let night = time(22, 0, 0, 0);
        assert_eq!(p.stage(Duration::ZERO, night, false), Stage::Dimmed);
    }

    #[test]
    fn service_hours_parse_and_span_midnight() {
        let h = ServiceHours::parse("22:00-06:00").unwrap();
        assert!(h.contains(time(23, 0, 0, 0)));
        assert!(h.contains(time(5, 59, 0, 0)));
        assert!(!h.contains(time(6, 0, 0, 0)));
        assert!(!h.contains(time(12, 0, 0, 0)));
        assert_eq!(h.to_string(), "22:00-06:00");
        for bad in [
            "",
            "7-18",
            "07:00",
            "07:00-07:00",
            "25:00-26:00",
            "07:60-08:00",
            "ab:cd-ef:gh",
        ] {
            assert_eq!(ServiceHours::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            ServiceHours::parse(" 07:30 - 18:15 ").unwrap().to_string(),
            "07:30-18:15"
        );
    }
}
