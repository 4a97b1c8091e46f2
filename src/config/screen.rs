//! The `[screen]` table: when the screen dims and goes black, and what turns it dark.

use super::model::{BacklightSetting, ScreenSettings};
use super::reader::Section;
use super::report::Problems;
use crate::domain::ServiceHours;
use std::path::PathBuf;
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(86_400);

/// `[screen]`, or the defaults without the table (blank after 10 min, 2 min outside
/// 07:00–18:00, dimmed for 30 s first, the backlight found by itself).
pub(crate) fn read(root: &mut Section, p: &mut Problems) -> ScreenSettings {
    let mut screen = ScreenSettings::default();
    let Some(mut s) = root.table(p, "screen") else {
        return screen;
    };
    if let Some(blank) = s.bool(p, "blank") {
        screen.blank = blank;
    }
    let b = &mut screen.blanking;
    if let Some(d) = s.duration(p, "blank_after", MINUTE..=DAY) {
        b.blank_after = d;
    }
    if let Some(d) = s.duration(p, "blank_after_outside_service", MINUTE..=DAY) {
        b.blank_after_outside_service = d;
    }
    if let Some(d) = s.duration(p, "dim_for", Duration::ZERO..=10 * MINUTE) {
        b.dim_for = d;
    }
    let shortest = b.blank_after.min(b.blank_after_outside_service);
    if b.dim_for >= shortest {
        let msg = "must be shorter than blank_after and blank_after_outside_service \
                   (the screen dims this long before it goes black)";
        p.at(s.key_span("dim_for"), &s.key("dim_for"), msg);
    }
    if let Some(text) = s.string(p, "service_hours") {
        match ServiceHours::parse(text.get_ref()) {
            Some(hours) => b.service_hours = hours,
            None => {
                let msg = format!(
                    "must be opening hours like \"07:00-18:00\" (venue time, 24 h), not \"{}\"",
                    text.get_ref()
                );
                p.at(Some(text.span()), &s.key("service_hours"), msg);
            }
        }
    }
    if let Some(text) = s.string(p, "backlight") {
        match backlight(text.get_ref()) {
            Ok(setting) => screen.backlight = setting,
            Err(msg) => p.at(Some(text.span()), &s.key("backlight"), msg),
        }
    }
    s.misplaced_top_level(p);
    s.finish(p);
    screen
}

fn backlight(text: &str) -> Result<BacklightSetting, String> {
    match text {
        "auto" => Ok(BacklightSetting::Auto),
        "none" => Ok(BacklightSetting::Drawn),
        path if path.starts_with('/') => Ok(BacklightSetting::Path(PathBuf::from(path))),
        other => Err(format!(
            "must be \"auto\", \"none\" or a backlight directory like \
             \"/sys/class/backlight/10-0045\", not \"{other}\""
        )),
    }
}
