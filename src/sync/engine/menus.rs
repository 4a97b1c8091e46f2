//! Menus: refreshed from each venue's vendor or file when due (stale-while-revalidate).

use super::plan;
use super::{Engine, StepReport};
use crate::config::{MenuSource, Venue, menu_file};
use crate::domain::MenuDay;
use crate::store::StoreError;
use jiff::ToSpan;
use jiff::civil::Date;

impl Engine {
    /// Refreshes menus that are due (stale-while-revalidate: the cache stays until the new
    /// menu is in).
    /// Old days are pruned relative to `prune` (`None`: not at all, the clock is doubted).
    pub(super) fn refresh_menus(
        &mut self,
        report: &mut StepReport,
        prune: Option<jiff::Timestamp>,
    ) -> Result<(), StoreError> {
        let now = self.clock.now();
        for venue in self.due_venues(&self.next_menu_refresh, now) {
            let every = plan::menu_interval(self.config.kiosk.menu_refresh);
            self.next_menu_refresh
                .insert(venue.key.clone(), now.checked_add(every).unwrap_or(now));
            let today = venue.rules.local_date(now);
            let days = self.config.kiosk.days_ahead.max(1);
            match self.fetch_menu(&venue, today, days) {
                Ok((menu, source)) => {
                    self.store.put_menu_days(&menu, now, &source)?;
                    if let Some(floor) = prune {
                        let before = venue.rules.local_date(floor);
                        self.store
                            .prune_menus(before.checked_sub(7.days()).unwrap_or(before))?;
                    }
                    report.menus_refreshed += 1;
                }
                Err(e) => {
                    log::warn!("menu of {} not refreshed: {e}", venue.key);
                    let soon = now.checked_add(plan::MENU_RETRY).unwrap_or(now);
                    self.next_menu_refresh.insert(venue.key.clone(), soon);
                }
            }
        }
        Ok(())
    }

    fn fetch_menu(
        &mut self,
        venue: &Venue,
        today: Date,
        days: u32,
    ) -> Result<(Vec<MenuDay>, String), String> {
        match &venue.menu {
            MenuSource::File(path) => {
                let file = menu_file::load(path, &venue.key).map_err(|e| e.to_string())?;
                Ok((file.days(today, days), format!("file {}", path.display())))
            }
            MenuSource::Vendor => {
                let vendor = self
                    .vendors
                    .get_mut(&venue.key)
                    .ok_or("no vendor connection")?;
                let kind = vendor.kind();
                let result = vendor.fetch_menu(today, days);
                match result {
                    Ok(m) => {
                        self.vendor_ok(&venue.key);
                        Ok((m, kind.to_string()))
                    }
                    Err(e) => {
                        self.vendor_failed(&venue.key, &e);
                        Err(e.to_string())
                    }
                }
            }
        }
    }
}
