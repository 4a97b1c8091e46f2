//! The kitchen display: one venue's day from [`Kiosk::kitchen_view`], the pickup list
//! filtered by initial, and which orders changed since the previous look (from the order
//! history: [`Store::last_event_id`] / [`Store::orders_changed_since`]). It fills the
//! `KitchenApi` global (ui/screens/kitchen.slint) and handles its callbacks.
//!
//! The footer names the canteen's other kiosks whose orders are in the list (`[peers] from`)
//! and when each was last heard from; a peer goes stale by time alone, so the footer is
//! re-checked every second (one small store read, only where peers are configured).
//!
//! Names are filtered with letter buttons, not a text field: the kiosk's keys all belong to
//! the badge reader, and a kitchen touchscreen has no keyboard anyway.
//!
//! [`Store::last_event_id`]: crate::store::Store::last_event_id
//! [`Store::orders_changed_since`]: crate::store::Store::orders_changed_since

use super::context::{Ctx, callback, callback0};
use super::generated::{
    AppWindow, DishCountRow, KitchenApi, KitchenSource as UiSource, PeerLine, PickupRow, Screen,
    Sheet,
};
use super::models::{self, count, set_rows};
use crate::config::Venue;
use crate::kiosk::{Kiosk, KitchenSource, KitchenView, Parked, export};
use crate::peers::PeerHeard;
use jiff::ToSpan;
use jiff::civil::Date;
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::PathBuf;
use std::rc::Rc;

/// How far the kitchen may page from today (days, either way).
pub const MAX_OFFSET: i32 = 14;

/// The kitchen display's controller.
pub(super) struct Kitchen {
    ctx: Rc<Ctx>,
    day: RefCell<KitchenDay>,
}

/// What the kitchen display shows and the models it shows it in.
struct KitchenDay {
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
    peers: Rc<VecModel<PeerLine>>,
}

impl Kitchen {
    /// Hands `KitchenApi` its models and takes its callbacks; each counts as activity.
    pub fn setup(window: &AppWindow, ctx: &Rc<Ctx>) -> Rc<Kitchen> {
        let kitchen = Rc::new(Kitchen {
            ctx: ctx.clone(),
            day: RefCell::new(KitchenDay::new()),
        });
        let api = window.global::<KitchenApi>();
        kitchen.day.borrow().attach(&api);
        api.set_permanent(ctx.kitchen_mode);
        api.on_step_day(callback(&kitchen, |k, delta: i32| {
            k.ctx.activity();
            k.step_day(delta);
        }));
        api.on_letter_tapped(callback(&kitchen, |k, letter: SharedString| {
            k.ctx.activity();
            k.day.borrow_mut().set_letter(&letter);
            k.refresh(false);
        }));
        api.on_export_csv(callback0(&kitchen, |k| {
            k.ctx.activity();
            k.export();
        }));
        kitchen
    }

    fn with_api(&self, f: impl FnOnce(&KitchenApi<'_>)) {
        self.ctx.with_window(|w| f(&w.global::<KitchenApi>()));
    }

    /// Shows the kitchen display from today, with nothing highlighted yet.
    pub fn open(&self) {
        self.day.borrow_mut().reset();
        self.refresh(true);
        self.with_api(|api| {
            api.set_export_path(SharedString::new());
            api.set_export_failed(false);
        });
        self.ctx.with_api(|api| {
            api.set_sheet(Sheet::None);
            api.set_screen(Screen::Kitchen);
        });
    }

    /// Re-reads the shown day; `look`: mark what changed since the previous look.
    pub fn refresh(&self, look: bool) {
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let mut day = self.day.borrow_mut();
        day.read(&kiosk, &venue, look);
        self.with_api(|api| day.show(api, &kiosk, &venue));
    }

    /// One second passed: a peer that stopped answering turns stale in the footer.
    pub fn tick(&self) {
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let kiosk = self.ctx.kiosk.borrow();
        let heard = match kiosk.peers_heard() {
            Ok(heard) => heard,
            Err(e) => {
                log::error!("reading the peers' status: {e}");
                return;
            }
        };
        let mut day = self.day.borrow_mut();
        if day.view.peers != heard {
            day.view.peers = heard;
            day.show_peers(&kiosk, &venue);
        }
    }

    fn step_day(&self, delta: i32) {
        self.day.borrow_mut().step_day(delta);
        self.refresh(false);
        self.with_api(|api| {
            api.set_export_path(SharedString::new());
            api.set_export_failed(false);
        });
    }

    fn export(&self) {
        let Some(venue) = self.ctx.venue() else {
            return;
        };
        let result = self.day.borrow().export(&self.ctx.kiosk.borrow(), &venue);
        let (path, failed) = match result {
            Ok(path) => {
                log::info!("kitchen list exported to {}", path.display());
                (path.display().to_string().into(), false)
            }
            Err(e) => {
                log::error!("exporting the kitchen list: {e}");
                (SharedString::new(), true)
            }
        };
        self.with_api(|api| {
            api.set_export_path(path);
            api.set_export_failed(failed);
        });
    }
}

impl KitchenDay {
    fn new() -> KitchenDay {
        KitchenDay {
            offset: 0,
            letter: String::new(),
            seen_event: None,
            changed: HashSet::new(),
            view: KitchenView::default(),
            counts: Rc::new(VecModel::default()),
            pickups: Rc::new(VecModel::default()),
            letters: Rc::new(VecModel::default()),
            peers: Rc::new(VecModel::default()),
        }
    }

    /// Hands the models to the window (once).
    fn attach(&self, api: &KitchenApi<'_>) {
        api.set_counts(ModelRc::from(self.counts.clone()));
        api.set_pickups(ModelRc::from(self.pickups.clone()));
        api.set_letters(ModelRc::from(self.letters.clone()));
        api.set_peers(ModelRc::from(self.peers.clone()));
    }

    /// Back to today, everybody, nothing highlighted (a new kitchen session).
    fn reset(&mut self) {
        self.offset = 0;
        self.letter.clear();
        self.seen_event = None;
        self.changed.clear();
    }

    /// Another day: `delta` -1 / +1, or 0 for today.
    fn step_day(&mut self, delta: i32) {
        self.offset = if delta == 0 {
            0
        } else {
            (self.offset + delta.signum()).clamp(-MAX_OFFSET, MAX_OFFSET)
        };
        self.letter.clear();
    }

    fn set_letter(&mut self, letter: &str) {
        self.letter = letter.to_string();
    }

    fn day(&self, kiosk: &Kiosk, venue: &Venue) -> Date {
        let today = kiosk.today(venue);
        today
            .checked_add(i64::from(self.offset).days())
            .unwrap_or(today)
    }

    /// Re-reads the day. With `look` the orders changed since the previous look are worked
    /// out (and this becomes the previous look); without it the highlights stay as they are
    /// (another day, another letter).
    fn read(&mut self, kiosk: &Kiosk, venue: &Venue, look: bool) {
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
    fn show(&self, api: &KitchenApi<'_>, kiosk: &Kiosk, venue: &Venue) {
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
                status: models::shown_status(p.state, p.parked.as_ref()),
                reason: Parked::reason(p.parked.as_ref(), p.reason.as_deref())
                    .unwrap_or_default()
                    .into(),
                changed: self.changed.contains(&p.order_id),
                placed_at: p.placed_at.as_deref().unwrap_or_default().into(),
            })
            .collect();
        let counts: Vec<DishCountRow> = self
            .view
            .counts
            .iter()
            .map(|c| DishCountRow {
                dish: c.dish.as_str().into(),
                confirmed: count(c.confirmed),
                pending: count(c.pending),
            })
            .collect();
        let confirmed: u32 = self.view.counts.iter().map(|c| c.confirmed).sum();
        let pending: u32 = self.view.counts.iter().map(|c| c.pending).sum();
        set_rows(&self.pickups, rows);
        set_rows(&self.counts, counts);
        set_rows(
            &self.letters,
            unique.into_iter().map(SharedString::from).collect(),
        );
        api.set_letter(letter.into());
        api.set_all_lines(self.view.pickups.len().min(i32::MAX as usize) as i32);
        api.set_confirmed(count(confirmed));
        api.set_pending(count(pending));
        api.set_offset(self.offset);
        api.set_date(models::date_parts(self.day(kiosk, venue)));
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
        api.set_source(source);
        api.set_list_time(time.into());
        self.show_peers(kiosk, venue);
    }

    /// The footer's line per peer kiosk.
    fn show_peers(&self, kiosk: &Kiosk, venue: &Venue) {
        let today = kiosk.today(venue);
        let lines = self
            .view
            .peers
            .iter()
            .map(|p| peer_line(p, today, venue))
            .collect();
        set_rows(&self.peers, lines);
    }

    /// Writes the shown day's orders as `orders-<venue>-<date>.csv` into the data dir.
    fn export(&self, kiosk: &Kiosk, venue: &Venue) -> Result<PathBuf, String> {
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

/// A peer as the footer shows it: times in the venue's zone, with the day when it was last
/// heard from before today (a restart since).
fn peer_line(p: &PeerHeard, today: Date, venue: &Venue) -> PeerLine {
    let heard = p.heard_at.map(|at| venue.rules.zoned(at));
    PeerLine {
        name: p.name.as_str().into(),
        heard_at: p
            .heard_at
            .map(|at| models::hhmm(at, &venue.rules))
            .unwrap_or_default()
            .into(),
        heard_date: heard
            .as_ref()
            .map(|z| models::date_parts(z.date()))
            .unwrap_or_default(),
        heard_earlier: heard.is_some_and(|z| z.date() < today),
        stale: p.stale,
        error: p
            .error
            .as_deref()
            .map(short_error)
            .unwrap_or_default()
            .into(),
    }
}

/// The longest error the footer shows; the log has the whole of it.
const SHORT_ERROR_CHARS: usize = 80;

/// An error in short for a footer line: its first line, at most [`SHORT_ERROR_CHARS`].
fn short_error(error: &str) -> String {
    let line = error.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(SHORT_ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", line[..cut].trim_end()),
        None => line.to_string(),
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

#[cfg(test)]
mod tests {
    use super::{initial, short_error};

    #[test]
    fn initials() {
        assert_eq!(initial("anna Berger"), "A");
        assert_eq!(initial("  Ölga"), "Ö");
        assert_eq!(initial("\"Bo\" Jr"), "B");
        assert_eq!(initial(""), "");
    }

    #[test]
    fn errors_in_short() {
        assert_eq!(
            short_error("connection refused\nmore"),
            "connection refused"
        );
        let long = "é".repeat(100);
        let short = short_error(&long);
        assert_eq!(short.chars().count(), 81);
        assert!(short.ends_with('…'));
    }
}
