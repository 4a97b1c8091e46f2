//! Retry timing: exponential backoff with jitter, capped, never past a cutoff.

use jiff::{SignedDuration, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// The first retry comes after about this long.
    pub base: SignedDuration,
    /// No wait is longer than this.
    pub cap: SignedDuration,
    /// Jitter: each wait is scaled by a factor in [1 − jitter, 1 + jitter].
    pub jitter: f64,
    /// After this many failed attempts that the vendor answered badly (not mere
    /// unreachability, which never parks a row), the row is parked for an admin.
    pub park_after: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: SignedDuration::from_secs(10),
            cap: SignedDuration::from_secs(300),
            jitter: 0.2,
            park_after: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`, given `attempts` failures so far (≥ 1).
    /// `unit` is a number in [0, 1) from the caller's random source (tests pass fixed ones).
    pub fn delay(&self, attempts: u32, unit: f64) -> SignedDuration {
        let exp = attempts.saturating_sub(1).min(30);
        let raw = self.base.as_secs_f64() * 2f64.powi(exp as i32);
        let capped = raw.min(self.cap.as_secs_f64());
        let factor = 1.0 - self.jitter + 2.0 * self.jitter * unit.clamp(0.0, 1.0);
        SignedDuration::from_secs_f64((capped * factor).max(0.0))
    }

    /// When to try again: after the backoff, but not after `deadline` (the last instant the
    /// attempt still makes sense), so a row waiting for a cutoff gets its last chance.
    pub fn next_attempt(
        &self,
        now: Timestamp,
        attempts: u32,
        unit: f64,
        deadline: Option<Timestamp>,
    ) -> Timestamp {
        let at = now.checked_add(self.delay(attempts, unit)).unwrap_or(now);
        match deadline {
            Some(d) if d > now && at > d => d,
            _ => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap() {
        let p = RetryPolicy::default();
        let secs: Vec<i64> = (1..=8).map(|a| p.delay(a, 0.5).as_secs()).collect();
        assert_eq!(secs, vec![10, 20, 40, 80, 160, 300, 300, 300]);
    }

    #[test]
    fn jitter_stays_in_its_band() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, 0.0).as_secs(), 8);
        assert_eq!(p.delay(1, 0.999_999).as_secs(), 11);
        assert_eq!(p.delay(6, 0.0).as_secs(), 240);
    }

    #[test]
    fn never_waits_past_the_deadline() {
        let p = RetryPolicy::default();
        let now: Timestamp = "2026-11-23T09:59:00Z".parse().unwrap();
        let cutoff: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        assert_eq!(p.next_attempt(now, 6, 0.5, Some(cutoff)), cutoff);
        let early = p.next_attempt(now, 1, 0.5, Some(cutoff));
        assert_eq!(early, "2026-11-23T09:59:10Z".parse::<Timestamp>().unwrap());
        // A deadline already passed does not pull the time back.
        let late: Timestamp = "2026-11-23T10:05:00Z".parse().unwrap();
        assert!(p.next_attempt(late, 1, 0.5, Some(cutoff)) > late);
    }
}
