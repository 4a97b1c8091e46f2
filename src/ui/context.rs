//! What every screen's controller shares: the window, the kiosk service, the language, the
//! banners, and who is badged in with the logout timer (a touch on any screen keeps the
//! session alive, so every controller reports activity here).
//!
//! Everything here lives on the UI thread.

use super::generated::{Api, AppWindow, Problem, Screen, Sheet};
use crate::config::{Badge, Language, Role, Venue};
use crate::kiosk::Kiosk;
use crate::sync::SharedStatus;
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub(super) struct Ctx {
    pub window: slint::Weak<AppWindow>,
    pub kiosk: RefCell<Kiosk>,
    /// The sync worker's status (offline, queued, clock doubt).
    pub status: SharedStatus,
    pub language: Cell<Language>,
    /// `kiosk.mode = "kitchen"`: the kitchen display is the home screen.
    pub kitchen_mode: bool,
    /// The person badged in.
    pub session: RefCell<Option<Badge>>,
    /// Seconds to the automatic logout.
    pub idle_left: Cell<u32>,
    /// The kiosk's own clock check (once a minute) doubts the clock.
    pub clock_doubt: Cell<bool>,
    /// Seconds without a touch or a badge (the screen blanks after a while).
    pub quiet: Cell<u32>,
    /// The venue picked on the screen (config key); none: the config's first.
    pub picked_venue: RefCell<Option<String>>,
}

impl Ctx {
    pub fn new(window: &AppWindow, kiosk: Kiosk, status: SharedStatus) -> Ctx {
        let config = kiosk.config().clone();
        Ctx {
            window: window.as_weak(),
            kiosk: RefCell::new(kiosk),
            status,
            language: Cell::new(config.kiosk.language),
            kitchen_mode: config.kiosk.mode == crate::config::Mode::Kitchen,
            session: RefCell::new(None),
            idle_left: Cell::new(0),
            clock_doubt: Cell::new(false),
            quiet: Cell::new(0),
            picked_venue: RefCell::new(None),
        }
    }

    /// Runs `f` on the window, if it is still there.
    pub fn with_window(&self, f: impl FnOnce(&AppWindow)) {
        if let Some(w) = self.window.upgrade() {
            f(&w);
        }
    }

    pub fn with_api(&self, f: impl FnOnce(&Api<'_>)) {
        self.with_window(|w| f(&w.global::<Api>()));
    }

    pub fn screen(&self) -> Screen {
        self.window
            .upgrade()
            .map_or(Screen::Idle, |w| w.global::<Api>().get_screen())
    }

    /// The venue the screen shows: the one picked (by the person badged in, or on the
    /// kitchen display), else the first of the config. A picked venue a reload took out of
    /// the config falls back to the first too.
    pub fn venue(&self) -> Option<Venue> {
        let kiosk = self.kiosk.borrow();
        let venues = &kiosk.config().venues;
        let picked = self.picked_venue.borrow();
        picked
            .as_deref()
            .and_then(|key| venues.iter().find(|v| v.key == key))
            .or(venues.first())
            .cloned()
    }

    /// Shows `key` from now on (a key not in the config: the first venue).
    pub fn pick_venue(&self, key: Option<String>) {
        *self.picked_venue.borrow_mut() = key;
        self.show_venue();
    }

    /// Names the venue shown (the bars, the venue sheet's choice).
    pub fn show_venue(&self) {
        let (key, name) = self.venue().map(|v| (v.key, v.name)).unwrap_or_default();
        self.with_api(|api| {
            api.set_venue_key(key.into());
            api.set_venue_name(name.into());
        });
    }

    /// What prices are formatted with: the venue's currency and the chosen language.
    pub fn currency_lang(&self) -> (String, Language) {
        let currency = self.venue().map(|v| v.currency).unwrap_or_default();
        (currency, self.language.get())
    }

    pub fn session(&self) -> Option<Badge> {
        self.session.borrow().clone()
    }

    pub fn signed_in(&self) -> bool {
        self.session.borrow().is_some()
    }

    /// The admin badged in, if any.
    pub fn admin_badge(&self) -> Option<String> {
        self.session
            .borrow()
            .as_ref()
            .filter(|b| b.role == Role::Admin)
            .map(|b| b.number.clone())
    }

    /// Any touch or key: the person is still there.
    pub fn activity(&self) {
        self.quiet.set(0);
        if !self.signed_in() {
            return;
        }
        let secs = self
            .kiosk
            .borrow()
            .config()
            .kiosk
            .idle_logout
            .as_secs()
            .max(5) as u32;
        self.idle_left.set(secs);
        self.with_api(|api| {
            api.set_logout_in(secs as i32);
            api.set_logout_warning(false);
        });
    }

    pub fn show_problem(&self, p: Problem) {
        self.show_problem_about(p, "");
    }

    /// A problem whose sentence names what it is about (see `Fmt.problem-about`).
    pub fn show_problem_about(&self, p: Problem, detail: &str) {
        self.with_api(|api| {
            api.set_problem(p);
            api.set_problem_detail(detail.into());
            api.set_sheet(Sheet::Problem);
        });
    }

    /// The offline and clock banners and the count of orders not yet sent.
    pub fn refresh_status(&self) {
        let s = self.status.get();
        let doubt = s.clock_doubt.is_some() || self.clock_doubt.get();
        self.with_api(|api| {
            api.set_offline(s.offline);
            api.set_clock_doubt(doubt);
            api.set_queued(s.queued.min(i32::MAX as u64) as i32);
        });
    }
}

/// A Slint callback that reaches `this` while it lives: the window holds its callbacks, so a
/// strong reference there would keep the controller (and the window) alive for ever.
pub(super) fn callback<T: 'static, A>(
    this: &Rc<T>,
    f: impl Fn(&T, A) + 'static,
) -> impl Fn(A) + 'static {
    let weak = Rc::downgrade(this);
    move |a| {
        if let Some(this) = weak.upgrade() {
            f(&this, a);
        }
    }
}

/// [`callback`] for a callback without arguments.
pub(super) fn callback0<T: 'static>(this: &Rc<T>, f: impl Fn(&T) + 'static) -> impl Fn() + 'static {
    let cb = callback(this, move |t, ()| f(t));
    move || cb(())
}
