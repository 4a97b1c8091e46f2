//! The badge reader read directly (`[kiosk] badge_reader`) through the `KioskUi` the app
//! runs: the "device" is a FIFO to which the test writes the kernel's `input_event` records,
//! which the reader thread reads like a recorded stream (a character device would be
//! grabbed with the `evdev` crate instead; the decoding after that is the same).

use super::*;
use canteen_kiosk::badge_input::{EV_KEY, EV_SYN, EventLayout, RawEvent, ReaderThread, SYN_REPORT};
use canteen_kiosk::config::{BadgeInput, KeyboardLayout};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::time::Instant;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that lives for the call.
    let made = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

/// The FIFO opened for writing as soon as the kiosk reads it (until then a non-blocking
/// open fails with ENXIO; a blocking one would hang the test if the kiosk never came).
fn writer(path: &Path) -> File {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let opened = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match opened {
            Ok(f) => return f,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("the kiosk does not read {}: {e}", path.display()),
        }
    }
}

/// The records a reader writes for `text` (digits and '\n'): one key every `gap_ms` of the
/// kernel's clock from `start`, each a press, a report, a release, a report.
fn typed(text: &str, start: Duration, gap_ms: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let code = match c {
            '1'..='9' => c as u16 - '0' as u16 + 1,
            '0' => 11,
            '\n' => 28,
            _ => panic!("no key for {c:?}"),
        };
        let pressed = start + Duration::from_millis(gap_ms * i as u64);
        for (value, time) in [(1, pressed), (0, pressed + Duration::from_millis(2))] {
            let key = RawEvent {
                time,
                kind: EV_KEY,
                code,
                value,
            };
            let report = RawEvent {
                kind: EV_SYN,
                code: SYN_REPORT,
                value: 0,
                ..key
            };
            out.extend(key.to_bytes(EventLayout::NATIVE));
            out.extend(report.to_bytes(EventLayout::NATIVE));
        }
    }
    out
}

impl Fixture {
    /// A kiosk whose badge reader is a FIFO (returned), read by its thread.
    fn with_badge_reader(name: &str) -> (Fixture, PathBuf, ReaderThread) {
        let fifo = unique_dir(name).join("usb-reader-event-kbd");
        mkfifo(&fifo);
        let input = BadgeInput {
            path: fifo.clone(),
            layout: KeyboardLayout::De,
        };
        let f = Fixture::with_config(name, |c| c.kiosk.badge_input = Some(input.clone()));
        let reader = f.ui.read_badge_device(&input).unwrap();
        (f, fifo, reader)
    }

    /// Applies what the reader thread queued until `done` holds (the event loop would be
    /// woken for it; these tests have none).
    fn wait_for(&self, what: &str, done: impl Fn(&Fixture) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            assert!(Instant::now() < deadline, "no {what} within 10 s");
            std::thread::sleep(Duration::from_millis(10));
            self.ui.pump();
            settle();
        }
    }

    fn user(&self) -> String {
        self.api().get_user_name().to_string()
    }
}

#[test]
fn a_badge_reader_read_directly_signs_in_and_no_other_keyboard_can() {
    let (f, fifo, _reader) = Fixture::with_badge_reader("evdev");
    // Another keyboard types a badge number: only the reader's device reads badges now.
    f.type_keys("1001\n");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    assert_eq!(f.api().get_notice(), Problem::None);

    let mut w = writer(&fifo);
    let t = Duration::from_secs(5000);
    w.write_all(&typed("1001\n", t, 8)).unwrap();
    f.wait_for("Anna badged in", |f| f.user() == "Anna");
    assert_eq!(f.api().get_screen(), Screen::Menu);

    // Michael's number typed by hand on the reader's keys, delivered at once (as to a stalled
    // UI thread): the kernel's times say it was slow, so no badge. The unknown badge after it
    // shows that all of it was read.
    let mut keys = typed("1002\n", t + Duration::from_secs(10), 250);
    keys.extend(typed("4711\n", t + Duration::from_secs(20), 8));
    w.write_all(&keys).unwrap();
    f.wait_for("the unknown badge's problem", |f| {
        f.api().get_problem() == Problem::UnknownBadge
    });
    assert_eq!(f.user(), "Anna");
}

#[test]
fn a_badge_reader_unplugged_and_plugged_back_is_read_again() {
    let (f, fifo, _reader) = Fixture::with_badge_reader("evdev-replug");
    let t = Duration::from_secs(7000);
    let mut w = writer(&fifo);
    w.write_all(&typed("1001\n", t, 8)).unwrap();
    f.wait_for("Anna badged in", |f| f.user() == "Anna");

    // The writer lets go of the FIFO and comes back: read again at once.
    drop(w);
    let mut w = writer(&fifo);
    w.write_all(&typed("1002\n", t + Duration::from_secs(5), 8))
        .unwrap();
    f.wait_for("Michael badged in", |f| f.user() == "Michael");

    // Unplugged: the path goes away, and for a moment there is nothing to open; then the
    // reader is back under the same name (udev's by-id link) and found on the next look.
    std::fs::remove_file(&fifo).unwrap();
    drop(w);
    std::thread::sleep(Duration::from_millis(100));
    mkfifo(&fifo);
    let mut w = writer(&fifo);
    w.write_all(&typed("1003\n", t + Duration::from_secs(10), 8))
        .unwrap();
    f.wait_for("Sofia badged in", |f| f.user() == "Sofia");
}

#[test]
fn a_badge_read_directly_wakes_a_black_screen_and_is_read() {
    let (f, fifo, _reader) = Fixture::with_badge_reader("evdev-blank");
    // The demo blanks after 10 min in service hours (09:41 here); drawn black, no backlight.
    f.seconds(600);
    assert!(f.api().get_blank(), "black after ten quiet minutes");
    let mut w = writer(&fifo);
    w.write_all(&typed("1001\n", Duration::from_secs(9000), 8))
        .unwrap();
    f.wait_for("Anna badged in", |f| f.user() == "Anna");
    assert!(!f.api().get_blank() && !f.api().get_asleep(), "awake again");
    assert_eq!(f.api().get_screen(), Screen::Menu);
}
