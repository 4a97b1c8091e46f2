//! Menus: refreshed from each venue's vendor or file when due (stale-while-revalidate), and
//! menu files imported as soon as a config is loaded ([`import_menu_files`]).

use super::plan;
use super::{Engine, StepReport};
use crate::config::{Config, MenuSource, Venue, menu_file};
use crate::domain::MenuDay;
use crate::store::{Store, StoreError};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use std::path::Path;

/// Imports the menu files of a config's venues into the store, when it is opened for that
/// config (CLI commands, the window, `serve`): so the first order on a fresh store finds its
/// dish without waiting for a sync pass. A file already imported is read again only when
/// it changed since, or when a coming day is missing from the cache. A file that cannot be
/// read is logged; the cache stays as it is.
pub fn import_menu_files(
    store: &mut Store,
    config: &Config,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let mut imported = 0;
    let days = config.kiosk.days_ahead.max(1);
    for venue in &config.venues {
        let MenuSource::File(path) = &venue.menu else {
            continue;
        };
        let today = venue.rules.local_date(now);
        if cached_and_current(store, venue, path, today, days)? {
            continue;
        }
        match menu_file_days(venue, path, today, days) {
            Ok((menu, source)) => {
                store.put_menu_days(&menu, now, &source)?;
                imported += 1;
            }
            Err(e) => log::warn!("menu of {} not imported: {e}", venue.key),
        }
    }
    Ok(imported)
}

/// Whether every coming day of the venue is cached and the file is not newer than the
/// oldest of them.
fn cached_and_current(
    store: &Store,
    venue: &Venue,
    path: &Path,
    today: Date,
    days: u32,
) -> Result<bool, StoreError> {
    let last = today.saturating_add(i64::from(days - 1).days());
    if store.menu_days(&venue.key, today, last)?.len() < days as usize {
        return Ok(false);
    }
    let Some(fetched) = store.menu_fetched_at(&venue.key, today)? else {
        return Ok(false);
    };
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| Timestamp::try_from(t).ok());
    Ok(modified.is_some_and(|m| m <= fetched))
}

/// A venue's menu of `days` days from its menu file, and the source it is cached with. A dish
/// the kiosk cannot read is left out (logged); the rest of the day stays.
fn menu_file_days(
    venue: &Venue,
    path: &Path,
    today: Date,
    days: u32,
) -> Result<(Vec<MenuDay>, String), String> {
    let file = menu_file::load_readable(path, &venue.key).map_err(|e| e.to_string())?;
    Ok((file.days(today, days), format!("file {}", path.display())))
}

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
                .insert(&venue.key, now.checked_add(every).unwrap_or(now));
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
                    self.next_menu_refresh.insert(&venue.key, soon);
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
            MenuSource::File(path) => menu_file_days(venue, path, today, days),
            MenuSource::Vendor => {
                let vendor = self
                    .vendors
                    .get_mut(&venue.key)
                    .ok_or("no vendor connection")?;
                let kind = vendor.kind();
                let result = self
                    .metrics
                    .time_vendor_call(&venue.key, || vendor.fetch_menu(today, days));
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
