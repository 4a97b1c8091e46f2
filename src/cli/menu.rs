//! `menu [--venue V] [--json]`: the menu of the coming days with dish ids.

use super::error::{CliError, CliResult};
use super::setup::{pick_venue, with_kiosk};
use canteen_kiosk::config::{Config, MenuSource, Venue};
use canteen_kiosk::kiosk::{ClosedReason, DayStatus, DayView, Kiosk};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    venue: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    with_kiosk(config, |k| menu(k, args))
}

fn menu(k: &mut Kiosk, args: &Args) -> CliResult {
    let venue = pick_venue(k, args.venue.as_deref())?.clone();
    let days = k.menu_view(&venue.key).map_err(CliError::failed)?;
    let nothing_cached = days.iter().all(|d| d.fetched_at.is_none());
    if args.json {
        let v: Vec<_> = days.iter().map(day_json).collect();
        println!("{}", serde_json::Value::Array(v));
        if nothing_cached {
            eprintln!("{}", no_menu_yet(k.config(), &venue));
        }
    } else if nothing_cached {
        println!("{}", no_menu_yet(k.config(), &venue));
    } else {
        let tz = &venue.rules.time_zone;
        days.iter().for_each(|d| print_day(d, tz));
    }
    Ok(())
}

/// A store that has no menu of the coming days yet (a fresh data dir, a vendor not reached
/// yet): what to do about it, instead of days that all look closed.
fn no_menu_yet(config: &Config, venue: &Venue) -> String {
    let config_arg = config
        .path
        .as_ref()
        .map(|p| format!(" --config {}", p.display()))
        .unwrap_or_default();
    let from = match &venue.menu {
        MenuSource::File(path) => format!("its menu file {}", path.display()),
        MenuSource::Vendor => "the vendor".to_string(),
    };
    format!(
        "no menu of {} is cached yet for the coming days: fetch it from {from} with \
         `canteen-kiosk{config_arg} sync --once` (a running kiosk fetches it every {} min)",
        venue.name,
        config.kiosk.menu_refresh.as_secs() / 60
    )
}

/// Why a day cannot be ordered for, as a word for scripts.
fn status_word(s: &DayStatus) -> &'static str {
    match s {
        DayStatus::Open { .. } => "open",
        DayStatus::Closed(ClosedReason::CutoffPassed { .. }) => "cutoff_passed",
        DayStatus::Closed(ClosedReason::NoMenu) => "no_menu",
    }
}

fn day_json(d: &DayView) -> serde_json::Value {
    json!({
        "venue": d.venue, "date": d.day.to_string(),
        "open": matches!(d.status, DayStatus::Open { .. }),
        "status": status_word(&d.status),
        "order_until": d.order_until.map(|t| t.to_string()),
        "fetched_at": d.fetched_at.map(|t| t.to_string()),
        "source": d.source,
        "dishes": d.dishes.iter().map(|a| json!({
            "id": a.vendor_id, "name": a.name, "description": a.description,
            "price": a.price.to_decimal_string(), "allergens": a.allergens,
            "portions_left": a.portions_left, "available": a.is_available(),
        })).collect::<Vec<_>>(),
    })
}

/// A time in the venue's zone, "2026-11-19 10:00".
fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Where a day's menu came from, in words: "the menu file data/menu.toml", "the vendor (bessa)".
fn source_words(source: &str) -> String {
    match source.strip_prefix("file ") {
        Some(path) => format!("the menu file {path}"),
        None => format!("the vendor ({source})"),
    }
}

fn print_day(d: &DayView, tz: &TimeZone) {
    let state = match &d.status {
        DayStatus::Open { seconds_left } => format!("open, {} min left", seconds_left / 60),
        DayStatus::Closed(ClosedReason::CutoffPassed { at }) => {
            format!("closed: ordering ended at {}", local(*at, tz))
        }
        DayStatus::Closed(ClosedReason::NoMenu) if d.fetched_at.is_some() => {
            "closed: no dishes on this day's menu".to_string()
        }
        DayStatus::Closed(ClosedReason::NoMenu) => "closed: no menu for this day".to_string(),
    };
    let fetched = match (d.fetched_at, &d.source) {
        (Some(at), Some(source)) => format!(
            " (menu from {}, fetched {})",
            source_words(source),
            local(at, tz)
        ),
        _ => String::new(),
    };
    println!("{} {} — {state}{fetched}", d.day, d.day.strftime("%A"));
    for a in &d.dishes {
        let avail = if a.is_available() {
            String::new()
        } else {
            " SOLD OUT".into()
        };
        println!(
            "  {:<8} {:>8}  {} [{}]{avail}",
            a.vendor_id,
            a.price.to_decimal_string(),
            a.name,
            a.allergens
        );
    }
}
