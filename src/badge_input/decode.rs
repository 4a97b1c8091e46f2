//! The kernel's `struct input_event` records (from a device, a FIFO or a recorded file) into
//! key presses with their kernel time.
//!
//! The kernel writes one fixed-size record per event, in the machine's byte order:
//! `{ time: { sec, usec }, type: u16, code: u16, value: i32 }` where `sec` and `usec` are a
//! C `long` (`__kernel_ulong_t` in `linux/input.h` since 5.0): 24 bytes on 64-bit, 16 bytes
//! on 32-bit, also where user space has a 64-bit `time_t` (armhf's glibc with
//! `_TIME_BITS=64`), which is why the size follows the pointer width and not `timeval`.

use super::keymap::{self, Mapped};
use crate::config::KeyboardLayout;
use std::time::Duration;

/// `EV_SYN`, `EV_KEY`: event types.
pub const EV_SYN: u16 = 0;
pub const EV_KEY: u16 = 1;
/// `SYN_REPORT`, `SYN_DROPPED`: codes of `EV_SYN`.
pub const SYN_REPORT: u16 = 0;
pub const SYN_DROPPED: u16 = 3;

/// The text of a press after the kernel dropped events (its buffer overflowed): ASCII CAN,
/// "the data around it is in error". The badge reader takes no badge from its run, which may
/// miss digits and so be another employee's number.
pub const LOST_KEYS: &str = "\u{18}";
/// The text of a key that types no character known here (Esc, punctuation, F-keys): not a
/// digit, so it spoils a run like a letter does.
pub const OTHER_KEY: &str = "\u{fffd}";

/// The record layout of `struct input_event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventLayout {
    /// 64-bit Linux (x86_64, arm64): 8-byte `sec` and `usec`, 24 bytes.
    Bits64,
    /// 32-bit Linux (armhf): 4-byte `sec` and `usec`, 16 bytes.
    Bits32,
}

impl EventLayout {
    /// This machine's layout: the one its kernel writes.
    #[cfg(target_pointer_width = "64")]
    pub const NATIVE: EventLayout = EventLayout::Bits64;
    #[cfg(not(target_pointer_width = "64"))]
    pub const NATIVE: EventLayout = EventLayout::Bits32;

    /// Bytes per record.
    pub const fn size(self) -> usize {
        match self {
            EventLayout::Bits64 => 24,
            EventLayout::Bits32 => 16,
        }
    }

    fn time_width(self) -> usize {
        self.size() / 2 - 4
    }
}

/// One `struct input_event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEvent {
    /// The kernel's timestamp (`CLOCK_MONOTONIC` where the device was asked for it, else
    /// the wall clock); only ever compared with other events' times.
    pub time: Duration,
    pub kind: u16,
    pub code: u16,
    pub value: i32,
}

impl RawEvent {
    /// One record of `layout` (its exact size), or `None` for another length.
    pub fn parse(bytes: &[u8], layout: EventLayout) -> Option<RawEvent> {
        if bytes.len() != layout.size() {
            return None;
        }
        let w = layout.time_width();
        let (sec, usec) = (signed(&bytes[..w]), signed(&bytes[w..2 * w]));
        let rest = &bytes[2 * w..];
        Some(RawEvent {
            time: time_of(sec, usec),
            kind: u16::from_ne_bytes([rest[0], rest[1]]),
            code: u16::from_ne_bytes([rest[2], rest[3]]),
            value: i32::from_ne_bytes([rest[4], rest[5], rest[6], rest[7]]),
        })
    }

    /// The record the kernel would write for this event: for replays and the tests.
    pub fn to_bytes(&self, layout: EventLayout) -> Vec<u8> {
        let sec = i64::try_from(self.time.as_secs()).unwrap_or(i64::MAX);
        let usec = i64::from(self.time.subsec_micros());
        let mut out = Vec::with_capacity(layout.size());
        match layout {
            EventLayout::Bits64 => {
                out.extend_from_slice(&sec.to_ne_bytes());
                out.extend_from_slice(&usec.to_ne_bytes());
            }
            EventLayout::Bits32 => {
                let sec = i32::try_from(sec).unwrap_or(i32::MAX);
                out.extend_from_slice(&sec.to_ne_bytes());
                out.extend_from_slice(&(usec as i32).to_ne_bytes());
            }
        }
        out.extend_from_slice(&self.kind.to_ne_bytes());
        out.extend_from_slice(&self.code.to_ne_bytes());
        out.extend_from_slice(&self.value.to_ne_bytes());
        out
    }
}

fn signed(bytes: &[u8]) -> i64 {
    match bytes.len() {
        8 => i64::from_ne_bytes(bytes.try_into().unwrap_or_default()),
        _ => i64::from(i32::from_ne_bytes(bytes.try_into().unwrap_or_default())),
    }
}

/// A time before the clock's start, or microseconds out of range, cannot come from the kernel:
/// such a record still decodes (bad input never stops the reader), at the nearest valid time.
fn time_of(sec: i64, usec: i64) -> Duration {
    let sec = u64::try_from(sec).unwrap_or(0);
    let usec = u32::try_from(usec.clamp(0, 999_999)).unwrap_or(0);
    Duration::new(sec, usec * 1000)
}

/// Cuts a byte stream into records; a record split across reads is kept for the next one.
#[derive(Debug)]
pub struct Records {
    layout: EventLayout,
    pending: Vec<u8>,
}

impl Records {
    pub fn new(layout: EventLayout) -> Records {
        Records {
            layout,
            pending: Vec::new(),
        }
    }

    /// The records completed by `bytes`.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<RawEvent> {
        self.pending.extend_from_slice(bytes);
        let size = self.layout.size();
        let whole = self.pending.len() / size * size;
        let events = self.pending[..whole]
            .chunks_exact(size)
            .filter_map(|r| RawEvent::parse(r, self.layout))
            .collect();
        self.pending.drain(..whole);
        events
    }
}

/// A key press for the badge reader: the text of the key (`"\n"` for Enter) and when the
/// kernel saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPress {
    pub text: String,
    pub time: Duration,
}

/// Events into key presses: releases and autorepeat dropped, Shift followed, and a run that
/// lost events marked.
#[derive(Debug)]
pub struct Decoder {
    layout: KeyboardLayout,
    /// Left and right Shift held.
    shift: [bool; 2],
    /// After `SYN_DROPPED`: the kernel's buffer overflowed; everything up to the next
    /// `SYN_REPORT` is incomplete.
    dropping: bool,
}

impl Decoder {
    pub fn new(layout: KeyboardLayout) -> Decoder {
        Decoder {
            layout,
            shift: [false; 2],
            dropping: false,
        }
    }

    /// The key press `ev` is, if it is one.
    pub fn event(&mut self, ev: RawEvent) -> Option<KeyPress> {
        match (ev.kind, ev.code) {
            (EV_SYN, SYN_DROPPED) => {
                self.dropping = true;
                self.shift = [false; 2];
                return Some(KeyPress {
                    text: LOST_KEYS.to_string(),
                    time: ev.time,
                });
            }
            (EV_SYN, SYN_REPORT) => self.dropping = false,
            _ => {}
        }
        if ev.kind != EV_KEY || self.dropping {
            return None;
        }
        let shift = self.shift[0] || self.shift[1];
        let text = match keymap::map(self.layout, ev.code, shift) {
            Mapped::Shift => {
                let side = usize::from(ev.code == keymap::KEY_RIGHTSHIFT);
                // 1 press, 2 autorepeat, 0 release.
                self.shift[side] = ev.value != 0;
                return None;
            }
            _ if ev.value != 1 => return None,
            Mapped::Modifier => return None,
            Mapped::Char(c) => c.to_string(),
            Mapped::Enter => "\n".to_string(),
            Mapped::Other => OTHER_KEY.to_string(),
        };
        Some(KeyPress {
            text,
            time: ev.time,
        })
    }

    /// All key presses of `events`, in order.
    pub fn presses(&mut self, events: impl IntoIterator<Item = RawEvent>) -> Vec<KeyPress> {
        events.into_iter().filter_map(|ev| self.event(ev)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(ms: u64, code: u16, value: i32) -> RawEvent {
        RawEvent {
            time: Duration::from_millis(ms),
            kind: EV_KEY,
            code,
            value,
        }
    }

    fn syn(ms: u64, code: u16) -> RawEvent {
        RawEvent {
            time: Duration::from_millis(ms),
            kind: EV_SYN,
            code,
            value: 0,
        }
    }

    fn texts(presses: &[KeyPress]) -> String {
        presses.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn records_round_trip_in_both_layouts_and_split_reads_are_joined() {
        let ev = RawEvent {
            time: Duration::new(1_763_541_660, 123_456_000),
            kind: EV_KEY,
            code: 30,
            value: 1,
        };
        for layout in [EventLayout::Bits64, EventLayout::Bits32] {
            let bytes = ev.to_bytes(layout);
            assert_eq!(bytes.len(), layout.size());
            assert_eq!(RawEvent::parse(&bytes, layout), Some(ev));
            let mut records = Records::new(layout);
            let two = [bytes.clone(), bytes].concat();
            let (a, b) = two.split_at(layout.size() + 5);
            assert_eq!(records.push(a), vec![ev]);
            assert_eq!(records.push(&b[..3]), vec![]);
            assert_eq!(records.push(&b[3..]), vec![ev]);
        }
        assert_eq!(RawEvent::parse(&[0; 20], EventLayout::Bits64), None);
        assert_eq!(
            EventLayout::NATIVE.size(),
            2 * size_of::<libc::c_long>() + 8
        );
    }

    #[test]
    fn impossible_times_decode_without_panicking() {
        let mut bytes = vec![0xff; 24];
        bytes[16..18].copy_from_slice(&EV_KEY.to_ne_bytes());
        let ev = RawEvent::parse(&bytes, EventLayout::Bits64).unwrap();
        // sec = -1, usec = -1: the clock's start.
        assert_eq!(ev.time, Duration::ZERO);
        let mut big = RawEvent::parse(&[0; 24], EventLayout::Bits64).unwrap();
        big.time = Duration::new(u64::MAX, 0);
        let back = RawEvent::parse(&big.to_bytes(EventLayout::Bits32), EventLayout::Bits32);
        assert_eq!(back.unwrap().time, Duration::from_secs(i32::MAX as u64));
        let usec = [1i64.to_ne_bytes(), 5_000_000i64.to_ne_bytes()].concat();
        let rest = [0u8; 8];
        let ev = RawEvent::parse(&[usec, rest.to_vec()].concat(), EventLayout::Bits64).unwrap();
        assert_eq!(ev.time, Duration::new(1, 999_999_000));
    }

    #[test]
    fn presses_only_no_releases_or_repeats() {
        let mut d = Decoder::new(KeyboardLayout::Us);
        let presses = d.presses([
            key(0, 2, 1),
            syn(0, SYN_REPORT),
            key(3, 2, 0),
            key(8, 11, 1),
            key(300, 11, 2),
            key(310, 11, 0),
            key(316, 28, 1),
            key(320, 28, 0),
        ]);
        assert_eq!(texts(&presses), "10\n");
        let times: Vec<_> = presses.iter().map(|p| p.time.as_millis()).collect();
        assert_eq!(times, [0, 8, 316]);
    }

    #[test]
    fn shift_changes_letters_not_digits_and_modifiers_type_nothing() {
        let mut d = Decoder::new(KeyboardLayout::De);
        let presses = d.presses([
            key(0, 42, 1),
            key(1, 2, 1),
            key(2, 21, 1),
            key(3, 42, 2),
            key(4, 42, 0),
            key(5, 21, 1),
            key(6, 54, 1),
            key(7, 44, 1),
            key(8, 54, 0),
            key(9, 29, 1),
            key(10, 96, 1),
            key(11, 1, 1),
        ]);
        assert_eq!(texts(&presses), format!("1ZzY\n{OTHER_KEY}"));
    }

    #[test]
    fn dropped_events_spoil_the_run_until_the_next_report() {
        let mut d = Decoder::new(KeyboardLayout::Us);
        let presses = d.presses([
            key(0, 2, 1),
            syn(1, SYN_DROPPED),
            key(2, 3, 1),
            syn(3, SYN_REPORT),
            key(4, 4, 1),
        ]);
        assert_eq!(texts(&presses), format!("1{LOST_KEYS}3"));
    }

    #[test]
    fn other_event_types_are_ignored() {
        let mut d = Decoder::new(KeyboardLayout::Us);
        // EV_MSC MSC_SCAN (the USB usage of the key, sent before each key), EV_LED.
        let msc = RawEvent {
            kind: 4,
            code: 4,
            value: 0x7001e,
            ..key(0, 0, 0)
        };
        let led = RawEvent {
            kind: 0x11,
            code: 0,
            value: 1,
            ..key(0, 0, 0)
        };
        assert_eq!(
            d.presses([msc, led, key(1, 2, 1)]),
            d.presses([key(1, 2, 1)])
        );
    }
}
