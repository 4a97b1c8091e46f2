//! `orders [--date D] [--badge B] [--venue V] [--csv|--json]`: a day's orders as the kitchen
//! sees them, or a badge's orders.

use super::error::{CliError, CliResult};
use super::order::{dish_names, order_json};
use super::setup::{pick_venue, with_kiosk};
use canteen_kiosk::config::Config;
use canteen_kiosk::kiosk::{self, Kiosk, KitchenSource, KitchenView, Parked};
use canteen_kiosk::peers::PeerHeard;
use jiff::civil::Date;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    date: Option<Date>,
    #[arg(long)]
    badge: Option<String>,
    #[arg(long)]
    venue: Option<String>,
    #[arg(long)]
    csv: bool,
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    with_kiosk(config, |k| orders(k, args))
}

fn orders(k: &mut Kiosk, args: &Args) -> CliResult {
    let venue = pick_venue(k, args.venue.as_deref())?.clone();
    let Some(badge) = &args.badge else {
        let day = args.date.unwrap_or_else(|| k.today(&venue));
        let view = k.kitchen_view(&venue.key, day).map_err(CliError::failed)?;
        print_day(&view, args.csv, args.json);
        return Ok(());
    };
    let list = k.my_orders(badge).map_err(CliError::failed)?;
    let parked = k.parked_orders().map_err(CliError::failed)?;
    let elsewhere = k.peer_order_views(badge).map_err(CliError::failed)?;
    if args.csv {
        let csv = kiosk::export::orders_csv(k, &list).map_err(CliError::failed)?;
        print!("{csv}");
    } else if args.json {
        let mut rows: Vec<_> = list
            .iter()
            .map(|o| order_json(o, parked.get(&o.id)))
            .collect();
        rows.extend(elsewhere.iter().map(|v| {
            let mut row = order_json(&v.order, None);
            row["placed_at"] = json!(v.placed_at);
            row
        }));
        println!("{}", serde_json::Value::Array(rows));
    } else {
        for o in &list {
            let p = parked.get(&o.id);
            println!(
                "{}  {}  {:<18} {:<10} {}{}",
                o.day,
                o.id,
                Parked::state_word(p, o.state),
                o.badge,
                dish_names(o),
                p.map(|p| format!(" — row {}: {}", p.row, p.reason))
                    .unwrap_or_default()
            );
        }
        for v in &elsewhere {
            let o = &v.order;
            println!(
                "{}  {}  {:<18} {:<10} {}  (placed at {}; cancel it there)",
                o.day,
                o.id,
                o.state,
                o.badge,
                dish_names(o),
                v.placed_at.as_deref().unwrap_or("another kiosk")
            );
        }
    }
    Ok(())
}

/// A venue's day as the kitchen sees it (the vendor's full list where it has one).
fn print_day(view: &KitchenView, csv: bool, json_out: bool) {
    let (source, fetched_at, complete) = match &view.source {
        KitchenSource::ThisKiosk => ("this_kiosk", None, true),
        KitchenSource::Vendor {
            fetched_at,
            complete,
        } => ("vendor", Some(fetched_at.to_string()), *complete),
    };
    if csv {
        print!("{}", kiosk::export::day_csv(view));
    } else if json_out {
        let rows: Vec<serde_json::Value> = view
            .pickups
            .iter()
            .map(|p| {
                json!({
                    "order_id": p.order_id, "name": p.name, "badge": p.badge, "dish": p.dish,
                    "quantity": p.quantity, "price": p.price.map(|m| m.to_decimal_string()),
                    "state": Parked::state_word(p.parked.as_ref(), p.state),
                    "order_state": p.state.as_str(),
                    "parked_row": p.parked.as_ref().map(|r| r.row),
                    "reason": Parked::reason(p.parked.as_ref(), p.reason.as_deref()),
                    "placed_at": p.placed_at,
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "date": view.day.map(|d| d.to_string()), "source": source,
                "fetched_at": fetched_at, "complete": complete, "orders": rows,
                "peers": view.peers.iter().map(peer_json).collect::<Vec<_>>(),
            })
        );
    } else {
        print_day_text(view, complete, fetched_at.unwrap_or_default());
    }
}

fn print_day_text(view: &KitchenView, complete: bool, fetched_at: String) {
    match (&view.source, complete) {
        (KitchenSource::ThisKiosk, _) if view.peers.is_empty() => {
            println!("# the orders this kiosk knows of")
        }
        (KitchenSource::ThisKiosk, _) => println!(
            "# the orders of this kiosk and of the {} kiosk(s) it reads",
            view.peers.len()
        ),
        (KitchenSource::Vendor { .. }, true) => {
            println!("# all orders of the venue, from the vendor's list as of {fetched_at}")
        }
        (KitchenSource::Vendor { .. }, false) => println!(
            "# the vendor's list as of {fetched_at} (it has more orders than the kiosk reads)"
        ),
    }
    for peer in &view.peers {
        println!("# {}", peer_line(peer));
    }
    for p in &view.pickups {
        println!(
            "{:<24} {:<30} {:>3}  {:<18} {}{}",
            p.name,
            p.dish,
            p.quantity,
            Parked::state_word(p.parked.as_ref(), p.state),
            p.order_id,
            p.placed_at
                .as_ref()
                .map(|at| format!("  (placed at {at})"))
                .unwrap_or_default()
        );
    }
}

fn peer_json(p: &PeerHeard) -> serde_json::Value {
    json!({
        "url": p.url, "name": p.name, "heard_at": p.heard_at.map(|t| t.to_string()),
        "stale": p.stale, "error": p.error,
    })
}

/// "peer Door kiosk (http://door:8470): heard at 2026-12-02T11:03:05Z" or why it is stale.
fn peer_line(p: &PeerHeard) -> String {
    let heard = match p.heard_at {
        Some(at) => format!("heard at {at}"),
        None => "never heard".to_string(),
    };
    match (p.stale, &p.error) {
        (false, _) => format!("peer {} ({}): {heard}", p.name, p.url),
        (true, Some(e)) => format!("peer {} ({}): STALE, {heard}; {e}", p.name, p.url),
        (true, None) => format!("peer {} ({}): STALE, {heard}", p.name, p.url),
    }
}
