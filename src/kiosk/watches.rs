//! "Tell me": an employee watches a sold-out dish and hears at their next badge-in, before
//! the cutoff, if portions came free again. A watch ends at the day's order cutoff (the one
//! rule of `domain::cutoff`), when the dish is ordered, or when it is taken back.

use super::{Kiosk, Result, deadlines_of};
use crate::config::Badge;
use crate::domain::Deadlines;
use crate::store::DishWatch;
use jiff::Timestamp;
use jiff::civil::Date;

/// What asking to watch a dish did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchOutcome {
    /// Watched until the day's order cutoff.
    Watching { until: Timestamp },
    /// Portions are free now: order it instead (nothing is stored).
    Available,
}

/// A watched dish that can be ordered again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreedDish {
    pub venue: String,
    pub day: Date,
    /// The dish's vendor id.
    pub dish: String,
    /// Its name on the menu.
    pub name: String,
    pub order_until: Timestamp,
}

impl Kiosk {
    /// Watches a dish of a venue's day: until the day's order cutoff, if it is sold out.
    /// Refused after the cutoff ([`super::KioskError::OrderClosed`]) and for a dish not on
    /// the day's menu.
    pub fn watch_dish(
        &self,
        badge: &Badge,
        venue_key: &str,
        day: Date,
        dish: &str,
    ) -> Result<WatchOutcome> {
        self.known_badge(badge)?;
        let venue = self.venue(venue_key)?;
        let article = self.dish_on(&venue.key, day, dish)?;
        let deadlines = deadlines_of(venue, day)?;
        self.check_order_open(&deadlines, self.now())?;
        if article.is_available() {
            return Ok(WatchOutcome::Available);
        }
        self.store().watch_dish(&DishWatch {
            badge: badge.number.clone(),
            venue: venue.key.clone(),
            day,
            dish: dish.to_string(),
            until: deadlines.order_until,
        })?;
        Ok(WatchOutcome::Watching {
            until: deadlines.order_until,
        })
    }

    /// Takes a watch back; whether there was one.
    pub fn unwatch_dish(&self, badge: &Badge, venue: &str, day: Date, dish: &str) -> Result<bool> {
        self.known_badge(badge)?;
        Ok(self.store().unwatch_dish(&badge.number, venue, day, dish)?)
    }

    /// The badge's watches whose cutoff has not passed, by day.
    pub fn my_watches(&self, badge: &Badge) -> Result<Vec<DishWatch>> {
        Ok(self
            .open_watches(badge, self.now())?
            .into_iter()
            .map(|(w, _)| w)
            .collect())
    }

    /// The watched dishes that have free portions again and whose cutoff has not passed at
    /// `now`: what the kiosk says first at a badge-in. They stay watched until ordered, taken
    /// back or past the cutoff.
    pub fn freed_watches(&self, badge: &Badge, now: Timestamp) -> Result<Vec<FreedDish>> {
        let mut freed = Vec::new();
        for (w, deadlines) in self.open_watches(badge, now)? {
            let Ok(article) = self.dish_on(&w.venue, w.day, &w.dish) else {
                continue;
            };
            if article.is_available() {
                freed.push(FreedDish {
                    venue: w.venue,
                    day: w.day,
                    dish: w.dish,
                    name: article.name,
                    order_until: deadlines.order_until,
                });
            }
        }
        Ok(freed)
    }

    /// The badge's watches still open at `now` by the venue's cutoff as the config has it now
    /// (`until` brought up to date), each with its day's deadlines. A venue gone from the
    /// config ends its watches.
    fn open_watches(&self, badge: &Badge, now: Timestamp) -> Result<Vec<(DishWatch, Deadlines)>> {
        self.known_badge(badge)?;
        let mut open = Vec::new();
        for mut w in self.store().dish_watches(&badge.number)? {
            let Ok(venue) = self.venue(&w.venue) else {
                continue;
            };
            let deadlines = deadlines_of(venue, w.day)?;
            if deadlines.order_window(now).is_open() {
                w.until = deadlines.order_until;
                open.push((w, deadlines));
            }
        }
        Ok(open)
    }
}
