//! The kitchen display's data: one venue's day from [`Kiosk::kitchen_view`], the pickup list
//! filtered by initial, and which orders changed since the previous look (from the order
//! history: [`Store::last_event_id`] / [`Store::orders_changed_since`]).
//!
//! Names are filtered with letter buttons, not a text field: the kiosk's keys all belong to
//! the badge reader, and a kitchen touchscreen has no keyboard anyway.
//!
//! [`Store::last_event_id`]: crate::store::Store::last_event_id
//! [`Store::orders_changed_since`]: crate::store::Store::orders_changed_since

use super::generated::{Api, DishCountRow, KitchenSource as UiSource, PickupRow};
use super::models;
use crate::config::Venue;
use crate::kiosk::{Kiosk, KitchenSource, KitchenView, export};
use jiff::ToSpan;
use jiff::civil::Date;
use slint::{ModelRc, SharedString, VecModel};
use std::collections::HashSet;
use std::path::PathBuf;
use std::rc::Rc;

/// How far the kitchen may page from today (days, either way).
pub const MAX_OFFSET: i32 = 14;

pub(super) struct Kitchen {
    /// The day shown, in days from today.
    offset: i32,
    /// The initial chosen ("" = everybody).
    letter: String,
    /// The newest order-history row at the previous look; `None` before the first.
    seen_event: Option<i64>,
    /// Orders that changed between the previous look and this one.
    changed: HashSet<String>,
    view: KitchenView,
    counts: Rc<VecModel<DishCountRow>>,
    pickups: Rc<VecModel<PickupRow>>,
    letters: Rc<VecModel<SharedString>>,
}

impl Kitchen {
    pub fn new() -> Kitchen {
        Kitchen {
            offset: 0,
            letter: String::new(),
            seen_event: None,
            changed: HashSet::new(),
            view: KitchenView::default(),
            counts: Rc::new(VecModel::default()),
            pickups: Rc::new(VecModel::default()),
            letters: Rc::new(VecModel::default()),
        }
    }

    /// Hands the models to the window (once).
    pub fn attach(&self, api: &Api<'_>) {
        api.set_kitchen_counts(ModelRc::from(self.counts.clone()));
        api.set_kitchen_pickups(ModelRc::from(self.pickups.clone()));
        api.set_kitchen_letters(ModelRc::from(self.letters.clone()));
    }

    /// Back to today, everybody, nothing highlighted (a new kitchen session).
    pub fn reset(&mut self) {
        self.offset = 0;
        self.letter.clear();
        self.seen_event = None;
        self.changed.clear();
    }

    /// Another day: `delta` -1 / +1, or 0 for today.
    pub fn step_day(&mut self, delta: i32) {
        self.offset = if delta == 0 {
            0
        } else {
            (self.offset + delta.signum()).clamp(-MAX_OFFSET, MAX_OFFSET)
        };
        self.letter.clear();
    }

    pub fn set_letter(&mut self, letter: &str) {
        self.letter = letter.to_string();
    }

    pub fn day(&self, kiosk: &Kiosk, venue: &Venue) -> Date {
        let today = kiosk.today(venue);
        today
            .checked_add(i64::from(self.offset).days())
            .unwrap_or(today)
    }

    /// Re-reads the day. With `look` the orders changed since the previous look are worked
    /// out (and this becomes the previous look); without it the highlights stay as they are
    /// (another day, another letter).
    pub fn read(&mut self, kiosk: &Kiosk, venue: &Venue, look: bool) {
        let day = self.day(kiosk, venue);
        match kiosk.kitchen_view(&venue.key, day) {
            Ok(v) => self.view = v,
            Err(e) => log::error!("reading the kitchen view of {day}: {e}"),
        }
        if look || self.seen_event.is_none() {
            let store = kiosk.store();
            match store.last_event_id() {
                Ok(last) => {
                    if let Some(seen) = self.seen_event {
                        match store.orders_changed_since(seen) {
                            Ok(ids) => self.changed = ids.into_iter().collect(),
                            Err(e) => log::error!("reading what changed: {e}"),
                        }
                    }
                    self.seen_event = Some(last);
                }
                Err(e) => log::error!("reading the order history: {e}"),
            }
        }
    }

    /// Fills the window from what was read.
    pub fn show(&self, api: &Api<'_>, kiosk: &Kiosk, venue: &Venue) {
        // The initials present, in list order (the list is sorted by name).
        let mut unique: Vec<String> = Vec::new();
        for l in self.view.pickups.iter().map(|p| initial(&p.name)) {
            if !l.is_empty() && !unique.contains(&l) {
                unique.push(l);
            }
        }
        let letter = if unique.contains(&self.letter) {
            self.letter.clone()
        } else {
            String::new()
        };
        let rows: Vec<PickupRow> = self
            .view
            .pickups
            .iter()
            .filter(|p| letter.is_empty() || initial(&p.name) == letter)
            .map(|p| PickupRow {
                order_id: p.order_id.as_str().into(),
                name: p.name.as_str().into(),
                dish: if p.quantity > 1 {
                    format!("{} × {}", p.quantity, p.dish).into()
                } else {
                    p.dish.as_str().into()
                },
                status: models::status(p.state),
                reason: p.reason.clone().unwrap_or_default().into(),
                changed: self.changed.contains(&p.order_id),
            })
            .collect();
        let counts: Vec<DishCountRow> = self
            .view
            .counts
            .iter()
            .map(|c| DishCountRow {
                dish: c.dish.as_str().into(),
                confirmed: clamp(c.confirmed),
                pending: clamp(c.pending),
            })
            .collect();
        let confirmed: u32 = self.view.counts.iter().map(|c| c.confirmed).sum();
        let pending: u32 = self.view.counts.iter().map(|c| c.pending).sum();
        super::bridge::set_rows(&self.pickups, rows);
        super::bridge::set_rows(&self.counts, counts);
        super::bridge::set_rows(
            &self.letters,
            unique.into_iter().map(SharedString::from).collect(),
        );
        api.set_kitchen_letter(letter.into());
        api.set_kitchen_all(self.view.pickups.len().min(i32::MAX as usize) as i32);
        api.set_kitchen_confirmed(clamp(confirmed));
        api.set_kitchen_pending(clamp(pending));
        api.set_kitchen_offset(self.offset);
        api.set_kitchen_date(models::date_parts(self.day(kiosk, venue)));
        let (source, time) = match &self.view.source {
            KitchenSource::ThisKiosk => (UiSource::ThisKiosk, String::new()),
            KitchenSource::Vendor {
                fetched_at,
                complete,
            } => (
                if *complete {
                    UiSource::Vendor
                } else {
                    UiSource::VendorPartial
                },
                models::hhmm(*fetched_at, &venue.rules),
            ),
        };
        api.set_kitchen_source(source);
        api.set_kitchen_list_time(time.into());
    }

    /// Writes the shown day's orders as `orders-<venue>-<date>.csv` into the data dir.
    pub fn export(&self, kiosk: &Kiosk, venue: &Venue) -> Result<PathBuf, String> {
        let day = self.day(kiosk, venue);
        let view = kiosk
            .kitchen_view(&venue.key, day)
            .map_err(|e| e.to_string())?;
        let csv = export::day_csv(&view);
        let dir = &kiosk.config().kiosk.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(format!("orders-{}-{day}.csv", venue.key));
        std::fs::write(&path, csv).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    }
}

/// The initial a name is listed under: its first letter, upper case ("Á" stays "Á").
pub fn initial(name: &str) -> String {
    name.trim()
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

fn clamp(n: u32) -> i32 {
    n.min(i32::MAX as u32) as i32
}

#[cfg(test)]
mod tests {
    use super::initial;

    #[test]
    fn initials() {
        assert_eq!(initial("anna Berger"), "A");
        assert_eq!(initial("  Ölga"), "Ö");
        assert_eq!(initial("\"Bo\" Jr"), "B");
        assert_eq!(initial(""), "");
    }
}
