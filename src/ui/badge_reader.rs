//! Telling a badge from stray keys.
//!
//! USB badge readers act as keyboards: they type the badge's digits and Enter, a few
//! milliseconds apart. A person typing is much slower, and a cat on the keyboard types
//! letters. The window hands every key to [`BadgeReader::key`] with the time it arrived; a
//! reader read directly (`crate::badge_input`) hands them to [`BadgeReader::key_at`] with the
//! kernel's time of each press, so that keys typed slowly but delivered together (the UI
//! thread was busy for a moment) are still seen as slow. The reader answers with a badge
//! number only for a fast, complete run of digits ended by Enter.
//! It also drops a repeat of the same badge within a second (a badge held to the reader a
//! little too long), and pauses after several unknown badges in a row so that someone trying
//! numbers cannot flood the kiosk.
//!
//! Pure logic with injected timestamps: the tests drive it without a clock or a window.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Fewest digits of a badge number.
pub const MIN_DIGITS: usize = 4;
/// Most digits of a badge number.
pub const MAX_DIGITS: usize = 20;
/// Longest gap between two keys of one badge. Readers type every few milliseconds; people
/// need well over 100 ms per key.
pub const MAX_KEY_GAP: Duration = Duration::from_millis(80);
/// The same badge again within this time is a repeat, not a new badge-in.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(1);
/// After this many unknown badges within [`UNKNOWN_WINDOW`], badge reading pauses.
pub const UNKNOWN_LIMIT: usize = 3;
pub const UNKNOWN_WINDOW: Duration = Duration::from_secs(30);
/// How long badge reading pauses after too many unknown badges.
pub const UNKNOWN_PAUSE: Duration = Duration::from_secs(10);

/// What a key meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// Part of something that may still become a badge, or nothing at all.
    Nothing,
    /// A badge was read.
    Badge(String),
    /// Enter after something that was not a badge (too short or long, too slow, letters).
    Stray,
    /// The same badge as a moment ago: ignored.
    Repeat,
    /// Badge reading is paused after too many unknown badges; this many seconds are left.
    Paused { seconds_left: u64 },
}

/// When a key was pressed, for the gap rule between the keys of one badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTime {
    /// When the key arrived on the UI thread (the window's keys).
    Arrived(Instant),
    /// The kernel's timestamp of the press (an evdev device): a stalled UI thread does not
    /// move it. Only compared with other kernel times, so its clock does not matter.
    Kernel(Duration),
}

impl KeyTime {
    /// Whether more than [`MAX_KEY_GAP`] passed from `earlier` to this key. Times of
    /// different kinds cannot be compared: that is a new run too.
    fn too_long_after(self, earlier: KeyTime) -> bool {
        match (earlier, self) {
            (KeyTime::Arrived(a), KeyTime::Arrived(b)) => {
                b.saturating_duration_since(a) > MAX_KEY_GAP
            }
            (KeyTime::Kernel(a), KeyTime::Kernel(b)) => b.saturating_sub(a) > MAX_KEY_GAP,
            _ => true,
        }
    }
}

#[derive(Debug, Default)]
pub struct BadgeReader {
    digits: String,
    /// The run so far contained something that rules out a badge.
    spoiled: bool,
    last_key: Option<KeyTime>,
    last_badge: Option<(String, Instant)>,
    unknown: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl BadgeReader {
    pub fn new() -> BadgeReader {
        BadgeReader::default()
    }

    /// One key (its text, as the window reports it) arriving at `at`.
    pub fn key(&mut self, text: &str, at: Instant) -> ReaderEvent {
        self.key_at(text, KeyTime::Arrived(at), at)
    }

    /// One key pressed at `pressed`, handled at `at`: the gap between keys is measured on
    /// the press times, the repeat and pause rules on `at`.
    pub fn key_at(&mut self, text: &str, pressed: KeyTime, at: Instant) -> ReaderEvent {
        let slow = self
            .last_key
            .is_some_and(|last| pressed.too_long_after(last));
        self.last_key = Some(pressed);
        let is_enter = matches!(text, "\n" | "\r" | "\r\n");
        if slow && !is_enter {
            // A pause between keys starts a new run: what came before was typed by hand.
            self.digits.clear();
            self.spoiled = false;
        }
        match text {
            _ if is_enter => {
                let digits = std::mem::take(&mut self.digits);
                let spoiled = std::mem::replace(&mut self.spoiled, false);
                self.last_key = None;
                if spoiled || slow || !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
                    return if digits.is_empty() && !spoiled {
                        ReaderEvent::Nothing
                    } else {
                        ReaderEvent::Stray
                    };
                }
                self.badge(digits, at)
            }
            crate::badge_input::LOST_KEYS => {
                // The kernel lost keys of this run: whatever it holds is not a whole badge.
                self.spoiled = true;
                ReaderEvent::Nothing
            }
            t if t.len() == 1 && t.as_bytes()[0].is_ascii_digit() => {
                if self.digits.len() < MAX_DIGITS {
                    self.digits.push_str(t);
                } else {
                    self.spoiled = true;
                }
                ReaderEvent::Nothing
            }
            _ => {
                if !self.digits.is_empty() {
                    self.spoiled = true;
                }
                ReaderEvent::Nothing
            }
        }
    }

    /// A badge number from elsewhere (a tapped demo badge, the tests) under the same repeat
    /// and pause rules.
    pub fn badge(&mut self, number: String, at: Instant) -> ReaderEvent {
        if let Some(left) = self.paused_for(at) {
            let rounded_up = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return ReaderEvent::Paused {
                seconds_left: rounded_up.max(1),
            };
        }
        if let Some((last, when)) = &self.last_badge
            && *last == number
            && at.saturating_duration_since(*when) < REPEAT_WINDOW
        {
            return ReaderEvent::Repeat;
        }
        self.last_badge = Some((number.clone(), at));
        ReaderEvent::Badge(number)
    }

    /// Records that the badge read at `at` is unknown; returns true when reading is now
    /// paused.
    pub fn unknown_badge(&mut self, at: Instant) -> bool {
        while let Some(first) = self.unknown.front() {
            if at.saturating_duration_since(*first) > UNKNOWN_WINDOW {
                self.unknown.pop_front();
            } else {
                break;
            }
        }
        self.unknown.push_back(at);
        if self.unknown.len() >= UNKNOWN_LIMIT {
            self.unknown.clear();
            self.paused_until = Some(at + UNKNOWN_PAUSE);
            true
        } else {
            false
        }
    }

    /// How long badge reading stays paused, if it is.
    pub fn paused_for(&self, at: Instant) -> Option<Duration> {
        self.paused_until
            .filter(|until| *until > at)
            .map(|until| until.saturating_duration_since(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(
        reader: &mut BadgeReader,
        start: Instant,
        text: &str,
        gap_ms: u64,
    ) -> (ReaderEvent, Instant) {
        let mut at = start;
        let mut last = ReaderEvent::Nothing;
        for c in text.chars() {
            let s = if c == '\n' {
                "\n".to_string()
            } else {
                c.to_string()
            };
            last = reader.key(&s, at);
            at += Duration::from_millis(gap_ms);
        }
        (last, at)
    }

    #[test]
    fn a_fast_run_of_digits_and_enter_is_a_badge() {
        let mut r = BadgeReader::new();
        let (ev, _) = typed(&mut r, Instant::now(), "0012345678\n", 8);
        assert_eq!(ev, ReaderEvent::Badge("0012345678".into()));
    }

    #[test]
    fn slow_typing_is_not_a_badge() {
        let mut r = BadgeReader::new();
        let (ev, _) = typed(&mut r, Instant::now(), "1001\n", 200);
        assert_eq!(ev, ReaderEvent::Stray);
        // Just above the limit is still too slow.
        let (ev, _) = typed(
            &mut r,
            Instant::now(),
            "1001\n",
            MAX_KEY_GAP.as_millis() as u64 + 1,
        );
        assert_eq!(ev, ReaderEvent::Stray);
        // Just at it is fine.
        let (ev, _) = typed(
            &mut r,
            Instant::now(),
            "1001\n",
            MAX_KEY_GAP.as_millis() as u64,
        );
        assert_eq!(ev, ReaderEvent::Badge("1001".into()));
    }

    /// Keys pressed `gap_ms` apart by the kernel's clock, all handled at `at`.
    fn pressed(reader: &mut BadgeReader, at: Instant, text: &str, gap_ms: u64) -> ReaderEvent {
        let mut last = ReaderEvent::Nothing;
        for (i, c) in text.chars().enumerate() {
            let kernel = Duration::from_secs(5000) + Duration::from_millis(gap_ms * i as u64);
            last = reader.key_at(&c.to_string(), KeyTime::Kernel(kernel), at);
        }
        last
    }

    #[test]
    fn kernel_times_decide_the_gap_not_when_the_keys_arrive() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        // Typed slowly on the reader, delivered at once after the UI thread was busy.
        assert_eq!(pressed(&mut r, t, "1001\n", 200), ReaderEvent::Stray);
        // Read fast by the reader, handled after a stall between keys.
        let mut at = t + Duration::from_secs(2);
        let mut last = ReaderEvent::Nothing;
        for (i, c) in "1002\n".chars().enumerate() {
            let kernel = Duration::from_secs(9000) + Duration::from_millis(5 * i as u64);
            last = r.key_at(&c.to_string(), KeyTime::Kernel(kernel), at);
            at += Duration::from_millis(400);
        }
        assert_eq!(last, ReaderEvent::Badge("1002".into()));
        // The repeat rule keeps the handling time: the same badge at once is a repeat.
        assert_eq!(pressed(&mut r, at, "1002\n", 5), ReaderEvent::Repeat);
    }

    #[test]
    fn a_kernel_time_after_a_window_key_starts_a_new_run() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        // A stray window key just before: not part of the reader's badge.
        r.key("1", t);
        assert_eq!(
            pressed(&mut r, t, "0021\n", 5),
            ReaderEvent::Badge("0021".into())
        );
    }

    #[test]
    fn lost_keys_spoil_the_run_even_before_its_first_digit() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        let lost = crate::badge_input::LOST_KEYS;
        assert_eq!(
            pressed(&mut r, t, &format!("{lost}1001\n"), 5),
            ReaderEvent::Stray
        );
        // A letter before the first digit does not (the window path's rule).
        assert_eq!(
            pressed(&mut r, t, "x1001\n", 5),
            ReaderEvent::Badge("1001".into())
        );
    }

    #[test]
    fn length_limits() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        assert_eq!(typed(&mut r, t, "123\n", 5).0, ReaderEvent::Stray);
        let twenty = "1".repeat(MAX_DIGITS);
        assert_eq!(
            typed(&mut r, t, &format!("{twenty}\n"), 5).0,
            ReaderEvent::Badge(twenty.clone())
        );
        let t2 = t + Duration::from_secs(5);
        assert_eq!(
            typed(&mut r, t2, &format!("{twenty}1\n"), 5).0,
            ReaderEvent::Stray
        );
        assert_eq!(
            typed(&mut r, t2 + Duration::from_secs(1), "\n", 5).0,
            ReaderEvent::Nothing
        );
    }

    #[test]
    fn letters_spoil_the_run() {
        let mut r = BadgeReader::new();
        assert_eq!(
            typed(&mut r, Instant::now(), "10a01\n", 5).0,
            ReaderEvent::Stray
        );
    }

    #[test]
    fn a_pause_starts_a_new_run() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        // Someone typed "99" by hand; seconds later a reader types a badge.
        let (_, at) = typed(&mut r, t, "99", 300);
        let (ev, _) = typed(&mut r, at + Duration::from_secs(3), "1002\n", 5);
        assert_eq!(ev, ReaderEvent::Badge("1002".into()));
    }

    #[test]
    fn the_same_badge_within_a_second_is_a_repeat() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        assert_eq!(
            typed(&mut r, t, "1001\n", 5).0,
            ReaderEvent::Badge("1001".into())
        );
        let t1 = t + Duration::from_millis(500);
        assert_eq!(typed(&mut r, t1, "1001\n", 5).0, ReaderEvent::Repeat);
        // Another badge is not a repeat.
        assert_eq!(
            typed(&mut r, t1 + Duration::from_millis(100), "1002\n", 5).0,
            ReaderEvent::Badge("1002".into())
        );
        // The first again after more than a second is a new badge-in.
        let t2 = t + Duration::from_millis(2500);
        assert_eq!(
            typed(&mut r, t2, "1001\n", 5).0,
            ReaderEvent::Badge("1001".into())
        );
    }

    #[test]
    fn too_many_unknown_badges_pause_reading() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        assert!(!r.unknown_badge(t));
        assert!(!r.unknown_badge(t + Duration::from_secs(5)));
        assert!(r.unknown_badge(t + Duration::from_secs(10)));
        let during = t + Duration::from_secs(12);
        assert!(matches!(
            typed(&mut r, during, "1001\n", 5).0,
            ReaderEvent::Paused { seconds_left: 8 }
        ));
        let after = t + Duration::from_secs(10) + UNKNOWN_PAUSE;
        assert_eq!(
            typed(&mut r, after, "1001\n", 5).0,
            ReaderEvent::Badge("1001".into())
        );
    }

    #[test]
    fn unknown_badges_spread_out_do_not_pause() {
        let mut r = BadgeReader::new();
        let t = Instant::now();
        for i in 0..10 {
            assert!(
                !r.unknown_badge(t + UNKNOWN_WINDOW * i / 2 + Duration::from_secs(u64::from(i)))
            );
        }
    }
}
