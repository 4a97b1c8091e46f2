//! The thread that reads the badge reader's device and hands each key press to the caller.
//!
//! An evdev character device is opened with the `evdev` crate and grabbed: while the kiosk
//! holds it, no other program (nor the window system) sees its keys. A FIFO or a regular file
//! of recorded `input_event` records is read the same way without a grab (the tests, a
//! replay). When the device goes away (unplugged: `ENODEV`, or its path is gone), that is
//! logged once and the path is tried again every [`RETRY_EVERY`] until it is back; a FIFO
//! whose writer closed it is opened again at once (a reopened FIFO waits for the next writer
//! without spinning). A FIFO has no unplug of its own: one deleted while nobody writes to it
//! goes on being read until a writer of it closes it. The thread blocks in `poll` on the device and on a stop pipe, so it
//! takes no CPU while nobody badges and ends as soon as it is stopped.

use super::decode::{Decoder, EventLayout, KeyPress, RawEvent, Records};
use crate::config::BadgeInput;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, UNIX_EPOCH};

/// How often a missing or failing reader is looked for again.
pub const RETRY_EVERY: Duration = Duration::from_secs(2);

/// The running reader thread; stopping (or dropping) it ends the thread.
#[derive(Debug)]
pub struct ReaderThread {
    /// Closing the write end of the stop pipe wakes the thread's `poll`.
    stop: Option<OwnedFd>,
    thread: Option<JoinHandle<()>>,
}

impl ReaderThread {
    /// Ends the thread and waits for it (it lets go of the device).
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            log::error!("the badge reader thread panicked");
        }
    }
}

impl Drop for ReaderThread {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Reads `input` on a thread of its own, calling `on_key` with every key press, until
/// stopped.
pub fn start(
    input: &BadgeInput,
    on_key: impl FnMut(KeyPress) + Send + 'static,
) -> io::Result<ReaderThread> {
    let (stop_rx, stop_tx) = rustix::pipe::pipe()?;
    let path = input.path.clone();
    let decoder = Decoder::new(input.layout);
    let thread = std::thread::Builder::new()
        .name("badge-reader".into())
        .spawn(move || run(&path, decoder, &stop_rx, on_key))?;
    Ok(ReaderThread {
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// How reading a source ended.
enum End {
    Stopped,
    /// The FIFO's writer closed it.
    WriterLeft,
    Gone(io::Error),
}

fn run(path: &Path, mut decoder: Decoder, stop: &OwnedFd, mut on_key: impl FnMut(KeyPress)) {
    let shown = path.display();
    // The last problem logged: each outage is logged once, not every retry.
    let mut outage: Option<String> = None;
    let mut opened_before = false;
    loop {
        let end = match Source::open(path) {
            Ok(mut source) => {
                // A FIFO opened again after its writer left is no news.
                match (outage.take(), opened_before) {
                    (Some(_), _) => {
                        log::info!("badge reader {shown}: found again ({})", source.kind())
                    }
                    (None, false) => log::info!("badge reader {shown}: reading {}", source.kind()),
                    (None, true) => {}
                }
                opened_before = true;
                source.read(stop, &mut decoder, &mut on_key)
            }
            Err(e) => End::Gone(e),
        };
        match end {
            End::Stopped => return,
            End::WriterLeft => continue,
            End::Gone(e) => {
                let problem = e.to_string();
                if outage.as_deref() != Some(problem.as_str()) {
                    log::warn!(
                        "badge reader {shown}: {problem}; looking for it every {} s",
                        RETRY_EVERY.as_secs()
                    );
                    outage = Some(problem);
                }
                if stopped_within(stop, Some(RETRY_EVERY)) {
                    return;
                }
            }
        }
    }
}

/// What the path turned out to be.
enum Source {
    /// An evdev device, grabbed.
    Device(evdev::raw_stream::RawDevice),
    /// A FIFO of raw records, non-blocking.
    Fifo(File),
    /// A recorded file, replayed once.
    Recording(File),
}

impl Source {
    fn open(path: &Path) -> io::Result<Source> {
        let kind = std::fs::metadata(path)?.file_type();
        if kind.is_char_device() {
            open_device(path).map(Source::Device)
        } else if kind.is_fifo() {
            let fifo = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)?;
            Ok(Source::Fifo(fifo))
        } else if kind.is_file() {
            File::open(path).map(Source::Recording)
        } else {
            Err(io::Error::other(NOT_AN_INPUT))
        }
    }

    fn kind(&self) -> String {
        match self {
            Source::Device(d) => format!(
                "the input device \"{}\", taken for the kiosk alone",
                d.name().unwrap_or("?")
            ),
            Source::Fifo(_) => "a FIFO of input events".to_string(),
            Source::Recording(_) => "a recording of input events, once".to_string(),
        }
    }

    fn read(
        &mut self,
        stop: &OwnedFd,
        decoder: &mut Decoder,
        on_key: &mut impl FnMut(KeyPress),
    ) -> End {
        let mut on_event = |ev: RawEvent| {
            if let Some(press) = decoder.event(ev) {
                on_key(press);
            }
        };
        match self {
            Source::Device(device) => read_device(device, stop, &mut on_event),
            Source::Fifo(fifo) => read_fifo(fifo, stop, &mut on_event),
            Source::Recording(file) => {
                if let Err(e) = read_records(file, &mut on_event) {
                    log::warn!("badge reader: the recording ends early: {e}");
                }
                // Replayed: nothing more comes (reading it again would replay it again).
                stopped_within(stop, None);
                End::Stopped
            }
        }
    }
}

const NOT_AN_INPUT: &str = "is neither an input device nor a FIFO or file of input events";

fn open_device(path: &Path) -> io::Result<evdev::raw_stream::RawDevice> {
    let mut device = evdev::raw_stream::RawDevice::open(path)?;
    use_monotonic_clock(&device);
    device.grab().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot take it for the kiosk alone (does another program grab it?): {e}"),
        )
    })?;
    Ok(device)
}

/// Asks for event times on the monotonic clock: the wall clock steps when a Pi without a
/// battery clock synchronises, and a step between two keys would break a badge in two.
/// Without it (an old kernel) the wall clock's times still work almost always.
fn use_monotonic_clock(device: &evdev::raw_stream::RawDevice) {
    // EVIOCSCLOCKID, _IOW('E', 0xa0, int) in linux/input.h.
    const EVIOCSCLOCKID: u32 = 0x4004_45a0;
    let clock: libc::c_int = libc::CLOCK_MONOTONIC;
    // SAFETY: the request reads one int through the pointer, which is valid for the call;
    // the descriptor is open for as long as `device` lives.
    let done = unsafe { libc::ioctl(device.as_raw_fd(), EVIOCSCLOCKID as _, &clock) };
    if done != 0 {
        log::debug!(
            "badge reader: no monotonic event times: {}",
            io::Error::last_os_error()
        );
    }
}

fn read_device(
    device: &mut evdev::raw_stream::RawDevice,
    stop: &OwnedFd,
    on_event: &mut impl FnMut(RawEvent),
) -> End {
    loop {
        match wait(device.as_fd(), stop) {
            Ok(Ready::Stop) => return End::Stopped,
            // POLLERR / POLLHUP on an evdev device: it was unplugged.
            Ok(Ready::Hangup) => return End::Gone(io::Error::from_raw_os_error(libc::ENODEV)),
            Ok(Ready::Input) => {}
            Err(e) => return End::Gone(e),
        }
        match device.fetch_events() {
            Ok(events) => events.for_each(|ev| {
                on_event(RawEvent {
                    time: ev
                        .timestamp()
                        .duration_since(UNIX_EPOCH)
                        .unwrap_or_default(),
                    kind: ev.event_type().0,
                    code: ev.code(),
                    value: ev.value(),
                })
            }),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return End::Gone(e),
        }
    }
}

fn read_fifo(fifo: &mut File, stop: &OwnedFd, on_event: &mut impl FnMut(RawEvent)) -> End {
    let mut records = Records::new(EventLayout::NATIVE);
    let mut buf = [0u8; 64 * EventLayout::NATIVE.size()];
    loop {
        match wait(fifo.as_fd(), stop) {
            Ok(Ready::Stop) => return End::Stopped,
            // A hangup may come with the writer's last records: read them first.
            Ok(Ready::Input | Ready::Hangup) => {}
            Err(e) => return End::Gone(e),
        }
        match fifo.read(&mut buf) {
            Ok(0) => return End::WriterLeft,
            Ok(n) => records.push(&buf[..n]).into_iter().for_each(&mut *on_event),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return End::Gone(e),
        }
    }
}

fn read_records(file: &mut File, on_event: &mut impl FnMut(RawEvent)) -> io::Result<()> {
    let mut records = Records::new(EventLayout::NATIVE);
    let mut buf = [0u8; 4096];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => records.push(&buf[..n]).into_iter().for_each(&mut *on_event),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

enum Ready {
    Input,
    Hangup,
    Stop,
}

/// Blocks until `fd` has something to say or the thread is stopped.
fn wait(fd: std::os::fd::BorrowedFd<'_>, stop: &OwnedFd) -> io::Result<Ready> {
    loop {
        let mut fds = [
            PollFd::new(&fd, PollFlags::IN),
            PollFd::new(stop, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
        if !fds[1].revents().is_empty() {
            return Ok(Ready::Stop);
        }
        let got = fds[0].revents();
        if got.contains(PollFlags::IN) {
            return Ok(Ready::Input);
        }
        if got.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
            return Ok(Ready::Hangup);
        }
    }
}

/// Waits up to `timeout` (for ever with `None`); true when the thread was stopped meanwhile.
fn stopped_within(stop: &OwnedFd, timeout: Option<Duration>) -> bool {
    let timeout = timeout.and_then(|d| Timespec::try_from(d).ok());
    let mut fds = [PollFd::new(stop, PollFlags::IN)];
    // An interrupted wait (a signal) only makes this retry come sooner.
    let _ = poll(&mut fds, timeout.as_ref());
    !fds[0].revents().is_empty()
}

/// What `check-config` says about a configured reader: `Ok` with what the path is, or why
/// the kiosk cannot read it now (it keeps looking while it runs, so this is no refusal).
pub fn check(path: &Path) -> Result<String, String> {
    let kind = match std::fs::metadata(path) {
        Ok(meta) => meta.file_type(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!(
                "is not there now (unplugged?); the kiosk looks for it every {} s. \
                 `ls -l /dev/input/by-id/` lists the connected readers",
                RETRY_EVERY.as_secs()
            ));
        }
        Err(e) => return Err(format!("cannot be looked at: {e}")),
    };
    let what = if kind.is_char_device() {
        "an input device"
    } else if kind.is_fifo() {
        "a FIFO of input events"
    } else if kind.is_file() {
        "a recording of input events"
    } else {
        return Err(NOT_AN_INPUT.to_string());
    };
    match rustix::fs::access(path, rustix::fs::Access::READ_OK) {
        Ok(()) => Ok(what.to_string()),
        Err(e) => Err(format!(
            "is {what} this user cannot read ({}); the kiosk's user needs the group `input`",
            io::Error::from(e)
        )),
    }
}
