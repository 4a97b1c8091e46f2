//! Per-badge preferences: the venue an employee picked and the reading aids they switched on,
//! remembered for their next badge-in.

use super::{Result, Store, to_secs};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

/// What the kiosk remembers for a badge. The default is what a badge never seen gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgePrefs {
    /// The venue (config key) picked last; `None`: the kiosk's first.
    pub venue: Option<String>,
    pub large_text: bool,
    pub high_contrast: bool,
}

impl Store {
    /// The preferences saved for a badge, if any.
    pub fn badge_prefs(&self, badge: &str) -> Result<Option<BadgePrefs>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT venue, large_text, high_contrast FROM badge_prefs WHERE badge = ?1",
            )?
            .query_row([badge], |r| {
                Ok(BadgePrefs {
                    venue: r.get(0)?,
                    large_text: r.get(1)?,
                    high_contrast: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Saves a badge's preferences, replacing what was saved.
    pub fn save_badge_prefs(&self, badge: &str, prefs: &BadgePrefs, at: Timestamp) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO badge_prefs (badge, venue, large_text, high_contrast, updated)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                badge,
                prefs.venue,
                prefs.large_text,
                prefs.high_contrast,
                to_secs(at)
            ])?;
        Ok(())
    }
}
