//! Per-badge preferences: the venue an employee picked and the reading aids they switched on,
//! remembered for their next badge-in; and the notices said once per badge.

use super::week::monday_of;
use super::{Kiosk, Result};
use crate::config::Badge;
use crate::store::BadgePrefs;
use jiff::civil::Date;

/// The notice "next week has nothing ordered yet", as the store names it.
const NEXT_WEEK_NOTICE: &str = "next-week";

impl Kiosk {
    /// The badge's preferences; a badge never seen gets the defaults, and a remembered venue
    /// that is no longer in the config is forgotten (the kiosk's first venue applies).
    pub fn prefs(&self, badge: &Badge) -> Result<BadgePrefs> {
        self.known_badge(badge)?;
        let mut prefs = self.store().badge_prefs(&badge.number)?.unwrap_or_default();
        if prefs
            .venue
            .as_deref()
            .is_some_and(|v| self.venue(v).is_err())
        {
            prefs.venue = None;
        }
        Ok(prefs)
    }

    /// Remembers the badge's preferences (a venue must be one of the config's).
    pub fn set_prefs(&self, badge: &Badge, prefs: &BadgePrefs) -> Result<()> {
        self.known_badge(badge)?;
        if let Some(venue) = &prefs.venue {
            self.venue(venue)?;
        }
        self.store()
            .save_badge_prefs(&badge.number, prefs, self.now())?;
        Ok(())
    }

    /// Whether to remind `badge` that the week of `day` has nothing ordered yet: yes the first
    /// time for that week, which is remembered as said; no at every later badge-in.
    pub fn remind_of_week_once(&self, badge: &Badge, day: Date) -> Result<bool> {
        self.known_badge(badge)?;
        let monday = monday_of(day).to_string();
        let store = self.store();
        if store.told(&badge.number, NEXT_WEEK_NOTICE)?.as_deref() == Some(monday.as_str()) {
            return Ok(false);
        }
        store.save_told(&badge.number, NEXT_WEEK_NOTICE, &monday, self.now())?;
        Ok(true)
    }
}
