//! What the menu tells a person beyond the menu itself: "tell me" on a sold-out dish (a watch,
//! ending at the day's order cutoff), and at badge-in first a watched dish that has portions
//! again, else — Monday to Thursday — that next week has nothing ordered yet. One notice per
//! badge-in: a freed dish comes first; the reminder waits for a badge-in without one, and is
//! said once per week.

use super::Menu;
use crate::kiosk::{FreedDish, WatchOutcome};
use crate::ui::generated::{Problem, Sheet};
use crate::ui::models;
use jiff::Timestamp;
use jiff::civil::Date;

/// What a notice sheet is about.
#[derive(Debug, Clone, Default)]
pub(super) struct News {
    /// The sold-out dish the problem sheet offers to watch: (day, article id, name).
    pub watchable: Option<(Date, String, String)>,
    /// The freed dish the sheet is about.
    pub freed: Option<FreedDish>,
    /// Next week's first day with a menu, for "Show next week".
    pub next_week: Option<Date>,
}

impl Menu {
    /// A sold-out dish was tapped: the problem sheet, with "Tell me" for it.
    pub(super) fn sold_out(&self, day: Date, id: &str, name: &str) {
        self.st.borrow_mut().news.watchable = Some((day, id.to_string(), name.to_string()));
        self.ctx.with_api(|api| api.set_can_watch(true));
        self.ctx.show_problem(Problem::SoldOut);
    }

    /// "Tell me": watch the dish until its order cutoff; a dish free again meanwhile is
    /// offered at once.
    pub(super) fn watch(&self) {
        let (Some(badge), Some(venue)) = (self.ctx.session(), self.ctx.venue()) else {
            return;
        };
        let Some((day, id, name)) = self.st.borrow_mut().news.watchable.take() else {
            return;
        };
        self.ctx.with_api(|api| api.set_can_watch(false));
        let watched = self
            .ctx
            .kiosk
            .borrow()
            .watch_dish(&badge, &venue.key, day, &id);
        match watched {
            Ok(WatchOutcome::Watching { until }) => {
                self.show_news(Sheet::Watching, &name, day, until);
            }
            Ok(WatchOutcome::Available) => {
                self.reload();
                self.offer_on(day, &id);
            }
            Err(e) => {
                log::error!("watching a dish: {e}");
                self.ctx.show_problem(models::problem(&e));
            }
        }
    }

    /// At badge-in: a freed dish first, else the next-week reminder, else nothing.
    pub(super) fn announce(&self) {
        let Some(badge) = self.ctx.session() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let (now, venue) = (kiosk.now(), self.ctx.venue());
        let freed = kiosk.freed_watches(&badge, now);
        drop(kiosk);
        match freed {
            Ok(freed) => {
                if let Some(f) = freed.into_iter().next() {
                    self.show_news(Sheet::FreedDish, &f.name, f.day, f.order_until);
                    self.st.borrow_mut().news.freed = Some(f);
                    return;
                }
            }
            Err(e) => log::error!("reading the watched dishes: {e}"),
        }
        let Some(venue) = venue else {
            return;
        };
        let today = self.ctx.kiosk.borrow().today(&venue);
        let next = self
            .week
            .next_week_unordered(today)
            .filter(|day| self.first_reminder(&badge, *day));
        self.st.borrow_mut().news.next_week = next;
        self.ctx
            .with_api(|api| api.set_next_week_reminder(next.is_some()));
    }

    /// The reminder of next week is said once per week: at the first badge-in that finds it
    /// unordered. If the store cannot say or remember, it is said (again rather than never).
    fn first_reminder(&self, badge: &crate::config::Badge, day: Date) -> bool {
        let first = self.ctx.kiosk.borrow().remind_of_week_once(badge, day);
        first.unwrap_or_else(|e| {
            log::error!("remembering the next-week reminder: {e}");
            true
        })
    }

    /// "Order it" on the freed dish: it was said, so the watch ends; the order sheets follow.
    pub(super) fn order_freed(&self) {
        let Some(f) = self.end_freed() else {
            return;
        };
        if self.ctx.venue().is_some_and(|v| v.key != f.venue) {
            self.ctx.pick_venue(Some(f.venue.clone()));
            self.reload();
        }
        self.offer_on(f.day, &f.dish);
    }

    /// "Not now": it was said once; the watch ends.
    pub(super) fn dismiss_freed(&self) {
        self.end_freed();
        self.ctx.with_api(|api| api.set_sheet(Sheet::None));
    }

    fn end_freed(&self) -> Option<FreedDish> {
        let f = self.st.borrow_mut().news.freed.take()?;
        if let Some(badge) = self.ctx.session() {
            let gone = self
                .ctx
                .kiosk
                .borrow()
                .unwatch_dish(&badge, &f.venue, f.day, &f.dish);
            if let Err(e) = gone {
                log::error!("ending a dish watch: {e}");
            }
        }
        Some(f)
    }

    /// "Show next week": its first day with a menu, in the week (in portrait too).
    pub(super) fn show_next_week(&self) {
        let Some(day) = self.st.borrow_mut().news.next_week.take() else {
            return;
        };
        let first = self.week.index_of(day).unwrap_or(0);
        self.ctx.with_api(|api| {
            api.set_week_first(first as i32);
            api.set_week_in_portrait(true);
            api.set_next_week_reminder(false);
            api.set_sheet(Sheet::None);
        });
    }

    /// The order sheets for dish `id` of `day`, from the week (which holds every day shown).
    fn offer_on(&self, day: Date, id: &str) {
        let dish = self.week.index_of(day).and_then(|i| self.week.dish(i, id));
        match dish {
            Some((day, article, tab)) => self.offer_order(day, article, tab),
            None => self.ctx.show_problem(Problem::NoSuchDish),
        }
    }

    fn show_news(&self, sheet: Sheet, dish: &str, day: Date, until: Timestamp) {
        let until = self
            .ctx
            .venue()
            .map(|v| models::hhmm(until, &v.rules))
            .unwrap_or_default();
        self.ctx.with_api(|api| {
            api.set_news_dish(dish.into());
            api.set_news_date(models::date_parts(day));
            api.set_news_until(until.into());
            api.set_sheet(sheet);
        });
    }
}
