//! `[venues.<key>]`: what every venue has (vendor, time zone, serving time, cutoffs, currency,
//! menu source), then the vendor's own settings (see `vendor_settings`).

use super::checks;
use super::menu_file;
use super::model::{MenuSource, VendorSettings, Venue};
use super::reader::{Section, TOP_LEVEL_FILE_KEYS, article, one_of};
use super::report::{Problem, Problems};
use super::secrets::SecretSource;
use super::vendor_settings as vs;
use crate::domain::CutoffRules;
use jiff::SignedDuration;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use std::path::Path;
use std::time::Duration;

pub(crate) const VENDORS: [&str; 4] = ["bessa", "order_mesa", "liefersoft", "demo"];

/// Cutoffs beyond a week make no sense for a canteen (and Liefersoft refuses pre-orders more
/// than 7 days ahead).
const MAX_CUTOFF: Duration = Duration::from_secs(7 * 86_400);

/// Everything a venue reader needs besides its own table.
pub(crate) struct Context<'c> {
    pub base: &'c Path,
    pub secrets: &'c SecretSource,
}

pub(crate) fn read_all(
    root: &mut Section,
    p: &mut Problems,
    cx: &Context,
    out: &mut Vec<Problem>,
) -> Vec<Venue> {
    if !root.has("venues") {
        root.mark("venues");
        let msg = "are missing: add at least one [venues.<key>] table, e.g. [venues.canteen] with vendor = \"bessa\"";
        p.at(None, "venues", msg);
        return Vec::new();
    }
    let Some(venues) = root.table(p, "venues") else {
        return Vec::new();
    };
    let mut out_venues = Vec::new();
    // The parsed table is sorted by key; the admin's order is the order of the screens.
    let mut entries: Vec<_> = venues.entries().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, value) in entries {
        let path = format!("venues.{}", key.get_ref());
        let Some(table) = value.get_ref().as_table() else {
            let found = article(value.get_ref().type_str());
            let hint = if TOP_LEVEL_FILE_KEYS.contains(&key.get_ref().as_ref()) {
                " (it belongs at the top of the file, before the first [table])"
            } else {
                ""
            };
            p.at(
                Some(key.span()),
                &path,
                format!("must be a [{path}] table, not {found}{hint}"),
            );
            continue;
        };
        if let Err(msg) = checks::ident(key.get_ref()) {
            p.at(Some(key.span()), &path, format!("has a bad key: {msg}"));
        }
        let mut s = Section::new(table, path, Some(key.span()));
        out_venues.push(read_venue(&mut s, p, cx, out));
        s.finish(p);
    }
    if out_venues.is_empty() && venues.entries().next().is_none() {
        let msg = "has no venue; add at least one, e.g. [venues.canteen] with vendor = \"bessa\"";
        p.at(venues.span(), "venues", msg);
    }
    out_venues
}

fn read_venue(s: &mut Section, p: &mut Problems, cx: &Context, out: &mut Vec<Problem>) -> Venue {
    let key = s.path().trim_start_matches("venues.").to_string();
    let vendor = vendor_kind(s, p);
    vs::wrong_vendor_keys(s, p, vendor);
    let name = s.text(p, "name", &key);
    let currency = vs::checked(s, p, "currency", "EUR", checks::currency);
    let rules = rules(s, p, vendor);
    let settings = match vendor {
        Some("bessa") => VendorSettings::Bessa(vs::bessa(s, p, cx.secrets)),
        Some("order_mesa") => VendorSettings::OrderMesa(vs::order_mesa(s, p, cx.secrets)),
        Some("liefersoft") => VendorSettings::Liefersoft(vs::liefersoft(s, p, cx.secrets)),
        _ => VendorSettings::Demo,
    };
    let menu = menu_source(s, p, cx, &key, vendor, out);
    s.misplaced_top_level(p);
    Venue {
        key,
        name,
        currency,
        rules,
        vendor: settings,
        menu,
    }
}

fn vendor_kind(s: &mut Section, p: &mut Problems) -> Option<&'static str> {
    if !s.has("vendor") {
        s.mark("vendor");
        s.missing(p, "vendor", &one_of(&VENDORS));
        return None;
    }
    let v = s.choice(p, "vendor", &VENDORS)?;
    VENDORS.iter().copied().find(|k| k == v.get_ref())
}

fn rules(s: &mut Section, p: &mut Problems, vendor: Option<&str>) -> CutoffRules {
    let time_zone = match s.req_string(p, "time_zone", "\"Europe/Vienna\"") {
        Some(z) => checks::time_zone(z.get_ref()).unwrap_or_else(|msg| {
            p.at(Some(z.span()), &s.key("time_zone"), msg);
            TimeZone::UTC
        }),
        None => TimeZone::UTC,
    };
    let serving_time = match s.req_string(p, "serving_time", "\"12:00\"") {
        Some(t) => checks::serving_time(t.get_ref()).unwrap_or_else(|msg| {
            p.at(Some(t.span()), &s.key("serving_time"), msg);
            Time::midnight()
        }),
        None => Time::midnight(),
    };
    let preorder_delta = required_duration(s, p, "preorder_delta", "\"1h\"");
    let cancellation_cutoff = required_duration(s, p, "cancellation_cutoff", "\"1h\"");
    // Order Mesa and Liefersoft have no cancel call for the customer.
    let cancel_default = matches!(vendor, Some("bessa" | "demo") | None);
    CutoffRules {
        time_zone,
        serving_time,
        preorder_delta,
        cancellation_cutoff,
        allow_cancel: s.bool(p, "allow_cancel").unwrap_or(cancel_default),
    }
}

fn required_duration(
    s: &mut Section,
    p: &mut Problems,
    key: &'static str,
    example: &str,
) -> SignedDuration {
    if !s.has(key) {
        s.mark(key);
        s.missing(p, key, example);
        return SignedDuration::ZERO;
    }
    let d = s
        .duration(p, key, Duration::ZERO..=MAX_CUTOFF)
        .unwrap_or_default();
    SignedDuration::try_from(d).unwrap_or(SignedDuration::ZERO)
}

fn menu_source(
    s: &mut Section,
    p: &mut Problems,
    cx: &Context,
    venue: &str,
    vendor: Option<&str>,
    out: &mut Vec<Problem>,
) -> MenuSource {
    if !matches!(vendor, Some("order_mesa" | "liefersoft")) {
        return MenuSource::Vendor;
    }
    let Some(name) = s.req_string(p, "menu_file", "\"menu.toml\"") else {
        return MenuSource::Vendor;
    };
    let path = cx.base.join(name.get_ref());
    if !path.is_file() {
        let msg = format!(
            "\"{}\" does not exist (looked for {}); a path is relative to the config file's directory",
            name.get_ref(),
            path.display()
        );
        p.at(Some(name.span()), &s.key("menu_file"), msg);
    } else if let Err(report) = menu_file::load(&path, venue) {
        out.extend(report.problems);
    }
    MenuSource::File(path)
}
