//! `menu [--venue V] [--json]`: the menu of the coming days with dish ids.

use super::error::{CliError, CliResult};
use super::setup::{pick_venue, with_kiosk};
use canteen_kiosk::config::Config;
use canteen_kiosk::kiosk::{DayStatus, DayView, Kiosk};
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
    let venue = pick_venue(k, args.venue.as_deref())?.key.clone();
    let days = k.menu_view(&venue).map_err(CliError::failed)?;
    if args.json {
        let v: Vec<_> = days.iter().map(day_json).collect();
        println!("{}", serde_json::Value::Array(v));
    } else {
        days.iter().for_each(print_day);
    }
    Ok(())
}

fn day_json(d: &DayView) -> serde_json::Value {
    json!({
        "venue": d.venue, "date": d.day.to_string(),
        "open": matches!(d.status, DayStatus::Open { .. }),
        "order_until": d.order_until.map(|t| t.to_string()),
        "dishes": d.dishes.iter().map(|a| json!({
            "id": a.vendor_id, "name": a.name, "description": a.description,
            "price": a.price.to_decimal_string(), "allergens": a.allergens,
            "portions_left": a.portions_left, "available": a.is_available(),
        })).collect::<Vec<_>>(),
    })
}

fn print_day(d: &DayView) {
    let state = match &d.status {
        DayStatus::Open { seconds_left } => format!("open, {} min left", seconds_left / 60),
        DayStatus::Closed(r) => format!("closed ({r:?})"),
    };
    println!("{} {:?} — {state}", d.day, d.day.weekday());
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
