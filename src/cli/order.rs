//! `order --badge B --date D --dish ID [--venue V] [--json]`: an order on behalf of a badge,
//! through the same rules as the screen. Also how an order is printed (`cancel`, `orders`).

use super::error::{CliError, CliResult, kiosk_refusal};
use super::setup::{pick_venue, with_saving_kiosk};
use canteen_kiosk::config::Config;
use canteen_kiosk::domain::{Order, OrderState};
use canteen_kiosk::kiosk::{Kiosk, Parked};
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
    with_saving_kiosk(
        config,
        |k| order(k, args),
        |k, o| show_order(k, o, args.json),
    )
}

fn order(k: &mut Kiosk, args: &Args) -> Result<Order, CliError> {
    let venue = pick_venue(k, args.venue.as_deref())?.key.clone();
    let who = k.badge_in(&args.badge).map_err(CliError::refused)?;
    k.place_order(&who, &venue, args.date, &args.dish)
        .map_err(kiosk_refusal)
}

/// An order just saved or cancelled, as it stands after the pass that tried to send it (sent,
/// still queued, or parked for an admin), as one line or as JSON.
pub fn show_order(k: &Kiosk, saved: Order, json_out: bool) -> CliResult {
    let id = saved.id.clone();
    let o = k
        .store()
        .order(&id)
        .map_err(CliError::failed)?
        .unwrap_or(saved);
    let parked = k.parked_orders().map_err(CliError::failed)?.remove(&id);
    if json_out {
        println!("{}", order_json(&o, parked.as_ref()));
        return Ok(());
    }
    let what = if o.state == OrderState::Cancelled {
        "cancelled"
    } else {
        "saved"
    };
    let state = Parked::state_word(parked.as_ref(), o.state);
    println!(
        "order {} {what}: {} on {} ({state})",
        o.id,
        dish_names(&o),
        o.day
    );
    if let Some(p) = &parked {
        println!(
            "  not sent: outbox row {} is parked for an admin: {} (`canteen-kiosk retry {}` once it is fixed)",
            p.row, p.reason, p.row
        );
    }
    Ok(())
}

pub fn dish_names(o: &Order) -> String {
    o.lines
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An order as JSON: `state` is "parked" while its outbox row is (the order's own state is
/// then in `order_state`, the row in `parked_row`, its error in `reason`).
pub fn order_json(o: &Order, parked: Option<&Parked>) -> serde_json::Value {
    json!({
        "id": o.id, "venue": o.venue, "badge": o.badge, "date": o.day.to_string(),
        "serving": o.serving.to_string(), "state": Parked::state_word(parked, o.state),
        "order_state": o.state.as_str(), "parked_row": parked.map(|p| p.row),
        "dishes": dish_names(o), "total": o.total().to_decimal_string(),
        "vendor_ref": o.vendor_ref, "reason": Parked::reason(parked, o.reason.as_deref()),
    })
}
