//! The human summary `check-config` prints. It names credentials but never shows them.

use super::model::{
    BacklightSetting, Config, MenuSource, Role, ScreenSettings, Secret, VendorSettings, Venue,
};
use super::reader::fmt_duration;
use jiff::SignedDuration;
use std::fmt::Write;
use std::time::Duration;

/// "blanks after 10m (2m outside 07:00-18:00), dimmed 30s before; backlight: auto".
fn screen_line(screen: &ScreenSettings) -> String {
    if !screen.blank {
        return "never blanks".to_string();
    }
    let b = &screen.blanking;
    let light = match &screen.backlight {
        BacklightSetting::Auto => "the first in /sys/class/backlight, else drawn black".to_string(),
        BacklightSetting::Drawn => "none (drawn black)".to_string(),
        BacklightSetting::Path(dir) => dir.display().to_string(),
    };
    format!(
        "blanks after {} ({} outside {}), dimmed {} before; backlight: {light}",
        fmt_duration(b.blank_after),
        fmt_duration(b.blank_after_outside_service),
        b.service_hours,
        fmt_duration(b.dim_for)
    )
}

pub fn summary(config: &Config) -> String {
    let mut out = String::new();
    let source = match &config.path {
        Some(p) => p.display().to_string(),
        None => "built-in demo".to_string(),
    };
    let k = &config.kiosk;
    let _ = writeln!(out, "Config: {source}");
    let _ = writeln!(
        out,
        "Kiosk \"{}\" ({}): mode {}, language {}",
        k.id,
        k.name,
        if k.mode == super::Mode::Kitchen {
            "kitchen"
        } else {
            "employee"
        },
        k.language.code()
    );
    let _ = writeln!(out, "  data dir: {}", k.data_dir.display());
    let _ = writeln!(
        out,
        "  idle logout after {}; menus for {} days, refreshed every {}",
        fmt_duration(k.idle_logout),
        k.days_ahead,
        fmt_duration(k.menu_refresh)
    );
    let _ = writeln!(
        out,
        "  window: {}, pointer {}",
        if k.display.fullscreen {
            "full screen"
        } else {
            "windowed"
        },
        if k.display.pointer_hidden(k.display.fullscreen) {
            "hidden"
        } else {
            "shown"
        }
    );
    let _ = writeln!(out, "  badge reader: {}", badge_reader_line(k));
    let _ = writeln!(out, "  screen: {}", screen_line(&config.screen));
    let _ = writeln!(
        out,
        "  http: connect timeout {}, read timeout {}",
        fmt_duration(config.http.connect_timeout),
        fmt_duration(config.http.read_timeout)
    );
    for venue in &config.venues {
        venue_lines(&mut out, venue);
    }
    let _ = writeln!(out, "{}", badge_line(config));
    if let Some(peers) = &config.peers {
        peer_lines(&mut out, peers);
    }
    if let Some(path) = &config.secrets.path {
        let n = config.secrets.values.len();
        let _ = writeln!(out, "Secrets: {} ({n} keys)", path.display());
    }
    out
}

fn badge_reader_line(k: &super::model::KioskSettings) -> String {
    match &k.badge_input {
        Some(input) => format!(
            "{} (layout {}), read directly (a device is grabbed); window keys are no badge",
            input.path.display(),
            input.layout.code()
        ),
        None => "the window's keys".to_string(),
    }
}

fn peer_lines(out: &mut String, peers: &super::model::PeerSettings) {
    let serves = match &peers.listen {
        Some(listen) => format!("serves its orders on {listen}"),
        None => "serves no orders".to_string(),
    };
    let reads = match peers.from.is_empty() {
        true => "reads no other kiosk".to_string(),
        false => format!("reads {}", peers.from.join(", ")),
    };
    let _ = writeln!(out, "Peers: {serves}; {reads} (token {})", peers.token);
}

fn venue_lines(out: &mut String, v: &Venue) {
    let r = &v.rules;
    let _ = writeln!(
        out,
        "Venue \"{}\" ({}): {}",
        v.key,
        v.name,
        vendor_line(&v.vendor)
    );
    let zone = r.time_zone.iana_name().unwrap_or("?");
    let cancel = if r.allow_cancel {
        format!("cancel until {} before", secs(r.cancellation_cutoff))
    } else {
        "no cancelling".to_string()
    };
    let _ = writeln!(
        out,
        "  time zone {zone}, serving {}, order until {} before, {cancel}",
        r.serving_time.strftime("%H:%M"),
        secs(r.preorder_delta),
    );
    let menu = match &v.menu {
        MenuSource::Vendor => "from the vendor".to_string(),
        MenuSource::File(p) => format!("from the file {}", p.display()),
    };
    let _ = writeln!(out, "  currency {}, menu {menu}", v.currency);
    let creds = credentials(&v.vendor);
    if !creds.is_empty() {
        let _ = writeln!(out, "  credentials: {}", creds.join(", "));
    }
}

fn vendor_line(vendor: &VendorSettings) -> String {
    match vendor {
        VendorSettings::Demo => "demo (simulated, offline)".to_string(),
        VendorSettings::Bessa(b) => format!("bessa {} venue {}", b.base_url, b.venue_id),
        VendorSettings::OrderMesa(m) => {
            format!("order_mesa {} merchant \"{}\"", m.base_url, m.merchant_name)
        }
        VendorSettings::Liefersoft(l) => format!(
            "liefersoft {} restaurant {}{}",
            l.base_url,
            l.restaurant_id,
            if l.webhook.is_some() {
                ", webhook on"
            } else {
                ""
            }
        ),
    }
}

/// "token set", never the token.
fn credentials(vendor: &VendorSettings) -> Vec<String> {
    let named = |name: &str, s: Option<&Secret>| {
        format!("{name} {}", if s.is_some() { "set" } else { "not set" })
    };
    match vendor {
        VendorSettings::Demo => Vec::new(),
        VendorSettings::Bessa(b) => vec![
            named("token", b.token.as_ref()),
            named("guest_token", b.guest_token.as_ref()),
        ],
        VendorSettings::OrderMesa(m) => vec![named(&m.auth_header, Some(&m.credential))],
        VendorSettings::Liefersoft(l) => {
            let mut v = vec![named("password", Some(&l.password))];
            if let Some(w) = &l.webhook {
                v.push(named("webhook secret", Some(&w.secret)));
            }
            v
        }
    }
}

fn secs(d: SignedDuration) -> String {
    fmt_duration(Duration::from_secs(d.as_secs().max(0) as u64))
}

fn badge_line(config: &Config) -> String {
    let count = |role: Role| config.badges.iter().filter(|b| b.role == role).count();
    format!(
        "Badges: {} ({} employee, {} kitchen, {} admin)",
        config.badges.len(),
        count(Role::Employee),
        count(Role::Kitchen),
        count(Role::Admin)
    )
}
