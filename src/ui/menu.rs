//! The screens of the person badged in: the menu (day tabs and dishes in portrait, the week at
//! a glance in landscape) and their orders, with the sheets that go with them (confirm an
//! order, order twice, the order's progress, cancel). Both menus order and cancel through the
//! same sheets.

mod news;

use super::context::{Ctx, callback, callback0};
use super::generated::{
    Api, AppWindow, DayState, DayTab, Dish, HistoryRow, OrderRow, Problem, Screen, Sheet,
};
use super::history;
use super::models::{self, DAY_TABS, set_rows};
use super::week::{Moment, Week};
use crate::domain::Article;
use crate::kiosk::DayView;
use jiff::civil::Date;
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::rc::Rc;

pub(super) struct Menu {
    ctx: Rc<Ctx>,
    days: Rc<VecModel<DayTab>>,
    dishes: Rc<VecModel<Dish>>,
    orders: Rc<VecModel<OrderRow>>,
    /// "My month": the orders by month (Screen::History).
    history: Rc<VecModel<HistoryRow>>,
    /// The week at a glance (landscape).
    week: Week,
    /// What the person already ordered for the day (the order-twice sheet).
    existing: Rc<VecModel<SharedString>>,
    st: RefCell<State>,
}

#[derive(Default)]
struct State {
    /// The coming days as last read (for the countdowns).
    menu: Vec<DayView>,
    selected: usize,
    /// The dish on the confirm sheet: (day, article id).
    pending: Option<(Date, String)>,
    /// The order shown on the status / cancel sheet.
    sheet_order: Option<String>,
    /// What the notice sheets are about (watches, next week).
    news: news::News,
}

impl Menu {
    /// Hands the screens their models and takes their callbacks; each counts as activity.
    pub fn setup(window: &AppWindow, ctx: &Rc<Ctx>) -> Rc<Menu> {
        let menu = Rc::new(Menu {
            ctx: ctx.clone(),
            days: Rc::new(VecModel::default()),
            dishes: Rc::new(VecModel::default()),
            orders: Rc::new(VecModel::default()),
            history: Rc::new(VecModel::default()),
            week: Week::new(),
            existing: Rc::new(VecModel::default()),
            st: RefCell::new(State::default()),
        });
        let api = window.global::<Api>();
        api.set_days(ModelRc::from(menu.days.clone()));
        api.set_dishes(ModelRc::from(menu.dishes.clone()));
        api.set_orders(ModelRc::from(menu.orders.clone()));
        api.set_history(ModelRc::from(menu.history.clone()));
        api.set_week(menu.week.model());
        api.set_sheet_existing(ModelRc::from(menu.existing.clone()));
        let active = |f: fn(&Menu)| callback0(&menu, move |m: &Menu| m.touched(f));
        api.on_show(callback(&menu, |m, s: Screen| {
            m.ctx.activity();
            m.show(s);
        }));
        api.on_select_day(callback(&menu, |m, d: i32| {
            m.ctx.activity();
            m.select_day(d.max(0) as usize);
        }));
        api.on_dish_tapped(callback(&menu, |m, id: SharedString| {
            m.ctx.activity();
            m.dish_tapped(&id);
        }));
        api.on_cancel_tapped(callback(&menu, |m, id: SharedString| {
            m.ctx.activity();
            m.cancel_tapped(&id);
        }));
        let week_dish = callback(&menu, |m, (day, id): (i32, SharedString)| {
            m.ctx.activity();
            m.week_dish_tapped(day.max(0) as usize, &id);
        });
        api.on_week_dish_tapped(move |day, id| week_dish((day, id)));
        let week_cancel = callback(&menu, |m, (day, id): (i32, SharedString)| {
            m.ctx.activity();
            m.week_cancel_tapped(day.max(0) as usize, &id);
        });
        api.on_week_cancel_tapped(move |day, id| week_cancel((day, id)));
        api.on_order_anyway(active(Menu::order_anyway));
        api.on_confirm_order(active(Menu::confirm_order));
        api.on_confirm_cancel(active(Menu::confirm_cancel));
        api.on_watch_dish(active(Menu::watch));
        api.on_news_order(active(Menu::order_freed));
        api.on_news_dismiss(active(Menu::dismiss_freed));
        api.on_show_next_week(active(Menu::show_next_week));
        menu
    }

    fn touched(&self, f: fn(&Menu)) {
        self.ctx.activity();
        f(self);
    }

    /// A person just badged in: the menu (see [`Menu::reopen`]), then what to tell them.
    pub fn start(&self) {
        self.reopen();
        self.announce();
    }

    /// The menu from today, or from the first day still open (also after a venue was picked).
    pub fn reopen(&self) {
        self.reload();
        let first_open = self
            .days
            .iter()
            .position(|d| d.state == DayState::Open)
            .unwrap_or(0);
        self.select_day(first_open);
        self.ctx.with_api(|api| {
            api.set_week_first(0);
            api.set_week_in_portrait(false);
            api.set_next_week_reminder(false);
            api.set_sheet(Sheet::None);
            api.set_screen(Screen::Menu);
        });
    }

    /// Forgets everything about the previous person.
    pub fn clear(&self) {
        *self.st.borrow_mut() = State::default();
        self.days.set_vec(Vec::new());
        self.dishes.set_vec(Vec::new());
        self.orders.set_vec(Vec::new());
        self.history.set_vec(Vec::new());
        self.existing.set_vec(Vec::new());
        self.week.clear();
        self.ctx.with_api(|api| {
            api.set_selected_day(0);
            api.set_week_first(0);
            api.set_sheet_dish(Dish::default());
            api.set_sheet_day(DayTab::default());
            api.set_sheet_order(OrderRow::default());
            api.set_sheet_total(SharedString::new());
        });
    }

    /// A sheet was closed: nothing is about to be ordered or cancelled.
    pub fn close_sheet(&self) {
        let mut st = self.st.borrow_mut();
        st.pending = None;
        st.sheet_order = None;
        st.news.watchable = None;
        self.ctx.with_api(|api| api.set_can_watch(false));
    }

    /// The language changed: prices are formatted per language.
    pub fn relabel(&self) {
        let selected = self.st.borrow().selected;
        self.select_day(selected);
        self.reload_orders();
    }

    fn show(&self, screen: Screen) {
        if !self.ctx.signed_in() {
            return;
        }
        match screen {
            Screen::Menu => self.ctx.with_api(|api| api.set_week_in_portrait(false)),
            Screen::Orders => self.reload_orders(),
            Screen::History => self.read_history(),
            _ => {}
        }
        self.st.borrow_mut().sheet_order = None;
        self.ctx.with_api(|api| {
            api.set_sheet(Sheet::None);
            api.set_screen(screen);
        });
    }

    fn select_day(&self, index: usize) {
        let (dishes, idx) = {
            let mut st = self.st.borrow_mut();
            if st.menu.is_empty() {
                return;
            }
            st.selected = index.min(st.menu.len() - 1);
            (st.menu[st.selected].dishes.clone(), st.selected)
        };
        self.show_dishes(&dishes);
        self.ctx.with_api(|api| api.set_selected_day(idx as i32));
    }

    /// The selected day's dishes in the kiosk's language and currency.
    fn show_dishes(&self, dishes: &[crate::domain::Article]) {
        let (currency, lang) = self.ctx.currency_lang();
        set_rows(
            &self.dishes,
            dishes
                .iter()
                .map(|a| models::dish(a, &currency, lang))
                .collect(),
        );
    }

    /// A dish of the selected day.
    fn dish_tapped(&self, id: &str) {
        let (day, article, tab) = {
            let st = self.st.borrow();
            let Some(view) = st.menu.get(st.selected) else {
                return;
            };
            let Some(article) = view.dishes.iter().find(|a| a.vendor_id == id).cloned() else {
                return;
            };
            let tab = self.days.row_data(st.selected).unwrap_or_default();
            (view.day, article, tab)
        };
        self.offer_order(day, article, tab);
    }

    /// A dish of the week: the same sheets as a dish of the day menu.
    fn week_dish_tapped(&self, index: usize, id: &str) {
        if let Some((day, article, tab)) = self.week.dish(index, id) {
            self.offer_order(day, article, tab);
        }
    }

    /// "Cancel" on a dish of the week: the newest of its orders that day goes to the cancel
    /// sheet (a dish ordered twice is cancelled one at a time).
    fn week_cancel_tapped(&self, index: usize, id: &str) {
        match self.week.newest_cancellable(index, id) {
            Some(order) => self.cancel_tapped(&order),
            None => self.ctx.show_problem(Problem::NotCancellable),
        }
    }

    /// The order sheets for a dish of `day`: "ordered already?" first when the person has a
    /// live order that day, then the confirm sheet. Refused here if the day or dish closed.
    fn offer_order(&self, day: Date, article: Article, tab: DayTab) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        if tab.state != DayState::Open {
            self.ctx.show_problem(Problem::OrderClosed);
            return;
        }
        if !article.is_available() {
            self.sold_out(day, &article.vendor_id, &article.name);
            return;
        }
        let (currency, lang) = self.ctx.currency_lang();
        let existing = self
            .ctx
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
        self.existing.set_vec(existing);
        self.ctx.with_api(|api| {
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
        if self.st.borrow().pending.is_some() {
            self.ctx.with_api(|api| api.set_sheet(Sheet::ConfirmOrder));
        }
    }

    fn confirm_order(&self) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let Some((day, article)) = self.st.borrow_mut().pending.take() else {
            return;
        };
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let placed = self
            .ctx
            .kiosk
            .borrow_mut()
            .place_order(&badge, &venue.key, day, &article);
        match placed {
            Ok(order) => {
                self.st.borrow_mut().sheet_order = Some(order.id.clone());
                self.reload();
                self.refresh_sheet_order();
                self.ctx.with_api(|api| api.set_sheet(Sheet::OrderPlaced));
            }
            Err(e) => {
                log::warn!(
                    "order refused for badge {}: {e}",
                    crate::domain::masked_badge(&badge.number)
                );
                self.reload_menu();
                self.ctx.show_problem(models::problem(&e));
            }
        }
    }

    fn cancel_tapped(&self, id: &str) {
        let row = self.orders.iter().find(|o| o.id == id);
        match row {
            Some(row) if row.can_cancel => {
                self.st.borrow_mut().sheet_order = Some(id.to_string());
                self.ctx.with_api(|api| {
                    api.set_sheet_order(row);
                    api.set_sheet(Sheet::ConfirmCancel);
                });
            }
            // Only the kiosk it was placed at sends for it (its button is not shown here).
            Some(row) if !row.placed_at.is_empty() => self
                .ctx
                .show_problem_about(Problem::PlacedElsewhere, &row.placed_at),
            _ => self.ctx.show_problem(Problem::NotCancellable),
        }
    }

    fn confirm_cancel(&self) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let Some(id) = self.st.borrow_mut().sheet_order.take() else {
            return;
        };
        let result = self.ctx.kiosk.borrow_mut().cancel_order(&badge, &id);
        self.reload_orders();
        match result {
            Ok(order) => {
                log::info!(
                    "order {id} cancel asked by badge {}: now {}",
                    crate::domain::masked_badge(&badge.number),
                    order.state
                );
                self.ctx.with_api(|api| api.set_sheet(Sheet::None));
            }
            Err(e) => {
                log::warn!("cancel of {id} refused: {e}");
                self.ctx
                    .show_problem_about(models::problem(&e), &models::problem_detail(&e));
            }
        }
    }

    /// Re-reads everything of the person: the menu, their orders, the week.
    fn reload(&self) {
        self.read_menu();
        self.read_orders();
        self.read_week();
    }

    /// Re-reads the coming days (keeping the selected one) and the week.
    pub fn reload_menu(&self) {
        self.read_menu();
        self.read_week();
    }

    /// Re-reads the person's orders and the week (which shows them).
    pub fn reload_orders(&self) {
        self.read_orders();
        self.read_week();
        if self.ctx.screen() == Screen::History {
            self.read_history();
        }
    }

    /// The person's orders by month with what payroll deducts, from the store.
    fn read_history(&self) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let (months, config) = (kiosk.orders_by_month(&badge), kiosk.config().clone());
        drop(kiosk);
        match months {
            Ok(months) => {
                self.history
                    .set_vec(history::rows(&months, &config, self.ctx.language.get()))
            }
            Err(e) => {
                log::error!("reading the orders by month: {e}");
                self.ctx.show_problem(models::problem(&e));
            }
        }
    }

    fn read_menu(&self) {
        if !self.ctx.signed_in() {
            return;
        }
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let views = self.ctx.kiosk.borrow().menu_view_upto(&venue.key, DAY_TABS);
        let views = match views {
            Ok(views) => views,
            Err(e) => {
                log::error!("reading the menu: {e}");
                return;
            }
        };
        let dishes = {
            let mut st = self.st.borrow_mut();
            st.menu = views;
            let selected = st.selected.min(st.menu.len().saturating_sub(1));
            st.menu
                .get(selected)
                .map(|d| d.dishes.clone())
                .unwrap_or_default()
        };
        self.tick_countdowns();
        // The dishes may have changed (portions, sold out).
        self.show_dishes(&dishes);
    }

    fn read_orders(&self) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let views = self.ctx.kiosk.borrow().my_order_views(&badge.number);
        let views = match views {
            Ok(v) => v,
            Err(e) => {
                log::error!(
                    "reading orders of badge {}: {e}",
                    crate::domain::masked_badge(&badge.number)
                );
                return;
            }
        };
        let lang = self.ctx.language.get();
        let kiosk = self.ctx.kiosk.borrow();
        let config = kiosk.config();
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
        set_rows(&self.orders, rows);
    }

    /// Re-reads the order on the status sheet (saved → sent → confirmed).
    pub fn refresh_sheet_order(&self) {
        let Some(id) = self.st.borrow().sheet_order.clone() else {
            return;
        };
        if let Some(row) = self.orders.iter().find(|o| o.id == id) {
            self.ctx.with_api(|api| api.set_sheet_order(row));
        }
    }

    /// The week as it is now, for the badge of the session.
    fn read_week(&self) {
        let (Some(badge), Some(venue)) = (self.ctx.session(), self.ctx.venue()) else {
            return;
        };
        let week = self.ctx.kiosk.borrow().week_view(&venue.key, &badge.number);
        match week {
            Ok(week) => self.at_now(|at| self.week.show(week, at)),
            Err(e) => log::error!(
                "reading the week of badge {}: {e}",
                crate::domain::masked_badge(&badge.number)
            ),
        }
    }

    /// Recomputes the day tabs' and the week's countdowns from the deadlines (no store read;
    /// the week is read again when an order or cancel cutoff passed).
    pub fn tick_countdowns(&self) {
        let mut cutoff_passed = false;
        self.at_now(|at| {
            let tabs: Vec<DayTab> = self
                .st
                .borrow()
                .menu
                .iter()
                .map(|v| models::day_tab(v, at.today, at.now, &at.venue.rules))
                .collect();
            set_rows(&self.days, tabs);
            cutoff_passed = self.week.tick(at);
        });
        if cutoff_passed {
            self.read_week();
        }
    }

    /// Runs `f` with the venue's today and now and the language.
    fn at_now(&self, f: impl FnOnce(&Moment)) {
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let (today, now) = (kiosk.today(&venue), kiosk.now());
        drop(kiosk);
        f(&Moment {
            venue: &venue,
            today,
            now,
            lang: self.ctx.language.get(),
        });
    }
}
