//! The session and the wiring: who is badged in (badge in and out, the logout timer), the
//! sync worker's change notices taken onto the event loop, and which screen's controller
//! hears of what. The screens themselves are in `idle`, `menu`, `kitchen` and `admin`.
//!
//! Everything here runs on the UI thread. The kiosk service only reads and writes the local
//! store (never the network), so no callback can hang the screen.

use super::admin::Admin;
use super::badge_keys::DeviceKeys;
use super::badge_reader::{BadgeReader, KeyTime, ReaderEvent};
use super::blanking::Blanking;
use super::context::{Ctx, callback, callback0};
use super::generated::{Api, AppWindow, Problem, Screen, Sheet};
use super::idle::Idle;
use super::kitchen::Kitchen;
use super::menu::Menu;
use super::models;
use super::reading::Reading;
use crate::config::{Badge, Language, Role};
use crate::kiosk::{BadgePrefs, Kiosk, KioskError};
use crate::reload::ReloadState;
use crate::store::OpenReport;
use crate::sync::{Change, Listeners, SharedStatus};
use slint::{ComponentHandle, SharedString};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

/// The logout warning shows in the last this many seconds.
pub const LOGOUT_WARNING_SECONDS: u32 = 10;

/// The kiosk screen with its state. Keep it alive while the window runs.
pub struct KioskUi {
    window: AppWindow,
    inner: Rc<Inner>,
}

struct Inner {
    ctx: Rc<Ctx>,
    reader: RefCell<BadgeReader>,
    /// Presses of a badge reader read directly, when one is.
    device_keys: DeviceKeys,
    changes: Receiver<Change>,
    sender: Sender<Change>,
    idle: Rc<Idle>,
    menu: Rc<Menu>,
    /// The kitchen display (a kitchen badge, or always in kitchen mode).
    kitchen: Rc<Kitchen>,
    admin: Rc<Admin>,
    blanking: Rc<Blanking>,
    /// Where config reloads (SIGHUP) leave a new config or their problems.
    reload: RefCell<Option<Arc<ReloadState>>>,
}

impl KioskUi {
    /// Creates the window (not yet shown) and fills it from the kiosk.
    pub fn new(kiosk: Kiosk, status: SharedStatus) -> Result<KioskUi, slint::PlatformError> {
        log::debug!(
            "creating the window after {} ms",
            crate::start_time::ms_since_start()
        );
        let window = AppWindow::new()?;
        log::debug!(
            "window created after {} ms",
            crate::start_time::ms_since_start()
        );
        Ok(KioskUi::with_window(window, kiosk, status))
    }

    /// Takes over a window that already exists (the out-of-service screen's, once the kiosk
    /// could start): its callbacks are this kiosk's from now on.
    pub fn with_window(window: AppWindow, kiosk: Kiosk, status: SharedStatus) -> KioskUi {
        let (sender, changes) = channel();
        let ctx = Rc::new(Ctx::new(&window, kiosk, status));
        let inner = Rc::new(Inner {
            reader: RefCell::new(BadgeReader::new()),
            device_keys: DeviceKeys::new(),
            changes,
            sender,
            idle: Idle::setup(&window, &ctx),
            menu: Menu::setup(&window, &ctx),
            kitchen: Kitchen::setup(&window, &ctx),
            admin: Admin::setup(&window, &ctx),
            blanking: Blanking::setup(&ctx),
            reload: RefCell::new(None),
            ctx,
        });
        Inner::wire(&inner, &window.global::<Api>());
        inner.apply_language();
        inner.idle.tick_clock();
        inner.ctx.refresh_status();
        inner.idle.reload_today();
        if inner.ctx.kitchen_mode {
            inner.kitchen.open();
        }
        window.global::<Api>().set_out_of_service(false);
        KioskUi { window, inner }
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    /// Registers with the sync worker's listeners: each change is queued and the event loop
    /// is woken to apply it (the worker never touches the UI itself).
    pub fn listen(&self, listeners: &Listeners) {
        let sender = self.inner.sender.clone();
        let window = self.inner.ctx.window.clone();
        listeners.add(move |change| {
            if sender.send(change).is_ok() {
                // Without a running event loop (headless tests) this fails; `pump` applies
                // the queued changes then.
                let _ = window.upgrade_in_event_loop(|w| w.global::<Api>().invoke_worker_changed());
            }
        });
    }

    /// Reads the badge reader's own device on a thread until the returned handle is
    /// stopped; from now on the window's keys are no badge (they come from another keyboard).
    pub fn read_badge_device(
        &self,
        input: &crate::config::BadgeInput,
    ) -> std::io::Result<crate::badge_input::ReaderThread> {
        self.inner
            .device_keys
            .start(input, self.inner.ctx.window.clone())
    }

    /// Applies the worker changes and badge reader presses queued so far (the event loop does
    /// this by itself).
    pub fn pump(&self) {
        self.inner.pump();
    }

    /// One second passed (the window's timer calls this by itself).
    pub fn tick(&self) {
        self.inner.tick();
    }

    /// A badge number as if read (respects the repeat and pause rules).
    pub fn badge(&self, number: &str) {
        self.inner.badge_in(number);
    }

    /// Shows the problems of a config reload that was refused on the admin screen (empty
    /// when the last reload was fine).
    pub fn set_config_problems(&self, text: &str) {
        self.inner.admin.set_config_problems(text);
    }

    /// How the store was opened: a database moved aside at start shows on the admin screen.
    pub fn set_open_report(&self, report: OpenReport) {
        self.inner.admin.set_open_report(report);
    }

    /// Takes config reloads from `state` on every `Change::Config`.
    pub fn set_reload_state(&self, state: Arc<ReloadState>) {
        *self.inner.reload.borrow_mut() = Some(state);
    }

    /// Shows the window and runs the event loop until it is closed.
    pub fn run(&self) -> Result<(), slint::PlatformError> {
        log::info!(
            "window built after {} ms; showing it",
            crate::start_time::ms_since_start()
        );
        self.window.run()
    }
}

impl Inner {
    /// The session's callbacks; each screen's controller took its own in its `setup`.
    fn wire(this: &Rc<Inner>, api: &Api<'_>) {
        api.on_key_typed(callback(this, |i, text: SharedString| i.key(&text)));
        api.on_badge_in(callback(this, |i, n: SharedString| i.badge_in(&n)));
        api.on_set_language(callback(this, |i, code: SharedString| {
            i.set_language(Language::from_code(&code));
        }));
        api.on_activity(callback0(this, |i| i.ctx.activity()));
        api.on_close_sheet(callback0(this, |i| i.close_sheet()));
        api.on_logout(callback0(this, |i| i.logout()));
        let reading = callback(this, |i, (large_text, high_contrast)| {
            i.set_reading(Reading {
                large_text,
                high_contrast,
            });
        });
        api.on_set_reading(move |large, contrast| reading((large, contrast)));
        api.on_pick_venue(callback(this, |i, key: SharedString| {
            i.pick_venue(key.to_string());
        }));
        api.on_tick(callback0(this, |i| i.tick()));
        api.on_worker_changed(callback0(this, |i| i.pump()));
        api.on_wake(callback0(this, |i| i.wake()));
    }

    // ---- input

    /// A tap on the dimmed or blank screen: it only wakes.
    fn wake(&self) {
        self.wake_up();
        self.ctx.activity();
    }

    /// Wakes a dimmed or blank screen, and shows the worker's changes that waited for it.
    fn wake_up(&self) {
        if self.blanking.wake() {
            self.pump();
        }
    }

    /// A key (a badge reader's digit, most often) wakes the screen and still counts: the
    /// badge that woke it is read.
    fn key(&self, text: &str) {
        self.wake_up();
        if self.device_keys.reading() {
            // The reader is read directly: a key from the window only keeps a session alive.
            self.ctx.activity();
            return;
        }
        let ev = self.reader.borrow_mut().key(text, Instant::now());
        self.reader_event(ev);
    }

    /// A press of the badge reader read directly.
    fn badge_key(&self, text: &str, pressed: KeyTime) {
        // Wakes a dark screen; the caller (`pump`) then shows what waited.
        self.blanking.wake();
        let ev = self
            .reader
            .borrow_mut()
            .key_at(text, pressed, Instant::now());
        self.reader_event(ev);
    }

    fn badge_in(&self, number: &str) {
        self.wake_up();
        let ev = self
            .reader
            .borrow_mut()
            .badge(number.to_string(), Instant::now());
        self.reader_event(ev);
    }

    fn reader_event(&self, ev: ReaderEvent) {
        match ev {
            ReaderEvent::Badge(number) => self.badge_read(&number),
            ReaderEvent::Paused { .. } => self.idle.notice(Problem::BadgePaused),
            ReaderEvent::Nothing | ReaderEvent::Stray | ReaderEvent::Repeat => self.ctx.activity(),
        }
    }

    fn badge_read(&self, number: &str) {
        let result = self.ctx.kiosk.borrow().badge_in(number);
        match result {
            Ok(badge) => {
                log::info!(
                    "badge {} ({}) in",
                    crate::domain::masked_badge(&badge.number),
                    badge.role.as_str()
                );
                self.login(badge);
            }
            Err(KioskError::UnknownBadge) => {
                log::warn!(
                    "unknown badge {} read at the kiosk",
                    crate::domain::masked_badge(number)
                );
                let paused = self.reader.borrow_mut().unknown_badge(Instant::now());
                if paused {
                    log::warn!("too many unknown badges: badge reading paused");
                }
                let problem = if paused {
                    Problem::BadgePaused
                } else {
                    Problem::UnknownBadge
                };
                if self.ctx.signed_in() {
                    self.ctx.show_problem(problem);
                } else {
                    self.idle.notice(problem);
                }
            }
            Err(e) => {
                log::error!("badge {}: {e}", crate::domain::masked_badge(number));
                self.idle.notice(models::problem(&e));
            }
        }
    }

    // ---- session

    fn login(&self, badge: Badge) {
        if self.ctx.kitchen_mode && badge.role != Role::Admin {
            log::info!(
                "badge {} ({}) ignored: this kiosk is a kitchen display",
                crate::domain::masked_badge(&badge.number),
                badge.role.as_str()
            );
            return;
        }
        let role = badge.role;
        let same = self
            .ctx
            .session
            .borrow()
            .as_ref()
            .is_some_and(|b| b.number == badge.number);
        if !same {
            self.clear_session();
        }
        let first = badge.first_last().0.to_string();
        if !same {
            self.restore_prefs(&badge);
        }
        *self.ctx.session.borrow_mut() = Some(badge);
        self.idle.clear_notice();
        self.ctx.with_api(|api| api.set_user_name(first.into()));
        self.ctx.activity();
        if same {
            return;
        }
        match role {
            Role::Kitchen => self.kitchen.open(),
            Role::Admin => self.admin.open(),
            _ => self.menu.start(),
        }
    }

    fn logout(&self) {
        if let Some(b) = &*self.ctx.session.borrow() {
            log::info!("badge {} out", crate::domain::masked_badge(&b.number));
        }
        self.clear_session();
        self.idle.reload_today();
    }

    /// Forgets everything about the previous person.
    fn clear_session(&self) {
        *self.ctx.session.borrow_mut() = None;
        self.ctx.idle_left.set(0);
        self.menu.clear();
        self.admin.clear();
        self.ctx.with_api(|api| {
            api.set_screen(Screen::Idle);
            api.set_sheet(Sheet::None);
            api.set_user_name(SharedString::new());
            api.set_logout_warning(false);
            api.set_logout_in(0);
            api.set_problem(Problem::None);
            api.set_problem_detail(SharedString::new());
        });
        // The next person starts from the usual screen (a kitchen display stays on the
        // venue picked there).
        self.ctx.with_window(|w| Reading::default().apply(w));
        if !self.ctx.kitchen_mode {
            self.ctx.pick_venue(None);
        }
        if self.ctx.kitchen_mode {
            self.kitchen.open();
        }
    }

    /// The reading sheet's switches, for the rest of the session and the badge's next ones.
    fn set_reading(&self, reading: Reading) {
        self.ctx.activity();
        self.ctx.with_window(|w| reading.apply(w));
        self.remember(|p| {
            p.large_text = reading.large_text;
            p.high_contrast = reading.high_contrast;
        });
    }

    /// What the badge chose last time: its venue and reading aids (a kitchen display keeps
    /// the venue picked there).
    fn restore_prefs(&self, badge: &Badge) {
        let prefs = match self.ctx.kiosk.borrow().prefs(badge) {
            Ok(p) => p,
            Err(e) => {
                log::error!(
                    "badge {}: its preferences cannot be read ({e}); the defaults apply",
                    crate::domain::masked_badge(&badge.number)
                );
                return;
            }
        };
        self.ctx.with_window(|w| {
            Reading {
                large_text: prefs.large_text,
                high_contrast: prefs.high_contrast,
            }
            .apply(w)
        });
        if !self.ctx.kitchen_mode && prefs.venue.is_some() {
            self.ctx.pick_venue(prefs.venue);
        }
    }

    /// Changes the preferences of the person badged in and saves them. A failure costs only
    /// the remembering: the screen already shows the choice.
    fn remember(&self, change: impl FnOnce(&mut BadgePrefs)) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let saved = kiosk.prefs(&badge).and_then(|mut p| {
            change(&mut p);
            kiosk.set_prefs(&badge, &p)
        });
        if let Err(e) = saved {
            log::error!(
                "badge {}: its preferences cannot be saved: {e}",
                crate::domain::masked_badge(&badge.number)
            );
        }
    }

    /// The venue sheet: the screen shown now, for the venue picked.
    fn pick_venue(&self, key: String) {
        self.ctx.activity();
        log::info!("venue {key} picked");
        self.ctx.pick_venue(Some(key.clone()));
        if !self.ctx.kitchen_mode {
            self.remember(|p| p.venue = Some(key));
        }
        self.ctx.with_api(|api| api.set_sheet(Sheet::None));
        match self.ctx.screen() {
            Screen::Kitchen => self.kitchen.open(),
            Screen::Menu | Screen::Orders | Screen::History => self.menu.reopen(),
            Screen::Idle | Screen::Admin => {}
        }
    }

    fn close_sheet(&self) {
        self.ctx.activity();
        self.menu.close_sheet();
        self.admin.close_sheet();
        self.ctx.with_api(|api| api.set_sheet(Sheet::None));
    }

    // ---- the worker's changes

    fn pump(&self) {
        // The reader's presses first: a badge wakes a dark screen and is read.
        for press in self.device_keys.take() {
            self.badge_key(&press.text, KeyTime::Kernel(press.time));
        }
        if self.blanking.is_blank() {
            // Nothing redraws while blank: the changes wait in the channel for the wake.
            return;
        }
        let mut orders = false;
        let mut menus = false;
        let mut status = false;
        while let Ok(change) = self.changes.try_recv() {
            match change {
                Change::Orders => orders = true,
                Change::Menus => menus = true,
                Change::Status => status = true,
                Change::Config => {
                    self.apply_reload();
                    (orders, menus, status) = (true, true, true);
                }
            }
        }
        if orders {
            self.menu.reload_orders();
            self.menu.refresh_sheet_order();
        }
        if menus {
            self.menu.reload_menu();
            self.idle.reload_today();
        }
        if status || orders {
            self.ctx.refresh_status();
        }
        match self.ctx.screen() {
            Screen::Kitchen if orders => self.kitchen.refresh(true),
            Screen::Admin if orders || status || menus => self.admin.refresh(),
            _ => {}
        }
    }

    /// A reload took a new config (the worker has it already) or was refused: the kiosk
    /// service switches over, and the admin screen shows the problems, if any.
    fn apply_reload(&self) {
        let Some(state) = self.reload.borrow().clone() else {
            return;
        };
        if let Some(config) = state.take_pending() {
            self.ctx.kiosk.borrow_mut().set_config(config);
        }
        self.admin.set_config_problems(&state.problems());
    }

    // ---- time

    fn tick(&self) {
        self.blanking.tick();
        if self.blanking.is_blank() {
            return;
        }
        if self.idle.tick_clock() {
            self.new_day();
        }
        self.ctx.refresh_status();
        self.idle.tick_countdown();
        self.menu.tick_countdowns();
        self.idle.tick_notice();
        let left = self.ctx.signed_in().then(|| {
            let left = self.ctx.idle_left.get().saturating_sub(1);
            self.ctx.idle_left.set(left);
            left
        });
        self.admin.tick();
        if self.ctx.screen() == Screen::Kitchen {
            self.kitchen.tick();
        }
        match left {
            Some(0) => {
                log::info!(
                    "automatic logout after {} s without a touch",
                    self.ctx.kiosk.borrow().config().kiosk.idle_logout.as_secs()
                );
                self.logout();
            }
            Some(left) => self.ctx.with_api(|api| {
                api.set_logout_in(left as i32);
                api.set_logout_warning(left <= LOGOUT_WARNING_SECONDS);
            }),
            None => {}
        }
    }

    /// Midnight passed: today is another day for every screen.
    fn new_day(&self) {
        self.idle.reload_today();
        self.menu.reload_menu();
        self.menu.reload_orders();
        if self.ctx.screen() == Screen::Kitchen {
            self.kitchen.refresh(false);
        }
    }

    // ---- language

    fn set_language(&self, lang: Language) {
        self.ctx.language.set(lang);
        self.apply_language();
        // Prices are formatted per language.
        self.idle.reload_today();
        if self.ctx.signed_in() {
            self.menu.relabel();
        }
        self.ctx.activity();
    }

    fn apply_language(&self) {
        let code = self.ctx.language.get().code();
        if let Err(e) = slint::select_bundled_translation(code) {
            log::warn!("language {code}: {e}");
        }
        self.ctx.with_api(|api| api.set_language(code.into()));
    }
}
