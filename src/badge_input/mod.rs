//! The badge reader read directly (`[kiosk] badge_reader`): its evdev device, grabbed so
//! that its digits reach no other window and no other keyboard can type a badge.
//!
//! - `decode`: the kernel's `struct input_event` records into key presses with the kernel's
//!   time of each, which the badge reader's gap rule uses (`ui::badge_reader::KeyTime`).
//! - `keymap`: key codes to text for the reader's layout (US, German).
//! - `device`: the thread that reads the device (or a FIFO or recording of its records),
//!   finds it again after it was unplugged, and hands the presses to the UI.

mod decode;
mod device;
mod keymap;

pub use decode::{
    Decoder, EV_KEY, EV_SYN, EventLayout, KeyPress, LOST_KEYS, OTHER_KEY, RawEvent, Records,
    SYN_DROPPED, SYN_REPORT,
};
pub use device::{RETRY_EVERY, ReaderThread, check, start};

/// The recorded streams of `tests/fixtures/evdev/` (written by its `make-fixtures.py` from
/// the kernel's struct layout) through the decoder and the badge reader's rules.
#[cfg(test)]
mod recorded {
    use super::*;
    use crate::config::KeyboardLayout;
    use crate::ui::badge_reader::{BadgeReader, KeyTime, ReaderEvent};
    use std::time::{Duration, Instant};

    const BADGE_1001: &[u8] = include_bytes!("../../tests/fixtures/evdev/badge-1001.bin");
    const BADGE_1001_ARMHF: &[u8] =
        include_bytes!("../../tests/fixtures/evdev/badge-1001-armhf.bin");
    const TYPED_SLOWLY: &[u8] = include_bytes!("../../tests/fixtures/evdev/typed-1001-slowly.bin");

    fn presses(bytes: &[u8], layout: EventLayout) -> Vec<KeyPress> {
        let events = Records::new(layout).push(bytes);
        assert_eq!(events.len() * layout.size(), bytes.len());
        Decoder::new(KeyboardLayout::Us).presses(events)
    }

    /// What the badge reader makes of `presses`, all handled at the same moment (as after a
    /// stalled UI thread).
    fn read_at_once(presses: &[KeyPress]) -> ReaderEvent {
        let mut reader = BadgeReader::new();
        let now = Instant::now();
        let mut last = ReaderEvent::Nothing;
        for p in presses {
            last = reader.key_at(&p.text, KeyTime::Kernel(p.time), now);
        }
        last
    }

    #[test]
    fn a_recorded_badge_decodes_to_its_digits_and_kernel_times() {
        for (bytes, layout) in [
            (BADGE_1001, EventLayout::Bits64),
            (BADGE_1001_ARMHF, EventLayout::Bits32),
        ] {
            let p = presses(bytes, layout);
            let text: String = p.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(text, "1001\n");
            assert_eq!(p[0].time, Duration::new(1_763_545_260, 250_000_000));
            assert_eq!(p[4].time - p[0].time, Duration::from_millis(32));
            assert_eq!(read_at_once(&p), ReaderEvent::Badge("1001".into()));
        }
    }

    #[test]
    fn digits_typed_slowly_are_no_badge_even_when_they_arrive_at_once() {
        let p = presses(TYPED_SLOWLY, EventLayout::Bits64);
        assert_eq!(p.len(), 5);
        assert_eq!(read_at_once(&p), ReaderEvent::Stray);
    }

    #[test]
    fn a_truncated_recording_decodes_what_is_whole() {
        let cut = &BADGE_1001[..BADGE_1001.len() - 30];
        let events = Records::new(EventLayout::Bits64).push(cut);
        let p = Decoder::new(KeyboardLayout::De).presses(events);
        let text: String = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "1001\n");
        assert!(
            Records::new(EventLayout::Bits64)
                .push(&cut[..23])
                .is_empty()
        );
    }
}
