//! Key presses of a badge reader read directly (`crate::badge_input`): its thread queues them
//! and wakes the event loop, the UI thread takes them off the queue.
//!
//! While a reader device is read, the window's keys come from some other keyboard: they keep
//! a session alive but never make a badge.

use super::generated::{Api, AppWindow};
use crate::badge_input::{self, KeyPress, ReaderThread};
use crate::config::BadgeInput;
use slint::ComponentHandle;
use std::cell::Cell;
use std::sync::mpsc::{Receiver, Sender, channel};

pub(super) struct DeviceKeys {
    sender: Sender<KeyPress>,
    queue: Receiver<KeyPress>,
    /// A reader device is read: window keys are not badge digits.
    reading: Cell<bool>,
}

impl DeviceKeys {
    pub fn new() -> DeviceKeys {
        let (sender, queue) = channel();
        DeviceKeys {
            sender,
            queue,
            reading: Cell::new(false),
        }
    }

    /// Whether the badge reader is a device of its own (and not the window's keys).
    pub fn reading(&self) -> bool {
        self.reading.get()
    }

    /// Starts the thread that reads `input`. Each press is queued and the event loop woken
    /// through `worker-changed`, whose handler takes what other threads queued.
    pub fn start(
        &self,
        input: &BadgeInput,
        window: slint::Weak<AppWindow>,
    ) -> std::io::Result<ReaderThread> {
        let sender = self.sender.clone();
        let thread = badge_input::start(input, move |press| {
            if sender.send(press).is_ok() {
                // Without a running event loop (headless tests) this fails; `pump` takes the
                // queued presses then.
                let _ = window.upgrade_in_event_loop(|w| w.global::<Api>().invoke_worker_changed());
            }
        })?;
        self.reading.set(true);
        Ok(thread)
    }

    /// The presses queued so far.
    pub fn take(&self) -> Vec<KeyPress> {
        self.queue.try_iter().collect()
    }
}
