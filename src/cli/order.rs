//! `order --badge B --date D --dish ID [--venue V] [--json]`: an order on behalf of a badge,
//! through the same rules as the screen. Also how an order is printed (`cancel`, `orders`).

use super::error::{CliError, CliResult, kiosk_refusal};
use super::setup::{pick_venue, with_saving_kiosk};
use canteen_kiosk::config::Config;
use canteen_kiosk::domain::{Order, OrderState};
use canteen_kiosk::kiosk::Kiosk;
use jiff::civil::Date;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    badge: String,
    #[arg(long)]
    date: Date,
    /// The dish's id as `menu` shows it.
    #[arg(long)]
    dish: String,
    #[arg(long)]
    venue: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    with_saving_kiosk(config, |k| order(k, args))
}

fn order(k: &mut Kiosk, args: &Args) -> CliResult {
    let venue = pick_venue(k, args.venue.as_deref())?.key.clone();
    let who = k.badge_in(&args.badge).map_err(CliError::refused)?;
    let o = k
        .place_order(&who, &venue, args.date, &args.dish)
        .map_err(kiosk_refusal)?;
    print_order(&o, args.json);
    Ok(())
}

/// An order just saved or cancelled, as one line or as JSON.
pub fn print_order(o: &Order, json_out: bool) {
    if json_out {
        println!("{}", order_json(o));
    } else {
        let what = if o.state == OrderState::Cancelled {
            "cancelled"
        } else {
            "saved"
        };
        println!(
            "order {} {what}: {} on {} ({})",
            o.id,
            dish_names(o),
            o.day,
            o.state.as_str()
        );
    }
}

pub fn dish_names(o: &Order) -> String {
    o.lines
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn order_json(o: &Order) -> serde_json::Value {
    json!({
        "id": o.id, "venue": o.venue, "badge": o.badge, "date": o.day.to_string(),
        "serving": o.serving.to_string(), "state": o.state.as_str(), "dishes": dish_names(o),
        "total": o.total().to_decimal_string(), "vendor_ref": o.vendor_ref, "reason": o.reason,
    })
}
