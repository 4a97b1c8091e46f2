//! The `[kiosk]` and `[http]` tables.

use super::checks;
use super::model::{
    BadgeInput, DisplaySettings, HttpSettings, KeyboardLayout, KioskSettings, Language, Mode,
    Pointer,
};
use super::reader::Section;
use super::report::Problems;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const DEFAULT_DATA_DIR: &str = "/var/lib/canteen-kiosk";

const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// `[kiosk]`. Invalid values are reported and replaced by defaults; the caller refuses the
/// config when anything was reported.
pub(crate) fn read_kiosk(root: &mut Section, p: &mut Problems, base: &Path) -> KioskSettings {
    let mut s = match root.has("kiosk") {
        true => root.table(p, "kiosk"),
        false => {
            root.mark("kiosk");
            let msg =
                "table is missing; start the file with [kiosk] and `id = \"…\"`, `name = \"…\"`";
            p.at(None, "kiosk", msg);
            None
        }
    };
    let mut settings = KioskSettings {
        id: String::new(),
        name: String::new(),
        language: Language::De,
        data_dir: PathBuf::from(DEFAULT_DATA_DIR),
        idle_logout: secs(60),
        mode: Mode::Employee,
        days_ahead: super::model::DEFAULT_DAYS_AHEAD,
        menu_refresh: super::model::DEFAULT_MENU_REFRESH,
        display: DisplaySettings::default(),
        retention_days: super::model::DEFAULT_RETENTION_DAYS,
        badge_input: None,
    };
    if let Some(s) = s.as_mut() {
        fill_kiosk(s, p, base, &mut settings);
    }
    if let Some(s) = s {
        s.finish(p);
    }
    settings
}

fn fill_kiosk(s: &mut Section, p: &mut Problems, base: &Path, k: &mut KioskSettings) {
    if let Some(id) = s.req_string(p, "id", "\"hall-b-1\"") {
        match checks::ident(id.get_ref()) {
            Ok(id) => k.id = id,
            Err(msg) => p.at(Some(id.span()), &s.key("id"), msg),
        }
    }
    if let Some(name) = s.req_string(p, "name", "\"Canteen Hall B\"") {
        k.name = name.into_inner();
    }
    if let Some(lang) = s.choice(p, "language", &["de", "en", "pt-BR"]) {
        k.language = Language::from_code(lang.get_ref());
    }
    if let Some(dir) = s.req_string_opt(p, "data_dir") {
        k.data_dir = base.join(dir.get_ref());
    }
    if let Some(d) = s.duration(p, "idle_logout", secs(5)..=secs(3600)) {
        k.idle_logout = d;
    }
    if let Some(mode) = s.choice(p, "mode", &["employee", "kitchen"]) {
        k.mode = if mode.get_ref() == "kitchen" {
            Mode::Kitchen
        } else {
            Mode::Employee
        };
    }
    if let Some(n) = s.int(p, "days_ahead", 1..=14) {
        k.days_ahead = n as u32;
    }
    if let Some(d) = s.duration(p, "menu_refresh", secs(60)..=secs(86_400)) {
        k.menu_refresh = d;
    }
    fill_display(s, p, &mut k.display);
    // A week at least: the kitchen and `orders` look back that far; ten years at most.
    if let Some(n) = s.int(p, "retention_days", 7..=3650) {
        k.retention_days = n as u32;
    }
    k.badge_input = read_badge_input(s, p, base);
    s.misplaced_top_level(p);
}

fn fill_display(s: &mut Section, p: &mut Problems, d: &mut DisplaySettings) {
    if let Some(full) = s.bool(p, "fullscreen") {
        d.fullscreen = full;
    }
    if let Some(pointer) = s.choice(p, "pointer", &["hidden", "shown"]) {
        d.pointer = Some(match pointer.get_ref().as_str() {
            "hidden" => Pointer::Hidden,
            _ => Pointer::Shown,
        });
    }
}

/// `badge_reader` and `badge_reader_layout`. Whether the device is there is not checked: a
/// reader may be unplugged when the config is read (the kiosk looks for it until it is
/// back; `check-config` says so).
fn read_badge_input(s: &mut Section, p: &mut Problems, base: &Path) -> Option<BadgeInput> {
    let path = s.req_string_opt(p, "badge_reader");
    let layout = match s.choice(p, "badge_reader_layout", &["us", "de"]) {
        Some(code) if code.get_ref() == "de" => KeyboardLayout::De,
        _ => KeyboardLayout::Us,
    };
    Some(BadgeInput {
        path: base.join(path?.get_ref()),
        layout,
    })
}

/// `[http]`: timeouts for every vendor call.
pub(crate) fn read_http(root: &mut Section, p: &mut Problems) -> HttpSettings {
    let mut http = HttpSettings::default();
    let Some(mut s) = root.table(p, "http") else {
        return http;
    };
    if let Some(d) = s.duration(p, "connect_timeout", secs(1)..=secs(120)) {
        http.connect_timeout = d;
    }
    if let Some(d) = s.duration(p, "read_timeout", secs(1)..=secs(300)) {
        http.read_timeout = d;
    }
    s.misplaced_top_level(p);
    s.finish(p);
    http
}
