//! The week at a glance (`ui/screens/week.slint`): the rows of `Api.week` from
//! [`Kiosk::week_view`](crate::kiosk::Kiosk::week_view), ticking their countdowns, and what
//! a tap on a column means (which day and dish, which order to cancel). The menu controller
//! owns it: ordering and cancelling from the week go through the menu's sheets.

use super::generated::{DayTab, DishState, WeekDay as DayRow, WeekDish as DishRow, WeekState};
use super::models::{self, set_rows};
use crate::config::{Language, Venue};
use crate::domain::Article;
use crate::domain::menu::name_after_code;
use crate::kiosk::{Orderable, WeekDay, WeekDayState, WeekDish, WeekView};
use jiff::Timestamp;
use jiff::civil::Date;
use slint::{Model, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// When and how the rows are shown: the venue's rules and currency, its today, the language.
pub(super) struct Moment<'a> {
    pub venue: &'a Venue,
    pub today: Date,
    pub now: Timestamp,
    pub lang: Language,
}

pub(super) struct Week {
    rows: Rc<VecModel<DayRow>>,
    /// The week as last read (for the countdowns and for what a tap means).
    days: RefCell<Vec<WeekDay>>,
    /// When it was read: a cutoff passed since then makes it stale.
    read_at: Cell<Option<Timestamp>>,
}

impl Week {
    pub fn new() -> Week {
        Week {
            rows: Rc::new(VecModel::default()),
            days: RefCell::new(Vec::new()),
            read_at: Cell::new(None),
        }
    }

    pub fn model(&self) -> ModelRc<DayRow> {
        ModelRc::from(self.rows.clone())
    }

    /// Shows a week just read. A day whose dishes changed gets a fresh inner model instead of
    /// its rows changed in place: with Slint 1.18.1 a change to a day's inner model right after
    /// the outer row changed was lost (the column kept showing the old dishes).
    pub fn show(&self, week: WeekView, at: &Moment) {
        let old: Vec<DayRow> = self.rows.iter().collect();
        let rows = week
            .days
            .iter()
            .enumerate()
            .map(|(i, day)| {
                let dishes = dish_rows(day, at);
                let kept = old.get(i).filter(|o| same_dishes(&o.dishes, &dishes));
                let dishes = match kept {
                    Some(o) => o.dishes.clone(),
                    None => ModelRc::new(VecModel::from(dishes)),
                };
                DayRow {
                    dishes,
                    ..header(day, at)
                }
            })
            .collect();
        set_rows(&self.rows, rows);
        *self.days.borrow_mut() = week.days;
        self.read_at.set(Some(at.now));
    }

    /// Recomputes the headers' countdowns and states from the deadlines (no store read).
    /// Returns true when an order or cancel cutoff passed since the week was read: what can
    /// be ordered or cancelled changed, so the caller reads the week again.
    pub fn tick(&self, at: &Moment) -> bool {
        for (i, day) in self.days.borrow().iter().enumerate() {
            let Some(old) = self.rows.row_data(i) else {
                continue;
            };
            let new = DayRow {
                dishes: old.dishes.clone(),
                ..header(day, at)
            };
            if new != old {
                self.rows.set_row_data(i, new);
            }
        }
        let Some(read_at) = self.read_at.get() else {
            return false;
        };
        let passed = |t: Option<Timestamp>| t.is_some_and(|t| read_at < t && t <= at.now);
        self.days
            .borrow()
            .iter()
            .any(|d| passed(d.view.order_until) || passed(d.view.cancel_until))
    }

    pub fn clear(&self) {
        self.rows.set_vec(Vec::new());
        self.days.borrow_mut().clear();
        self.read_at.set(None);
    }

    /// The day and dish of a tap on the week (day `index` of the rows), with the day's tab
    /// for the order sheets.
    pub fn dish(&self, index: usize, id: &str) -> Option<(Date, Article, DayTab)> {
        let days = self.days.borrow();
        let day = days.get(index)?;
        let dish = day.dishes.iter().find(|d| d.article.vendor_id == id)?;
        let tab = self.rows.row_data(index)?.tab;
        Some((day.view.day, dish.article.clone(), tab))
    }

    /// Where `day` is in the rows.
    pub fn index_of(&self, day: Date) -> Option<usize> {
        self.days.borrow().iter().position(|d| d.view.day == day)
    }

    /// The first day of next week to remind of (see [`WeekView::next_week_unordered`]).
    pub fn next_week_unordered(&self, today: Date) -> Option<Date> {
        let week = WeekView {
            venue: String::new(),
            days: self.days.borrow().clone(),
        };
        week.next_week_unordered(today)
    }

    /// The order a "Cancel" on dish `id` of day `index` cancels: the newest that may be.
    pub fn newest_cancellable(&self, index: usize, id: &str) -> Option<String> {
        let days = self.days.borrow();
        days.get(index)?.newest_cancellable(id).map(str::to_string)
    }
}

/// A day's header at `at`, without its dishes.
fn header(day: &WeekDay, at: &Moment) -> DayRow {
    DayRow {
        tab: models::day_tab(&day.view, at.today, at.now, &at.venue.rules),
        state: week_state(day.state_at(at.now)),
        codes: day.ordered_codes().into(),
        dishes: ModelRc::default(),
    }
}

fn dish_rows(day: &WeekDay, at: &Moment) -> Vec<DishRow> {
    day.dishes.iter().map(|d| dish_row(d, at)).collect()
}

fn dish_row(d: &WeekDish, at: &Moment) -> DishRow {
    DishRow {
        dish: models::dish(&d.article, &at.venue.currency, at.lang),
        code: d.code.as_str().into(),
        title: name_after_code(&d.article.name).into(),
        state: match d.orderable {
            Orderable::Open => DishState::Open,
            Orderable::SoldOut => DishState::SoldOut,
            Orderable::Closed => DishState::Closed,
        },
        ordered: models::count(d.ordered),
        can_cancel: !d.cancellable.is_empty(),
    }
}

fn week_state(s: WeekDayState) -> WeekState {
    match s {
        WeekDayState::Ordered => WeekState::Ordered,
        WeekDayState::Open { .. } => WeekState::Open,
        WeekDayState::Closed => WeekState::Closed,
        WeekDayState::NoMenu => WeekState::NoMenu,
    }
}

fn same_dishes(model: &ModelRc<DishRow>, rows: &[DishRow]) -> bool {
    model.row_count() == rows.len() && model.iter().zip(rows).all(|(a, b)| a == *b)
}
