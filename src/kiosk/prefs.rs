//! Per-badge preferences: the venue an employee picked and the reading aids they switched on,
//! remembered for their next badge-in.

use super::{Kiosk, Result};
use crate::config::Badge;
use crate::store::BadgePrefs;

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
}
