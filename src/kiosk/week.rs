//! The week at a glance: the working days of this week and next at a badge's venue, each with
//! its dishes, whether each can still be ordered, what the badge ordered (how many of each)
//! and the day's state. Built on the same day views as the menu ([`Kiosk::menu_view`]).

use super::views::{ClosedReason, DayStatus, DayView, OrderView};
use super::{Kiosk, Result};
use crate::domain::menu::dish_code;
use crate::domain::{Article, OrderLine};
use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};

/// The days of a venue from today to the Sunday of next week that are working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekView {
    pub venue: String,
    pub days: Vec<WeekDay>,
}

/// One day of the week: the day as the menu shows it, and its dishes with what the badge
/// ordered of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekDay {
    pub view: DayView,
    /// The menu's dishes in its order, then any dish the badge ordered that the menu no
    /// longer lists (so an order is never hidden).
    pub dishes: Vec<WeekDish>,
    /// As of the time the view was read; [`WeekDay::state_at`] for a later time.
    pub state: WeekDayState,
}

/// What a day's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekDayState {
    /// The badge has a live order for the day (whether or not more can be ordered).
    Ordered,
    /// Nothing ordered yet and ordering is open.
    Open { seconds_left: i64 },
    /// Nothing ordered and the order cutoff passed.
    Closed,
    /// No menu for the day (not published yet, or the canteen is closed).
    NoMenu,
}

/// Whether a dish can be ordered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orderable {
    Open,
    SoldOut,
    /// The day's cutoff passed (or the dish is only there because it was ordered).
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekDish {
    pub article: Article,
    /// "M1": for the day's header and the dish's badge.
    pub code: String,
    pub orderable: Orderable,
    /// Portions of it the badge ordered for the day (live orders: the same dish ordered twice
    /// is 2).
    pub ordered: u32,
    /// The badge's orders of it that may still be cancelled, newest first: a cancel takes one
    /// at a time, the newest.
    pub cancellable: Vec<String>,
}

impl WeekDay {
    pub fn ordered(&self) -> bool {
        self.dishes.iter().any(|d| d.ordered > 0)
    }

    /// The day's state at `now` (the countdown goes on without reading the store again):
    /// ordered first, else open until the order cutoff.
    pub fn state_at(&self, now: Timestamp) -> WeekDayState {
        if self.ordered() {
            return WeekDayState::Ordered;
        }
        match (&self.view.status, self.view.order_until) {
            (DayStatus::Closed(ClosedReason::NoMenu), _) => WeekDayState::NoMenu,
            (DayStatus::Closed(ClosedReason::CutoffPassed { .. }), _) => WeekDayState::Closed,
            (DayStatus::Open { .. }, Some(until)) if until <= now => WeekDayState::Closed,
            (DayStatus::Open { .. }, Some(until)) => WeekDayState::Open {
                seconds_left: until.as_second() - now.as_second(),
            },
            (DayStatus::Open { seconds_left }, None) => WeekDayState::Open {
                seconds_left: *seconds_left,
            },
        }
    }

    /// What the badge ordered, as short codes for the header: "M1", "2×M1 · M3".
    pub fn ordered_codes(&self) -> String {
        let codes: Vec<String> = self
            .dishes
            .iter()
            .filter(|d| d.ordered > 0)
            .map(|d| match d.ordered {
                1 => d.code.clone(),
                n => format!("{n}×{}", d.code),
            })
            .collect();
        codes.join(" · ")
    }

    /// The newest order of a dish of this day that may still be cancelled.
    pub fn newest_cancellable(&self, article_id: &str) -> Option<&str> {
        let dish = self
            .dishes
            .iter()
            .find(|d| d.article.vendor_id == article_id)?;
        dish.cancellable.first().map(String::as_str)
    }
}

impl WeekView {
    /// The reminder at badge-in: on Monday to Thursday, when next week's menus are there and
    /// the badge ordered for none of its days, the first of them with a menu. (From Friday
    /// on next week is what the week shows first anyway.)
    pub fn next_week_unordered(&self, today: Date) -> Option<Date> {
        let weekday = today.weekday();
        if matches!(
            weekday,
            Weekday::Friday | Weekday::Saturday | Weekday::Sunday
        ) {
            return None;
        }
        let monday = monday_of(today).checked_add(7.days()).ok()?;
        let sunday = monday.checked_add(6.days()).ok()?;
        let next: Vec<&WeekDay> = self
            .days
            .iter()
            .filter(|d| (monday..=sunday).contains(&d.view.day))
            .collect();
        if next.iter().any(|d| d.ordered()) {
            return None;
        }
        next.iter()
            .find(|d| !d.view.dishes.is_empty())
            .map(|d| d.view.day)
    }
}

/// The Monday of the week of `day` (weeks run Monday to Sunday, as the week view shows them).
pub(crate) fn monday_of(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

/// From `today` to the Sunday of next week.
pub fn fortnight(today: Date) -> impl Iterator<Item = Date> {
    let days = 14 - i64::from(today.weekday().to_monday_zero_offset());
    (0..days).map_while(move |i| today.checked_add(i.days()).ok())
}

/// Monday to Friday, and any other day the canteen has a menu for or the badge ordered for.
fn is_working_day(view: &DayView, orders: &[&OrderView]) -> bool {
    let weekend = matches!(view.day.weekday(), Weekday::Saturday | Weekday::Sunday);
    !weekend || !view.dishes.is_empty() || !orders.is_empty()
}

impl Kiosk {
    /// The working days of this week and next at a venue (from today on) with what `badge`
    /// ordered: the menu's days ([`Kiosk::day_views`]) and the badge's live orders
    /// ([`Kiosk::my_order_views`]: its own, cancellable while the rules allow, and those
    /// placed at a peer kiosk, read-only).
    pub fn week_view(&self, venue_key: &str, badge: &str) -> Result<WeekView> {
        let venue = self.venue(venue_key)?;
        let days = self.day_views(venue, fortnight(self.today(venue)))?;
        let orders: Vec<OrderView> = self
            .my_order_views(badge)?
            .into_iter()
            .filter(|v| v.order.venue == venue.key && v.order.state.is_live())
            .collect();
        let now = self.now();
        let days = days
            .into_iter()
            .filter_map(|view| {
                let of_day: Vec<&OrderView> =
                    orders.iter().filter(|o| o.order.day == view.day).collect();
                is_working_day(&view, &of_day).then(|| week_day(view, &of_day, now))
            })
            .collect();
        Ok(WeekView {
            venue: venue.key.clone(),
            days,
        })
    }
}

fn week_day(view: DayView, orders: &[&OrderView], now: Timestamp) -> WeekDay {
    let open = matches!(view.status, DayStatus::Open { .. });
    let mut dishes: Vec<WeekDish> = view
        .dishes
        .iter()
        .enumerate()
        .map(|(i, a)| WeekDish {
            article: a.clone(),
            code: dish_code(&a.name, i),
            orderable: match (open, a.is_available()) {
                (false, _) => Orderable::Closed,
                (true, false) => Orderable::SoldOut,
                (true, true) => Orderable::Open,
            },
            ordered: 0,
            cancellable: Vec::new(),
        })
        .collect();
    // Newest first, so each dish's cancellable orders come out newest first.
    let mut orders = orders.to_vec();
    orders.sort_by_key(|o| std::cmp::Reverse(o.order.created_at));
    for o in orders {
        for line in &o.order.lines {
            let dish = dish_of_line(&mut dishes, line);
            dish.ordered = dish.ordered.saturating_add(line.quantity);
            if o.can_cancel && !dish.cancellable.contains(&o.order.id) {
                dish.cancellable.push(o.order.id.clone());
            }
        }
    }
    let mut day = WeekDay {
        view,
        dishes,
        state: WeekDayState::NoMenu,
    };
    day.state = day.state_at(now);
    day
}

/// The dish an order line is for: by article id, or by name for an order placed at a peer
/// kiosk (its feed carries no article ids); a dish the menu no longer lists is added.
fn dish_of_line<'a>(dishes: &'a mut Vec<WeekDish>, line: &OrderLine) -> &'a mut WeekDish {
    let same = |d: &WeekDish| match line.article_id.is_empty() {
        true => d.article.name == line.name,
        false => d.article.vendor_id == line.article_id,
    };
    match dishes.iter().position(same) {
        Some(i) => &mut dishes[i],
        None => {
            let position = dishes.len();
            dishes.push(WeekDish {
                article: Article {
                    vendor_id: line.article_id.clone(),
                    name: line.name.clone(),
                    description: String::new(),
                    price: line.unit_price,
                    vat: line.vat,
                    allergens: String::new(),
                    portions_left: None,
                    sold_out: false,
                },
                code: dish_code(&line.name, position),
                orderable: Orderable::Closed,
                ordered: 0,
                cancellable: Vec::new(),
            });
            &mut dishes[position]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_fortnight_runs_to_the_sunday_of_next_week() {
        let thursday = date(2026, 11, 19);
        let days: Vec<Date> = fortnight(thursday).collect();
        assert_eq!(days.first(), Some(&thursday));
        assert_eq!(days.last(), Some(&date(2026, 11, 29)));
        assert_eq!(days.len(), 11);
        let monday = date(2026, 11, 23);
        assert_eq!(fortnight(monday).count(), 14);
        let sunday = date(2026, 11, 22);
        assert_eq!(fortnight(sunday).last(), Some(date(2026, 11, 29)));
        assert_eq!(fortnight(Date::MAX).count(), 1, "no date past the last");
    }
}
