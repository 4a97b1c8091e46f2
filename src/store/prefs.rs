//! Per-badge preferences: the venue an employee picked and the reading aids they switched on,
//! remembered for their next badge-in; and what the kiosk told them once, not to repeat it.

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

    /// What the kiosk last told `badge` with `notice` (see [`Store::save_told`]), if ever.
    pub fn told(&self, badge: &str, notice: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT about FROM badge_told WHERE badge = ?1 AND notice = ?2")?
            .query_row([badge, notice], |r| r.get(0))
            .optional()?)
    }

    /// Remembers that `badge` was told `notice` about `about`, replacing what it was told
    /// before with that notice.
    pub fn save_told(&self, badge: &str, notice: &str, about: &str, at: Timestamp) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT OR REPLACE INTO badge_told (badge, notice, about, at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![badge, notice, about, to_secs(at)])?;
        Ok(())
    }
}
