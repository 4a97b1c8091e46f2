//! The screenshots of what a person chooses for their session: easier reading (the sheet, then
//! the menu in large text and high contrast: every text a quarter larger, the tightest the
//! layout gets) and, on a kiosk with two venues, each venue's today on the idle screen and the
//! venue sheet.

use super::super::generated::{Screen, Sheet};
use super::{Scenario, shot_now};
use crate::domain::{Article, MenuDay, OrderEvent};
use crate::sync::Change;
use crate::vendors::demo::{BISTRO_VENUE, demo_menu_day};
use jiff::ToSpan;
use jiff::civil::date;
use std::path::{Path, PathBuf};

impl Scenario {
    pub(super) fn reading(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.on_own_kiosk(
            "reading",
            |_| {},
            |s| {
                s.ui.badge("1001");
                s.api().set_sheet(Sheet::Reading);
                s.shoot("reading", dir, out)?;
                s.api().invoke_set_reading(true, true);
                s.api().invoke_close_sheet();
                s.shoot("menu-large-contrast", dir, out)
            },
        )
    }

    pub(super) fn venues(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let mut added = Ok(());
        self.on_own_kiosk(
            "venues",
            |config| match crate::config::demo(PathBuf::new()).venues.get(1) {
                Some(bistro) => config.venues.push(bistro.clone()),
                None => added = Err("the demo config has no second venue".to_string()),
            },
            |s| {
                let today = date(2026, 11, 19);
                let days: Vec<_> = (0..7)
                    .map(|i| {
                        let day = today.checked_add(i.days()).expect("date in range");
                        demo_menu_day(BISTRO_VENUE, day)
                    })
                    .collect();
                s.put_menus(&days)?;
                s.shoot("idle-venues", dir, out)?;
                s.ui.badge("1001");
                s.api().set_sheet(Sheet::Venue);
                s.shoot("venue-sheet", dir, out)
            },
        )?;
        added
    }

    /// "My month": Anna's orders of the month, one the kitchen cancelled (not charged).
    pub(super) fn history(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.on_own_kiosk(
            "history",
            |_| {},
            |s| {
                let today = date(2026, 11, 19);
                for (days, row) in [(0, 0), (1, 1), (4, 2), (5, 0)] {
                    let day = today.checked_add(days.days()).expect("date in range");
                    s.insert_order("1001", day, row)?;
                }
                let day = today.checked_add(6.days()).expect("date in range");
                let dropped = s.insert_order("1001", day, 3)?;
                s.worker_moves(
                    &dropped,
                    &[
                        OrderEvent::SendStarted,
                        OrderEvent::Accepted,
                        OrderEvent::KitchenCancelled,
                    ],
                    Some("Sold out"),
                )?;
                s.ui.badge("1001");
                s.api().invoke_show(Screen::History);
                s.shoot("my-month", dir, out)
            },
        )
    }

    /// "Tell me" on a sold-out dish, the watch taken, and the next badge-in once it is back.
    pub(super) fn watched(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.on_own_kiosk(
            "watched",
            |_| {},
            |s| {
                let put = |s: &mut Scenario, portions: Option<u32>| {
                    s.put_first_dish_today(|a| {
                        a.sold_out = portions.is_none();
                        a.portions_left = Some(portions.unwrap_or(0));
                    })
                };
                let id = put(s, None)?;
                s.ui.badge("1001");
                s.api().invoke_dish_tapped(id.into());
                s.shoot("sold-out-tell-me", dir, out)?;
                s.api().invoke_watch_dish();
                s.shoot("watching", dir, out)?;
                s.api().invoke_close_sheet();
                s.api().invoke_logout();
                put(s, Some(4))?;
                // Another badge between: the same one again at once is the reader repeating.
                s.ui.badge("1002");
                s.api().invoke_logout();
                s.ui.badge("1001");
                s.shoot("freed-dish", dir, out)
            },
        )
    }

    /// The order sheet of a Bessa menu, its courses listed in the kiosk's language with each
    /// course's allergen letters (a description of the shape kantine-overview's data has).
    pub(super) fn courses(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.on_own_kiosk(
            "courses",
            |_| {},
            |s| {
                let id = s.put_first_dish_today(|a| {
                    a.name = "M1 Menü".into();
                    a.description = BESSA_MENU.into();
                    a.allergens = "ACGLM".into();
                })?;
                s.ui.badge("1001");
                s.api().invoke_dish_tapped(id.into());
                s.shoot("courses", dir, out)
            },
        )
    }

    /// Menus as the sync worker saves them: stored, then the screen told.
    fn put_menus(&mut self, days: &[MenuDay]) -> Result<(), String> {
        self.worker
            .put_menu_days(days, shot_now(), "demo")
            .map_err(|e| e.to_string())?;
        self.listeners.notify(Change::Menus);
        self.ui.pump();
        Ok(())
    }

    /// Today's demo menu with its first dish changed by `change`, saved; the dish's id.
    fn put_first_dish_today(
        &mut self,
        change: impl FnOnce(&mut Article),
    ) -> Result<String, String> {
        let mut day = demo_menu_day("demo", date(2026, 11, 19));
        let a = day.articles.first_mut().ok_or("no dish")?;
        change(a);
        let id = a.vendor_id.clone();
        self.put_menus(&[day])?;
        Ok(id)
    }
}

/// Two bilingual courses and a dessert in German only, as a Bessa canteen writes them.
const BESSA_MENU: &str = "Gemüsebouillon mit Backerbsen / Vegetable broth with baked peas(ACLM) \
                          Faschierter Braten mit Püree / Minced meat roast with mashed \
                          potatoes(ACGLM) Marillenknödel(ACG)";
