//! The out-of-service mode of the kiosk window: shown when the kiosk cannot start (the store
//! cannot be opened, another kiosk holds the data dir), instead of an exit that systemd would
//! turn into a restart loop with a black screen. A thread of its own tries the start again
//! every few seconds (a locked database takes seconds to time out: never on the UI thread);
//! the first success hands the started kiosk and the same window to the caller's
//! `on_started`, on the UI thread, within the one event loop: the kiosk screen takes the
//! window over (one window, one event loop run: the DRM/KMS backend allows no more).
//!
//! The start attempt is a closure, so the tests drive this with the testing backend and a
//! store they can break and mend.

use super::generated::{Api, AppWindow};
use crate::config::{Config, Language};
use crate::domain::Clock;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

/// How often the start is tried again.
pub const RETRY_EVERY: Duration = Duration::from_secs(5);

/// What the window shows besides the reason.
pub struct OutOfServiceInfo {
    /// The kiosk's name from the config.
    pub kiosk_name: String,
    pub language: Language,
    /// The local time as shown ("09:41"), asked once a second.
    pub clock: Box<dyn Fn() -> String>,
}

impl OutOfServiceInfo {
    /// The kiosk's name and language from `config`, the time in its first venue's zone.
    pub fn from_config(config: &Config, clock: Arc<dyn Clock>) -> OutOfServiceInfo {
        let venue = config.venues.first().cloned();
        OutOfServiceInfo {
            kiosk_name: config.kiosk.name.clone(),
            language: config.kiosk.language,
            clock: Box::new(move || {
                let now = clock.now();
                match &venue {
                    Some(v) => v.rules.zoned(now).strftime("%H:%M").to_string(),
                    None => now.strftime("%H:%M UTC").to_string(),
                }
            }),
        }
    }
}

/// What to do with a started kiosk: take the window over.
type OnStarted<T> = Box<dyn FnOnce(AppWindow, T)>;

/// The kiosk window in its out-of-service mode and the retries; `T` is what a successful
/// start gives.
pub struct OutOfServiceUi<T> {
    window: AppWindow,
    inner: Rc<Inner<T>>,
}

struct Inner<T> {
    window: slint::Weak<AppWindow>,
    clock: Box<dyn Fn() -> String>,
    attempts: RefCell<Option<Receiver<Result<T, String>>>>,
    /// Where a success goes; without one it waits in `started`.
    on_started: RefCell<Option<OnStarted<T>>>,
    started: RefCell<Option<T>>,
    /// Tells the retry thread to stop (the window was closed).
    stop: Arc<AtomicBool>,
}

impl<T: Send + 'static> OutOfServiceUi<T> {
    /// Creates the window (not yet shown) with the reason the start failed.
    pub fn new(info: OutOfServiceInfo, reason: &str) -> Result<Self, slint::PlatformError> {
        let window = AppWindow::new()?;
        let code = info.language.code();
        if let Err(e) = slint::select_bundled_translation(code) {
            log::warn!("language {code}: {e}");
        }
        let api = window.global::<Api>();
        api.set_out_of_service(true);
        api.set_kiosk_name(info.kiosk_name.as_str().into());
        api.set_out_of_service_reason(reason.into());
        api.set_retry_seconds(RETRY_EVERY.as_secs() as i32);
        let inner = Rc::new(Inner {
            window: window.as_weak(),
            clock: info.clock,
            attempts: RefCell::new(None),
            on_started: RefCell::new(None),
            started: RefCell::new(None),
            stop: Arc::new(AtomicBool::new(false)),
        });
        inner.show_time();
        // Until the kiosk takes the window over, its timer ticks here and the retry thread
        // wakes it through `worker-changed`; nothing else has a handler (badge reads go
        // nowhere).
        let weak = Rc::downgrade(&inner);
        api.on_tick(move || {
            if let Some(inner) = weak.upgrade() {
                inner.show_time();
                inner.pump(Deliver::Later);
            }
        });
        let weak = Rc::downgrade(&inner);
        api.on_worker_changed(move || {
            if let Some(inner) = weak.upgrade() {
                inner.pump(Deliver::Later);
            }
        });
        Ok(OutOfServiceUi { window, inner })
    }

    /// Where the started kiosk goes, with the window to take over (on the UI thread).
    pub fn on_started(&self, f: impl FnOnce(AppWindow, T) + 'static) {
        *self.inner.on_started.borrow_mut() = Some(Box::new(f));
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    /// Tries `attempt` every `every` on a thread of its own until it succeeds (or this is
    /// dropped). Each failure's reason replaces the one shown.
    pub fn retry(
        &self,
        mut attempt: impl FnMut() -> Result<T, String> + Send + 'static,
        every: Duration,
    ) -> std::io::Result<()> {
        self.window
            .global::<Api>()
            .set_retry_seconds(every.as_secs().max(1) as i32);
        let (sender, receiver): (Sender<Result<T, String>>, _) = channel();
        *self.inner.attempts.borrow_mut() = Some(receiver);
        let stop = self.inner.stop.clone();
        let window = self.window.as_weak();
        std::thread::Builder::new()
            .name("start-retry".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let result = attempt();
                    let done = result.is_ok();
                    if let Err(e) = &result {
                        log::warn!("the kiosk still cannot start: {e}");
                    }
                    if sender.send(result).is_err() {
                        return;
                    }
                    // Without a running event loop (headless tests) this fails; the window's
                    // timer or `pump` takes the result then.
                    let _ =
                        window.upgrade_in_event_loop(|w| w.global::<Api>().invoke_worker_changed());
                    if done {
                        return;
                    }
                }
            })?;
        Ok(())
    }

    /// Takes the tries finished so far; true once one succeeded (the event loop is asked to
    /// end then).
    pub fn pump(&self) -> bool {
        self.inner.pump(Deliver::Now)
    }

    /// The started kiosk, once a try succeeded (when no `on_started` took it).
    pub fn take_started(&self) -> Option<T> {
        self.inner.started.borrow_mut().take()
    }

    /// Shows the window and runs the event loop until it is closed (also after the kiosk
    /// took it over).
    pub fn run(&self) -> Result<(), slint::PlatformError> {
        self.window.run()
    }
}

/// When `on_started` runs: from one of the window's own callbacks it must wait until that
/// callback returned (Slint refuses a callback's handler being replaced while it runs, and
/// the kiosk replaces them all).
#[derive(Clone, Copy)]
enum Deliver {
    Now,
    Later,
}

impl<T: 'static> Inner<T> {
    fn show_time(&self) {
        if let Some(w) = self.window.upgrade() {
            w.global::<Api>().set_clock_time((self.clock)().into());
        }
    }

    fn pump(&self, deliver: Deliver) -> bool {
        if self.stop.load(Ordering::Relaxed) || self.started.borrow().is_some() {
            return true;
        }
        let Some(receiver) = &*self.attempts.borrow() else {
            return false;
        };
        while let Ok(result) = receiver.try_recv() {
            match result {
                Ok(started) => {
                    log::info!(
                        "the kiosk could start after all: leaving the out-of-service screen"
                    );
                    self.stop.store(true, Ordering::Relaxed);
                    match (
                        self.on_started.borrow_mut().take(),
                        self.window.upgrade(),
                        deliver,
                    ) {
                        (Some(f), Some(w), Deliver::Now) => f(w, started),
                        (Some(f), Some(w), Deliver::Later) => {
                            slint::Timer::single_shot(Duration::ZERO, move || f(w, started));
                        }
                        _ => *self.started.borrow_mut() = Some(started),
                    }
                    return true;
                }
                Err(reason) => {
                    if let Some(w) = self.window.upgrade() {
                        w.global::<Api>().set_out_of_service_reason(reason.into());
                    }
                }
            }
        }
        false
    }
}

impl<T> Drop for OutOfServiceUi<T> {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::Relaxed);
    }
}
