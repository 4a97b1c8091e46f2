//! The one rule for when an order may be placed and cancelled.
//!
//! A meal served at instant T may be ordered until T − preorder delta and cancelled until
//! T − cancellation cutoff (both inclusive to the second). T is the venue's serving time on the
//! menu day, read in the venue's IANA time zone, so summer time is taken into account. The UI
//! (what it offers) and the sync worker (what it sends) both ask this module.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

/// A venue's cutoff rules.
#[derive(Debug, Clone, PartialEq)]
pub struct CutoffRules {
    pub time_zone: TimeZone,
    /// Local wall-clock time the meal is served (picked up).
    pub serving_time: Time,
    /// How long before serving ordering closes (Bessa's `preorderDelta`).
    pub preorder_delta: SignedDuration,
    /// How long before serving cancelling closes (Bessa's `cancellationCutoff`).
    pub cancellation_cutoff: SignedDuration,
    /// Whether cancelling is allowed at all (Bessa's `allowCancel`).
    pub allow_cancel: bool,
}

/// When one menu day's ordering and cancelling close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub serving: Timestamp,
    pub order_until: Timestamp,
    /// `None` when the venue does not allow cancelling.
    pub cancel_until: Option<Timestamp>,
}

/// What is still allowed at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Open; this many seconds are left (for the countdown).
    Open { seconds_left: i64 },
    /// Closed since the deadline passed.
    Closed,
}

impl Window {
    pub fn is_open(self) -> bool {
        matches!(self, Window::Open { .. })
    }
}

/// Why a time could not be turned into a serving instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutoffError(pub String);

impl std::fmt::Display for CutoffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CutoffError {}

impl CutoffRules {
    /// The serving instant of a local menu day. A serving time that falls into the spring
    /// gap is moved forward by the gap; one in the autumn overlap takes the earlier instant
    /// (the "compatible" rule of RFC 5545 and Temporal).
    pub fn serving_instant(&self, day: Date) -> Result<Timestamp, CutoffError> {
        day.to_datetime(self.serving_time)
            .to_zoned(self.time_zone.clone())
            .map(|z| z.timestamp())
            .map_err(|e| CutoffError(format!("serving time on {day}: {e}")))
    }

    pub fn deadlines(&self, day: Date) -> Result<Deadlines, CutoffError> {
        let serving = self.serving_instant(day)?;
        let sub = |d: SignedDuration| {
            serving
                .checked_sub(d)
                .map_err(|e| CutoffError(format!("deadline before {serving}: {e}")))
        };
        Ok(Deadlines {
            serving,
            order_until: sub(self.preorder_delta)?,
            cancel_until: if self.allow_cancel {
                Some(sub(self.cancellation_cutoff)?)
            } else {
                None
            },
        })
    }

    /// The venue's local calendar date of an instant.
    pub fn local_date(&self, at: Timestamp) -> Date {
        at.to_zoned(self.time_zone.clone()).date()
    }

    pub fn zoned(&self, at: Timestamp) -> Zoned {
        at.to_zoned(self.time_zone.clone())
    }
}

impl Deadlines {
    pub fn order_window(&self, now: Timestamp) -> Window {
        window(now, Some(self.order_until))
    }

    pub fn cancel_window(&self, now: Timestamp) -> Window {
        window(now, self.cancel_until)
    }
}

fn window(now: Timestamp, until: Option<Timestamp>) -> Window {
    match until {
        Some(until) if now <= until => Window::Open {
            seconds_left: until.as_second() - now.as_second(),
        },
        _ => Window::Closed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(zone: &str, serving: &str, preorder: i64, cancel: i64) -> CutoffRules {
        CutoffRules {
            time_zone: TimeZone::get(zone).unwrap(),
            serving_time: serving.parse().unwrap(),
            preorder_delta: SignedDuration::from_secs(preorder),
            cancellation_cutoff: SignedDuration::from_secs(cancel),
            allow_cancel: true,
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn bessa_capture_day_in_winter() {
        // 11:00 in Vienna on 2026-02-13 is 10:00Z, as in the capture; cutoffs an hour earlier.
        let r = rules("Europe/Vienna", "11:00", 3600, 3600);
        let d = r.deadlines(date("2026-02-13")).unwrap();
        assert_eq!(d.serving, ts("2026-02-13T10:00:00Z"));
        assert_eq!(d.order_until, ts("2026-02-13T09:00:00Z"));
        assert_eq!(d.cancel_until, Some(ts("2026-02-13T09:00:00Z")));
    }

    #[test]
    fn summer_time_moves_the_instant_not_the_wall_clock() {
        let r = rules("Europe/Vienna", "11:00", 3600, 7200);
        let d = r.deadlines(date("2026-07-01")).unwrap();
        assert_eq!(d.serving, ts("2026-07-01T09:00:00Z"));
        assert_eq!(d.cancel_until, Some(ts("2026-07-01T07:00:00Z")));
    }

    #[test]
    fn spring_forward_day() {
        // 2026-03-29: clocks jump from 02:00 to 03:00 in Vienna.
        let r = rules("Europe/Vienna", "11:30", 3 * 3600, 3 * 3600);
        let d = r.deadlines(date("2026-03-29")).unwrap();
        assert_eq!(d.serving, ts("2026-03-29T09:30:00Z"));
        // Three real hours before 11:30 CEST is 07:30 CEST = 05:30Z.
        assert_eq!(d.order_until, ts("2026-03-29T06:30:00Z"));
        // A serving time inside the gap moves forward past it.
        let gap = rules("Europe/Vienna", "02:30", 3600, 3600);
        assert_eq!(
            gap.serving_instant(date("2026-03-29")).unwrap(),
            ts("2026-03-29T01:30:00Z")
        );
        // 10-hour delta across the jump: 9 hours of wall clock on that day.
        let long = rules("Europe/Vienna", "12:00", 10 * 3600, 10 * 3600);
        let d = long.deadlines(date("2026-03-29")).unwrap();
        assert_eq!(
            long.zoned(d.order_until).time(),
            "01:00".parse::<Time>().unwrap()
        );
    }

    #[test]
    fn fall_back_day() {
        // 2026-10-25: clocks go from 03:00 back to 02:00 in Vienna.
        let r = rules("Europe/Vienna", "11:00", 3600, 3600);
        let d = r.deadlines(date("2026-10-25")).unwrap();
        assert_eq!(d.serving, ts("2026-10-25T10:00:00Z"));
        // An ambiguous serving time takes the earlier instant (still summer time).
        let fold = rules("Europe/Vienna", "02:30", 3600, 3600);
        assert_eq!(
            fold.serving_instant(date("2026-10-25")).unwrap(),
            ts("2026-10-25T00:30:00Z")
        );
        // 10 and 11 real hours before 12:00 CET both read 02:00 on the wall: the hour repeats.
        let ten = rules("Europe/Vienna", "12:00", 10 * 3600, 11 * 3600);
        let d = ten.deadlines(date("2026-10-25")).unwrap();
        assert_eq!(d.order_until, ts("2026-10-25T01:00:00Z"));
        assert_eq!(d.cancel_until, Some(ts("2026-10-25T00:00:00Z")));
        let two = "02:00".parse::<Time>().unwrap();
        assert_eq!(ten.zoned(d.order_until).time(), two);
        assert_eq!(ten.zoned(d.cancel_until.unwrap()).time(), two);
    }

    #[test]
    fn serving_just_after_midnight_closes_the_evening_before() {
        let r = rules("America/Sao_Paulo", "00:15", 3600, 1800);
        let d = r.deadlines(date("2026-05-10")).unwrap();
        // São Paulo is UTC−3 with no summer time since 2019.
        assert_eq!(d.serving, ts("2026-05-10T03:15:00Z"));
        let order_local = r.zoned(d.order_until);
        assert_eq!(order_local.date(), date("2026-05-09"));
        assert_eq!(order_local.time(), "23:15".parse::<Time>().unwrap());
        assert_eq!(r.local_date(d.cancel_until.unwrap()), date("2026-05-09"));
    }

    #[test]
    fn the_boundary_second_is_still_open_and_the_next_is_not() {
        let r = rules("Europe/Berlin", "12:00", 3600, 7200);
        let d = r.deadlines(date("2026-11-23")).unwrap();
        assert_eq!(d.order_until, ts("2026-11-23T10:00:00Z"));
        assert_eq!(
            d.order_window(ts("2026-11-23T10:00:00Z")),
            Window::Open { seconds_left: 0 }
        );
        assert_eq!(d.order_window(ts("2026-11-23T10:00:01Z")), Window::Closed);
        assert_eq!(
            d.order_window(ts("2026-11-23T09:59:00Z")),
            Window::Open { seconds_left: 60 }
        );
        assert_eq!(
            d.cancel_window(ts("2026-11-23T09:00:00Z")),
            Window::Open { seconds_left: 0 }
        );
        assert_eq!(d.cancel_window(ts("2026-11-23T09:00:01Z")), Window::Closed);
    }

    #[test]
    fn a_venue_without_cancelling_never_opens_the_cancel_window() {
        let mut r = rules("Europe/Vienna", "11:00", 3600, 3600);
        r.allow_cancel = false;
        let d = r.deadlines(date("2026-11-23")).unwrap();
        assert_eq!(d.cancel_until, None);
        assert_eq!(d.cancel_window(ts("2026-11-20T00:00:00Z")), Window::Closed);
    }
}
