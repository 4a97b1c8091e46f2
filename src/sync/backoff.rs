//! Retry timing: exponential backoff with jitter, capped, never past a cutoff; and how long
//! an unreachable venue is left alone.

use crate::vendors::VendorError;
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

    /// When a send that failed is tried again: after its own backoff and not before its
    /// venue's backoff ends (`venue_until`), but never after the order `cutoff`, so the row
    /// still gets its last chance.
    pub fn send_retry_at(
        &self,
        now: Timestamp,
        attempts: u32,
        unit: f64,
        cutoff: Timestamp,
        venue_until: Option<Timestamp>,
    ) -> Timestamp {
        let at = self.next_attempt(now, attempts, unit, Some(cutoff));
        venue_until.map_or(at, |until| until.max(at).min(cutoff.max(now)))
    }

    /// A venue's backoff after a failed call. Only a vendor that could not be reached (or asked
    /// us to wait) is left alone, for a growing while and at least as long as it asked; any
    /// other failure leaves the venue's backoff as it was (`None`).
    pub fn venue_backoff(
        &self,
        previous: Option<VenueBackoff>,
        e: &VendorError,
        now: Timestamp,
        unit: f64,
    ) -> Option<VenueBackoff> {
        if !e.is_unreachable() {
            return None;
        }
        let failures = previous.map_or(1, |b| b.failures + 1);
        let mut until = self.next_attempt(now, failures, unit, None);
        if let VendorError::RateLimited {
            retry_after: Some(d),
        } = e
            && let Ok(d) = SignedDuration::try_from(*d)
        {
            until = until.max(now.checked_add(d).unwrap_or(now));
        }
        Some(VenueBackoff { until, failures })
    }
}

/// A venue the worker could not reach: left alone until `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VenueBackoff {
    pub until: Timestamp,
    /// Unreachable calls in a row.
    pub failures: u32,
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

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_failed_send_waits_for_its_venue_but_not_past_the_cutoff() {
        let p = RetryPolicy::default();
        let now = ts("2026-11-23T09:50:00Z");
        let cutoff = ts("2026-11-23T10:00:00Z");
        // Its own backoff alone: 10 s.
        assert_eq!(
            p.send_retry_at(now, 1, 0.5, cutoff, None),
            ts("2026-11-23T09:50:10Z")
        );
        // The venue is backed off for two minutes: not before then.
        let until = ts("2026-11-23T09:52:00Z");
        assert_eq!(p.send_retry_at(now, 1, 0.5, cutoff, Some(until)), until);
        // A venue backoff past the cutoff is capped at the cutoff: the last chance.
        let venue = Some(ts("2026-11-23T10:30:00Z"));
        assert_eq!(p.send_retry_at(now, 1, 0.5, cutoff, venue), cutoff);
    }

    #[test]
    fn only_an_unreachable_vendor_backs_its_venue_off() {
        let p = RetryPolicy::default();
        let now = ts("2026-11-23T09:00:00Z");
        let down = VendorError::Unreachable("refused".into());
        let first = p.venue_backoff(None, &down, now, 0.5).unwrap();
        assert_eq!(
            (first.failures, first.until),
            (1, ts("2026-11-23T09:00:10Z"))
        );
        let second = p.venue_backoff(Some(first), &down, now, 0.5).unwrap();
        assert_eq!(
            (second.failures, second.until),
            (2, ts("2026-11-23T09:00:20Z"))
        );
        for e in [
            VendorError::NoAnswer("timeout".into()),
            VendorError::Auth("expired".into()),
            VendorError::Rejected(vec!["sold out".into()]),
        ] {
            assert_eq!(p.venue_backoff(Some(first), &e, now, 0.5), None, "{e}");
        }
    }

    #[test]
    fn a_rate_limit_waits_at_least_as_long_as_asked() {
        let p = RetryPolicy::default();
        let now = ts("2026-11-23T09:00:00Z");
        let slow = |secs| VendorError::RateLimited {
            retry_after: Some(std::time::Duration::from_secs(secs)),
        };
        let b = p.venue_backoff(None, &slow(90), now, 0.5).unwrap();
        assert_eq!(b.until, ts("2026-11-23T09:01:30Z"));
        // A shorter ask does not shorten the backoff.
        let b = p.venue_backoff(None, &slow(1), now, 0.5).unwrap();
        assert_eq!(b.until, ts("2026-11-23T09:00:10Z"));
    }
}
