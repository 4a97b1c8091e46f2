//! The Rust half of the kiosk screen: fills the `Api` global from the kiosk service,
//! handles its callbacks, and takes the sync worker's change notices onto the event loop.
//!
//! Everything here runs on the UI thread. The kiosk service only reads and writes the local
//! store (never the network), so no callback can hang the screen.

use super::admin::{self, Admin};
use super::badge_reader::{BadgeReader, ReaderEvent};
use super::generated::{
    Api, AppWindow, DayTab, DemoBadge, Dish, OrderRow, ParkedRow, Problem, Screen, Sheet,
};
use super::kitchen::Kitchen;
use super::models;
use crate::config::{Badge, Language, Mode, Role, Venue};
use crate::kiosk::{DayView, Kiosk, KioskError};
use crate::reload::ReloadState;
use crate::store::OpenReport;
use crate::sync::{Change, Listeners, SharedStatus};
use jiff::civil::Date;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Instant;

/// The logout warning shows in the last this many seconds.
pub const LOGOUT_WARNING_SECONDS: u32 = 10;
/// How long a notice on the idle screen (unknown badge) stays.
pub const NOTICE_SECONDS: u32 = 8;

/// The kiosk screen with its state. Keep it alive while the window runs.
/// Today's dishes the idle screen shows at most (it clips to what fits anyway).
const IDLE_PREVIEW_DISHES: usize = 20;

pub struct KioskUi {
    window: AppWindow,
    inner: Rc<Inner>,
}

struct Inner {
    window: slint::Weak<AppWindow>,
    kiosk: RefCell<Kiosk>,
    status: SharedStatus,
    changes: Receiver<Change>,
    sender: Sender<Change>,
    st: RefCell<State>,
    m: Models,
    /// The kitchen display (a kitchen badge, or always in kitchen mode).
    kitchen: RefCell<Kitchen>,
    /// The admin screen.
    admin: RefCell<Admin>,
    /// How the store was opened (a database moved aside shows on the admin screen).
    open_report: RefCell<OpenReport>,
    /// Where config reloads (SIGHUP) leave a new config or their problems.
    reload: RefCell<Option<Arc<ReloadState>>>,
    /// `kiosk.mode = "kitchen"`: the kitchen display is the home screen.
    kitchen_mode: bool,
}

struct Models {
    today_dishes: Rc<VecModel<Dish>>,
    days: Rc<VecModel<DayTab>>,
    dishes: Rc<VecModel<Dish>>,
    orders: Rc<VecModel<OrderRow>>,
    existing: Rc<VecModel<SharedString>>,
}

struct State {
    language: Language,
    reader: BadgeReader,
    /// The person badged in.
    session: Option<Badge>,
    /// Seconds to the automatic logout.
    idle_left: u32,
    notice_left: u32,
    /// The coming days as last read (for the countdowns).
    menu: Vec<DayView>,
    /// Today's view for the idle screen.
    today_view: Option<DayView>,
    selected: usize,
    /// The dish on the confirm sheet: (day, article id).
    pending: Option<(Date, String)>,
    /// The order shown on the status / cancel sheet.
    sheet_order: Option<String>,
    /// The local date and minute last shown (to notice a new day, and to check the clock
    /// once a minute).
    shown_day: Option<Date>,
    shown_minute: Option<i64>,
    clock_doubt: bool,
}

/// What to tell the admin about a refused retry / discard.
fn admin_problem(e: &KioskError) -> Problem {
    match e {
        KioskError::NoSuchOrder => Problem::NotParked,
        other => models::problem(other),
    }
}

pub(super) fn set_rows<T: Clone + PartialEq + 'static>(model: &VecModel<T>, rows: Vec<T>) {
    if model.row_count() != rows.len() {
        model.set_vec(rows);
        return;
    }
    for (i, row) in rows.into_iter().enumerate() {
        if model.row_data(i).as_ref() != Some(&row) {
            model.set_row_data(i, row);
        }
    }
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
        let (sender, changes) = channel();
        let config = kiosk.config().clone();
        let m = Models {
            today_dishes: Rc::new(VecModel::default()),
            days: Rc::new(VecModel::default()),
            dishes: Rc::new(VecModel::default()),
            orders: Rc::new(VecModel::default()),
            existing: Rc::new(VecModel::default()),
        };
        let inner = Rc::new(Inner {
            window: window.as_weak(),
            kiosk: RefCell::new(kiosk),
            status,
            changes,
            sender,
            st: RefCell::new(State {
                language: config.kiosk.language,
                reader: BadgeReader::new(),
                session: None,
                idle_left: 0,
                notice_left: 0,
                menu: Vec::new(),
                today_view: None,
                selected: 0,
                pending: None,
                sheet_order: None,
                shown_day: None,
                shown_minute: None,
                clock_doubt: false,
            }),
            m,
            kitchen: RefCell::new(Kitchen::new()),
            admin: RefCell::new(Admin::new()),
            open_report: RefCell::new(OpenReport::default()),
            reload: RefCell::new(None),
            kitchen_mode: config.kiosk.mode == Mode::Kitchen,
        });

        let api = window.global::<Api>();
        api.set_today_dishes(ModelRc::from(inner.m.today_dishes.clone()));
        api.set_days(ModelRc::from(inner.m.days.clone()));
        api.set_dishes(ModelRc::from(inner.m.dishes.clone()));
        api.set_orders(ModelRc::from(inner.m.orders.clone()));
        api.set_sheet_existing(ModelRc::from(inner.m.existing.clone()));
        inner.kitchen.borrow().attach(&api);
        inner.admin.borrow().attach(&api);
        api.set_kitchen_mode(inner.kitchen_mode);
        api.set_kiosk_name(config.kiosk.name.as_str().into());
        let demo = config.path.is_none();
        api.set_demo(demo);
        let badges: Vec<DemoBadge> = if demo {
            config
                .badges
                .iter()
                .map(|b| DemoBadge {
                    number: b.number.as_str().into(),
                    name: b.name.as_str().into(),
                    role: b.role.as_str().into(),
                })
                .collect()
        } else {
            Vec::new()
        };
        api.set_demo_badges(ModelRc::new(VecModel::from(badges)));

        Inner::wire(&inner, &api);
        inner.apply_language();
        inner.tick_clock();
        inner.refresh_status();
        inner.reload_today();
        if inner.kitchen_mode {
            inner.open_kitchen();
        }
        Ok(KioskUi { window, inner })
    }

    pub fn window(&self) -> &AppWindow {
        &self.window
    }

    /// Registers with the sync worker's listeners: each change is queued and the event loop
    /// is woken to apply it (the worker never touches the UI itself).
    pub fn listen(&self, listeners: &Listeners) {
        let sender = self.inner.sender.clone();
        let window = self.inner.window.clone();
        listeners.add(move |change| {
            if sender.send(change).is_ok() {
                // Without a running event loop (headless tests) this fails; `pump` applies
                // the queued changes then.
                let _ = window.upgrade_in_event_loop(|w| w.global::<Api>().invoke_worker_changed());
            }
        });
    }

    /// Applies the worker changes queued so far (the event loop does this by itself).
    pub fn pump(&self) {
        self.inner.pump();
    }

    /// One second passed (the window's timer calls this by itself).
    pub fn tick(&self) {
        self.inner.tick();
    }

    /// A badge number as if read (respects the repeat and pause rules).
    pub fn badge(&self, number: &str) {
        let ev = self
            .inner
            .st
            .borrow_mut()
            .reader
            .badge(number.to_string(), Instant::now());
        self.inner.reader_event(ev);
    }

    /// Shows the problems of a config reload that was refused on the admin screen (empty
    /// when the last reload was fine).
    pub fn set_config_problems(&self, text: &str) {
        self.inner
            .with_api(|api| api.set_config_problems(text.into()));
    }

    /// How the store was opened: a database moved aside at start shows on the admin screen.
    pub fn set_open_report(&self, report: OpenReport) {
        *self.inner.open_report.borrow_mut() = report;
        if self.inner.screen() == Screen::Admin {
            self.inner.refresh_admin();
        }
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
    fn wire(this: &Rc<Inner>, api: &Api<'_>) {
        fn cb<A>(this: &Rc<Inner>, f: impl Fn(&Rc<Inner>, A) + 'static) -> impl Fn(A) + 'static {
            let weak: Weak<Inner> = Rc::downgrade(this);
            move |a| {
                if let Some(inner) = weak.upgrade() {
                    f(&inner, a)
                }
            }
        }
        api.on_key_typed(cb(this, |i, text: SharedString| i.key(&text)));
        api.on_badge_in(cb(this, |i, n: SharedString| {
            let ev =
                i.st.borrow_mut()
                    .reader
                    .badge(n.to_string(), Instant::now());
            i.reader_event(ev);
        }));
        api.on_set_language(cb(this, |i, code: SharedString| i.set_language(&code)));
        let f = cb(this, |i, ()| i.activity());
        api.on_activity(move || f(()));
        api.on_show(cb(this, |i, s: Screen| i.show(s)));
        api.on_select_day(cb(this, |i, d: i32| i.select_day(d.max(0) as usize)));
        api.on_dish_tapped(cb(this, |i, id: SharedString| i.dish_tapped(&id)));
        let f = cb(this, |i, ()| i.order_anyway());
        api.on_order_anyway(move || f(()));
        let f = cb(this, |i, ()| i.confirm_order());
        api.on_confirm_order(move || f(()));
        api.on_cancel_tapped(cb(this, |i, id: SharedString| i.cancel_tapped(&id)));
        let f = cb(this, |i, ()| i.confirm_cancel());
        api.on_confirm_cancel(move || f(()));
        let f = cb(this, |i, ()| i.close_sheet());
        api.on_close_sheet(move || f(()));
        let f = cb(this, |i, ()| i.logout());
        api.on_logout(move || f(()));
        let f = cb(this, |i, ()| i.tick());
        api.on_tick(move || f(()));
        let f = cb(this, |i, ()| i.pump());
        api.on_worker_changed(move || f(()));
        api.on_kitchen_day(cb(this, |i, delta: i32| i.kitchen_day(delta)));
        api.on_kitchen_letter_tapped(cb(this, |i, l: SharedString| i.kitchen_letter(&l)));
        let f = cb(this, |i, ()| i.kitchen_export());
        api.on_kitchen_export_csv(move || f(()));
        api.on_retry_parked(cb(this, |i, row: i32| i.retry_parked(i64::from(row))));
        api.on_discard_tapped(cb(this, |i, row: i32| i.discard_tapped(i64::from(row))));
        let f = cb(this, |i, ()| i.discard_next());
        api.on_discard_next(move || f(()));
        let f = cb(this, |i, ()| i.discard_confirmed());
        api.on_discard_confirmed(move || f(()));
    }

    fn with_api(&self, f: impl FnOnce(&Api<'_>)) {
        if let Some(w) = self.window.upgrade() {
            f(&w.global::<Api>());
        }
    }

    fn venue(&self) -> Option<Venue> {
        self.kiosk.borrow().config().venues.first().cloned()
    }

    // ---- input

    fn key(&self, text: &str) {
        let ev = self.st.borrow_mut().reader.key(text, Instant::now());
        self.reader_event(ev);
    }

    fn reader_event(&self, ev: ReaderEvent) {
        match ev {
            ReaderEvent::Badge(number) => self.badge_read(&number),
            ReaderEvent::Paused { .. } => self.notice(Problem::BadgePaused),
            ReaderEvent::Nothing | ReaderEvent::Stray | ReaderEvent::Repeat => self.activity(),
        }
    }

    fn badge_read(&self, number: &str) {
        let result = self.kiosk.borrow().badge_in(number);
        match result {
            Ok(badge) => {
                log::info!("badge {} ({}) in", badge.number, badge.role.as_str());
                self.login(badge);
            }
            Err(KioskError::UnknownBadge) => {
                log::warn!("unknown badge {number} read at the kiosk");
                let paused = self.st.borrow_mut().reader.unknown_badge(Instant::now());
                if paused {
                    log::warn!("too many unknown badges: badge reading paused");
                }
                let problem = if paused {
                    Problem::BadgePaused
                } else {
                    Problem::UnknownBadge
                };
                if self.st.borrow().session.is_some() {
                    self.show_problem(problem);
                } else {
                    self.notice(problem);
                }
            }
            Err(e) => {
                log::error!("badge {number}: {e}");
                self.notice(models::problem(&e));
            }
        }
    }

    fn notice(&self, p: Problem) {
        self.st.borrow_mut().notice_left = NOTICE_SECONDS;
        self.with_api(|api| api.set_notice(p));
    }

    /// Any touch or key: the person is still there.
    fn activity(&self) {
        let secs = self
            .kiosk
            .borrow()
            .config()
            .kiosk
            .idle_logout
            .as_secs()
            .max(5) as u32;
        let mut st = self.st.borrow_mut();
        if st.session.is_some() {
            st.idle_left = secs;
            drop(st);
            self.with_api(|api| {
                api.set_logout_in(secs as i32);
                api.set_logout_warning(false);
            });
        }
    }

    // ---- session

    fn login(&self, badge: Badge) {
        if self.kitchen_mode && badge.role != Role::Admin {
            log::info!(
                "badge {} ({}) ignored: this kiosk is a kitchen display",
                badge.number,
                badge.role.as_str()
            );
            return;
        }
        let role = badge.role;
        let same = self
            .st
            .borrow()
            .session
            .as_ref()
            .is_some_and(|b| b.number == badge.number);
        if !same {
            self.clear_session();
        }
        let first = badge.first_last().0.to_string();
        {
            let mut st = self.st.borrow_mut();
            st.session = Some(badge);
            st.notice_left = 0;
        }
        self.with_api(|api| {
            api.set_user_name(first.into());
            api.set_notice(Problem::None);
        });
        self.activity();
        if !same && role == Role::Kitchen {
            self.open_kitchen();
        } else if !same && role == Role::Admin {
            self.open_admin();
        } else if !same {
            self.reload_menu();
            self.reload_orders();
            // Today first; if today is closed, the first day that is still open.
            let first_open = self
                .m
                .days
                .iter()
                .position(|d| d.state == super::generated::DayState::Open)
                .unwrap_or(0);
            self.select_day(first_open);
            self.with_api(|api| {
                api.set_sheet(Sheet::None);
                api.set_screen(Screen::Menu);
            });
        }
    }

    fn logout(&self) {
        if let Some(b) = &self.st.borrow().session {
            log::info!("badge {} out", b.number);
        }
        self.clear_session();
        self.reload_today();
    }

    /// Forgets everything about the previous person.
    fn clear_session(&self) {
        {
            let mut st = self.st.borrow_mut();
            st.session = None;
            st.pending = None;
            st.sheet_order = None;
            st.selected = 0;
            st.menu.clear();
            st.idle_left = 0;
        }
        self.m.days.set_vec(Vec::new());
        self.m.dishes.set_vec(Vec::new());
        self.m.orders.set_vec(Vec::new());
        self.m.existing.set_vec(Vec::new());
        self.admin.borrow_mut().discard = None;
        self.with_api(|api| {
            api.set_sheet_parked(ParkedRow::default());
            api.set_screen(Screen::Idle);
            api.set_sheet(Sheet::None);
            api.set_user_name(SharedString::new());
            api.set_selected_day(0);
            api.set_logout_warning(false);
            api.set_logout_in(0);
            api.set_sheet_dish(Dish::default());
            api.set_sheet_day(DayTab::default());
            api.set_sheet_order(OrderRow::default());
            api.set_sheet_total(SharedString::new());
            api.set_problem(Problem::None);
        });
        if self.kitchen_mode {
            self.open_kitchen();
        }
    }

    fn show(&self, screen: Screen) {
        self.activity();
        if self.st.borrow().session.is_none() {
            return;
        }
        if screen == Screen::Orders {
            self.reload_orders();
        }
        self.st.borrow_mut().sheet_order = None;
        self.with_api(|api| {
            api.set_sheet(Sheet::None);
            api.set_screen(screen);
        });
    }

    fn select_day(&self, index: usize) {
        self.activity();
        let (dishes, idx) = {
            let mut st = self.st.borrow_mut();
            if st.menu.is_empty() {
                return;
            }
            st.selected = index.min(st.menu.len() - 1);
            (st.menu[st.selected].dishes.clone(), st.selected)
        };
        let (currency, lang) = self.currency_lang();
        set_rows(
            &self.m.dishes,
            dishes
                .iter()
                .map(|a| models::dish(a, &currency, lang))
                .collect(),
        );
        self.with_api(|api| api.set_selected_day(idx as i32));
    }

    fn currency_lang(&self) -> (String, Language) {
        let currency = self.venue().map(|v| v.currency).unwrap_or_default();
        (currency, self.st.borrow().language)
    }

    // ---- ordering

    fn dish_tapped(&self, id: &str) {
        self.activity();
        let Some(badge) = self.st.borrow().session.clone() else {
            return;
        };
        let Some(venue) = self.venue() else { return };
        let (day, article, tab) = {
            let st = self.st.borrow();
            let Some(view) = st.menu.get(st.selected) else {
                return;
            };
            let Some(article) = view.dishes.iter().find(|a| a.vendor_id == id).cloned() else {
                return;
            };
            (
                view.day,
                article,
                self.m.days.row_data(st.selected).unwrap_or_default(),
            )
        };
        if tab.state != super::generated::DayState::Open {
            self.show_problem(Problem::OrderClosed);
            return;
        }
        if !article.is_available() {
            self.show_problem(Problem::SoldOut);
            return;
        }
        let (currency, lang) = self.currency_lang();
        let existing = self
            .kiosk
            .borrow()
            .live_orders_on(&badge.number, &venue.key, day);
        let existing: Vec<SharedString> = match existing {
            Ok(orders) => orders
                .iter()
                .flat_map(|o| o.lines.iter().map(|l| SharedString::from(l.name.as_str())))
                .collect(),
            Err(e) => {
                log::error!("reading orders: {e}");
                Vec::new()
            }
        };
        self.st.borrow_mut().pending = Some((day, article.vendor_id.clone()));
        let twice = !existing.is_empty();
        self.m.existing.set_vec(existing);
        self.with_api(|api| {
            api.set_sheet_dish(models::dish(&article, &currency, lang));
            api.set_sheet_day(tab);
            api.set_sheet_total(models::money(article.price, &currency, lang).into());
            api.set_sheet(if twice {
                Sheet::OrderTwice
            } else {
                Sheet::ConfirmOrder
            });
        });
    }

    fn order_anyway(&self) {
        self.activity();
        if self.st.borrow().pending.is_some() {
            self.with_api(|api| api.set_sheet(Sheet::ConfirmOrder));
        }
    }

    fn confirm_order(&self) {
        self.activity();
        let Some(badge) = self.st.borrow().session.clone() else {
            return;
        };
        let Some((day, article)) = self.st.borrow_mut().pending.take() else {
            return;
        };
        let Some(venue) = self.venue() else { return };
        let placed = self
            .kiosk
            .borrow_mut()
            .place_order(&badge, &venue.key, day, &article);
        match placed {
            Ok(order) => {
                self.st.borrow_mut().sheet_order = Some(order.id.clone());
                self.reload_orders();
                self.reload_menu();
                self.refresh_sheet_order();
                self.with_api(|api| api.set_sheet(Sheet::OrderPlaced));
            }
            Err(e) => {
                log::warn!("order refused for badge {}: {e}", badge.number);
                self.reload_menu();
                self.show_problem(models::problem(&e));
            }
        }
    }

    fn cancel_tapped(&self, id: &str) {
        self.activity();
        let row = self.m.orders.iter().find(|o| o.id == id);
        match row {
            Some(row) if row.can_cancel => {
                self.st.borrow_mut().sheet_order = Some(id.to_string());
                self.with_api(|api| {
                    api.set_sheet_order(row);
                    api.set_sheet(Sheet::ConfirmCancel);
                });
            }
            _ => self.show_problem(Problem::NotCancellable),
        }
    }

    fn confirm_cancel(&self) {
        self.activity();
        let Some(badge) = self.st.borrow().session.clone() else {
            return;
        };
        let Some(id) = self.st.borrow_mut().sheet_order.take() else {
            return;
        };
        let result = self.kiosk.borrow_mut().cancel_order(&badge, &id);
        self.reload_orders();
        match result {
            Ok(order) => {
                log::info!(
                    "order {id} cancel asked by badge {}: now {}",
                    badge.number,
                    order.state
                );
                self.with_api(|api| api.set_sheet(Sheet::None));
            }
            Err(e) => {
                log::warn!("cancel of {id} refused: {e}");
                self.show_problem(models::problem(&e));
            }
        }
    }

    fn close_sheet(&self) {
        self.activity();
        {
            let mut st = self.st.borrow_mut();
            st.pending = None;
            st.sheet_order = None;
        }
        self.admin.borrow_mut().discard = None;
        self.with_api(|api| api.set_sheet(Sheet::None));
    }

    fn show_problem(&self, p: Problem) {
        self.with_api(|api| {
            api.set_problem(p);
            api.set_sheet(Sheet::Problem);
        });
    }

    // ---- reading the kiosk

    fn reload_today(&self) {
        let Some(venue) = self.venue() else { return };
        let views = self.kiosk.borrow().menu_view(&venue.key);
        let today = match views {
            Ok(v) => v.into_iter().next(),
            Err(e) => {
                log::error!("reading today's menu: {e}");
                None
            }
        };
        let (currency, lang) = self.currency_lang();
        // The idle screen previews as many of today's dishes as fit (about 8 at 800×480, 16 at
        // 1280×800); laying out all of a big canteen's 150+ would cost the first frame for rows
        // nobody sees. The menu screen lists them all.
        let dishes = today
            .as_ref()
            .map(|d| {
                d.dishes
                    .iter()
                    .take(IDLE_PREVIEW_DISHES)
                    .map(|a| models::dish(a, &currency, lang))
                    .collect()
            })
            .unwrap_or_default();
        set_rows(&self.m.today_dishes, dishes);
        self.st.borrow_mut().today_view = today;
        self.tick_countdowns();
    }

    fn reload_menu(&self) {
        if self.st.borrow().session.is_none() {
            return;
        }
        let Some(venue) = self.venue() else { return };
        let views = self.kiosk.borrow().menu_view(&venue.key);
        match views {
            Ok(views) => {
                let selected = {
                    let mut st = self.st.borrow_mut();
                    st.menu = views;
                    st.selected.min(st.menu.len().saturating_sub(1))
                };
                self.tick_countdowns();
                // Keep the selection; the dishes may have changed (portions, sold out).
                let dishes = self
                    .st
                    .borrow()
                    .menu
                    .get(selected)
                    .map(|d| d.dishes.clone())
                    .unwrap_or_default();
                let (currency, lang) = self.currency_lang();
                set_rows(
                    &self.m.dishes,
                    dishes
                        .iter()
                        .map(|a| models::dish(a, &currency, lang))
                        .collect(),
                );
            }
            Err(e) => log::error!("reading the menu: {e}"),
        }
    }

    fn reload_orders(&self) {
        let Some(badge) = self.st.borrow().session.clone() else {
            return;
        };
        let views = self.kiosk.borrow().my_order_views(&badge.number);
        let views = match views {
            Ok(v) => v,
            Err(e) => {
                log::error!("reading orders of badge {}: {e}", badge.number);
                return;
            }
        };
        let kiosk = self.kiosk.borrow();
        let config = kiosk.config().clone();
        let lang = self.st.borrow().language;
        let rows: Vec<OrderRow> = views
            .iter()
            .filter_map(|v| {
                let venue = config.venue(&v.order.venue)?;
                let today = kiosk.today(venue);
                Some(models::order_row(
                    v,
                    today,
                    &venue.rules,
                    &venue.currency,
                    lang,
                ))
            })
            .collect();
        drop(kiosk);
        set_rows(&self.m.orders, rows);
    }

    /// Re-reads the order on the status sheet (saved → sent → confirmed).
    fn refresh_sheet_order(&self) {
        let Some(id) = self.st.borrow().sheet_order.clone() else {
            return;
        };
        if let Some(row) = self.m.orders.iter().find(|o| o.id == id) {
            self.with_api(|api| api.set_sheet_order(row));
        }
    }

    fn pump(&self) {
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
            self.reload_orders();
            self.refresh_sheet_order();
        }
        if menus {
            self.reload_menu();
            self.reload_today();
        }
        if status || orders {
            self.refresh_status();
        }
        match self.screen() {
            Screen::Kitchen if orders => self.refresh_kitchen(true),
            Screen::Admin if orders || status || menus => self.refresh_admin(),
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
            self.kiosk.borrow_mut().set_config(config);
        }
        let problems = state.problems();
        self.with_api(|api| api.set_config_problems(problems.as_str().into()));
    }

    fn refresh_status(&self) {
        let s = self.status.get();
        let doubt = s.clock_doubt.is_some() || self.st.borrow().clock_doubt;
        self.with_api(|api| {
            api.set_offline(s.offline);
            api.set_clock_doubt(doubt);
            api.set_queued(s.queued.min(i32::MAX as u64) as i32);
        });
    }

    // ---- time

    fn tick(&self) {
        self.tick_clock();
        self.refresh_status();
        self.tick_countdowns();
        let (notice_over, logout_now, warn) = {
            let mut st = self.st.borrow_mut();
            let notice_over = if st.notice_left > 0 {
                st.notice_left -= 1;
                st.notice_left == 0
            } else {
                false
            };
            let mut logout_now = false;
            let mut warn = None;
            if st.session.is_some() {
                st.idle_left = st.idle_left.saturating_sub(1);
                logout_now = st.idle_left == 0;
                warn = Some(st.idle_left);
            }
            (notice_over, logout_now, warn)
        };
        if notice_over {
            self.with_api(|api| api.set_notice(Problem::None));
        }
        if self.screen() == Screen::Admin {
            let due = {
                let mut a = self.admin.borrow_mut();
                a.since_read += 1;
                a.since_read >= admin::REFRESH_SECONDS
            };
            if due {
                self.refresh_admin();
            }
        }
        if logout_now {
            log::info!(
                "automatic logout after {:?} without a touch",
                self.kiosk.borrow().config().kiosk.idle_logout
            );
            self.logout();
        } else if let Some(left) = warn {
            self.with_api(|api| {
                api.set_logout_in(left as i32);
                api.set_logout_warning(left <= LOGOUT_WARNING_SECONDS);
            });
        }
    }

    fn tick_clock(&self) {
        let Some(venue) = self.venue() else { return };
        let now = self.kiosk.borrow().now();
        let zoned = venue.rules.zoned(now);
        let day = zoned.date();
        let minute = now.as_second().div_euclid(60);
        let (new_day, new_minute) = {
            let st = self.st.borrow();
            (st.shown_day != Some(day), st.shown_minute != Some(minute))
        };
        if new_minute {
            // Checking the clock records the time seen: once a minute is plenty.
            let doubt = self.kiosk.borrow().clock_trust().is_err();
            let mut st = self.st.borrow_mut();
            st.shown_minute = Some(minute);
            st.clock_doubt = doubt;
        }
        self.with_api(|api| {
            api.set_clock_time(zoned.strftime("%H:%M").to_string().into());
            api.set_today(models::date_parts(day));
            api.set_venue_name(venue.name.as_str().into());
        });
        if new_day {
            let first = self.st.borrow().shown_day.is_none();
            self.st.borrow_mut().shown_day = Some(day);
            if !first {
                self.reload_today();
                self.reload_menu();
                self.reload_orders();
                if self.screen() == Screen::Kitchen {
                    self.refresh_kitchen(false);
                }
            }
        }
    }

    /// Recomputes the countdowns from the deadlines; a day whose ordering just closed is
    /// re-read.
    fn tick_countdowns(&self) {
        let Some(venue) = self.venue() else { return };
        let now = self.kiosk.borrow().now();
        let today = self.kiosk.borrow().today(&venue);
        let (tabs, today_tab) = {
            let st = self.st.borrow();
            let tabs: Vec<DayTab> = st
                .menu
                .iter()
                .map(|v| models::day_tab(v, today, now, &venue.rules))
                .collect();
            let today_tab = st
                .today_view
                .as_ref()
                .map(|v| models::day_tab(v, today, now, &venue.rules));
            (tabs, today_tab)
        };
        set_rows(&self.m.days, tabs);
        self.with_api(|api| api.set_today_tab(today_tab.unwrap_or_default()));
    }

    // ---- kitchen display and admin screen

    fn screen(&self) -> Screen {
        self.window
            .upgrade()
            .map_or(Screen::Idle, |w| w.global::<Api>().get_screen())
    }

    /// Shows the kitchen display from today, with nothing highlighted yet.
    fn open_kitchen(&self) {
        self.kitchen.borrow_mut().reset();
        self.refresh_kitchen(true);
        self.with_api(|api| {
            api.set_kitchen_export(SharedString::new());
            api.set_kitchen_export_failed(false);
            api.set_sheet(Sheet::None);
            api.set_screen(Screen::Kitchen);
        });
    }

    /// Re-reads the kitchen's day; `look`: mark what changed since the previous look.
    fn refresh_kitchen(&self, look: bool) {
        let Some(venue) = self.venue() else { return };
        let kiosk = self.kiosk.borrow();
        let mut kitchen = self.kitchen.borrow_mut();
        kitchen.read(&kiosk, &venue, look);
        if let Some(w) = self.window.upgrade() {
            kitchen.show(&w.global::<Api>(), &kiosk, &venue);
        }
    }

    fn kitchen_day(&self, delta: i32) {
        self.activity();
        self.kitchen.borrow_mut().step_day(delta);
        self.refresh_kitchen(false);
        self.with_api(|api| {
            api.set_kitchen_export(SharedString::new());
            api.set_kitchen_export_failed(false);
        });
    }

    fn kitchen_letter(&self, letter: &str) {
        self.activity();
        self.kitchen.borrow_mut().set_letter(letter);
        self.refresh_kitchen(false);
    }

    fn kitchen_export(&self) {
        self.activity();
        let Some(venue) = self.venue() else { return };
        let result = self.kitchen.borrow().export(&self.kiosk.borrow(), &venue);
        match result {
            Ok(path) => {
                log::info!("kitchen list exported to {}", path.display());
                self.with_api(|api| {
                    api.set_kitchen_export(path.display().to_string().into());
                    api.set_kitchen_export_failed(false);
                });
            }
            Err(e) => {
                log::error!("exporting the kitchen list: {e}");
                self.with_api(|api| {
                    api.set_kitchen_export(SharedString::new());
                    api.set_kitchen_export_failed(true);
                });
            }
        }
    }

    fn open_admin(&self) {
        self.refresh_admin();
        self.with_api(|api| {
            api.set_sheet(Sheet::None);
            api.set_screen(Screen::Admin);
        });
    }

    fn refresh_admin(&self) {
        let sync = self.status.get();
        let lang = self.st.borrow().language;
        let open = self.open_report.borrow().clone();
        if let Some(w) = self.window.upgrade() {
            self.admin.borrow_mut().read(
                &w.global::<Api>(),
                &self.kiosk.borrow(),
                &open,
                &sync,
                lang,
            );
        }
    }

    /// The admin badged in, if any.
    fn admin_badge(&self) -> Option<String> {
        self.st
            .borrow()
            .session
            .as_ref()
            .filter(|b| b.role == Role::Admin)
            .map(|b| b.number.clone())
    }

    fn retry_parked(&self, row: i64) {
        self.activity();
        let Some(admin) = self.admin_badge() else {
            return;
        };
        let result = self.kiosk.borrow_mut().retry_parked(row);
        match result {
            Ok(()) => log::info!("admin badge {admin} retried parked outbox row {row}"),
            Err(e) => {
                log::warn!("retrying parked outbox row {row}: {e}");
                self.show_problem(admin_problem(&e));
            }
        }
        self.refresh_admin();
        self.refresh_status();
    }

    /// Discard, first question: "Discard this order?"
    fn discard_tapped(&self, row: i64) {
        self.activity();
        if self.admin_badge().is_none() {
            return;
        }
        let Some(parked) = self.admin.borrow().parked(row) else {
            return;
        };
        self.admin.borrow_mut().discard = Some(parked.clone());
        self.with_api(|api| {
            api.set_sheet_parked(parked);
            api.set_sheet(Sheet::DiscardConfirm);
        });
    }

    /// Discard, second question: "Really discard it?"
    fn discard_next(&self) {
        self.activity();
        if self.admin.borrow().discard.is_some() {
            self.with_api(|api| api.set_sheet(Sheet::DiscardConfirmAgain));
        }
    }

    fn discard_confirmed(&self) {
        self.activity();
        let Some(admin) = self.admin_badge() else {
            return;
        };
        let Some(parked) = self.admin.borrow_mut().discard.take() else {
            return;
        };
        let result = self
            .kiosk
            .borrow_mut()
            .discard_parked(i64::from(parked.row), &admin);
        self.with_api(|api| {
            api.set_sheet_parked(ParkedRow::default());
            api.set_sheet(Sheet::None);
        });
        if let Err(e) = result {
            log::warn!("discarding parked outbox row {}: {e}", parked.row);
            self.show_problem(admin_problem(&e));
        }
        self.refresh_admin();
        self.refresh_status();
    }

    // ---- language

    fn set_language(&self, code: &str) {
        let lang = match code {
            "de" => Language::De,
            "pt-BR" => Language::PtBr,
            _ => Language::En,
        };
        self.st.borrow_mut().language = lang;
        self.apply_language();
        // Prices are formatted per language.
        self.reload_today();
        if self.st.borrow().session.is_some() {
            let selected = self.st.borrow().selected;
            self.select_day(selected);
            self.reload_orders();
        }
        self.activity();
    }

    fn apply_language(&self) {
        let code = self.st.borrow().language.code();
        if let Err(e) = slint::select_bundled_translation(code) {
            log::warn!("language {code}: {e}");
        }
        self.with_api(|api| api.set_language(code.into()));
    }
}
