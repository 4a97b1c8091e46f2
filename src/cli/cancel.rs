//! `cancel --badge B --order ID [--json]`: a cancellation on behalf of a badge.

use super::error::{CliError, CliResult, kiosk_refusal};
use super::order::show_order;
use super::setup::with_saving_kiosk;
use canteen_kiosk::config::Config;
use canteen_kiosk::domain::Order;
use canteen_kiosk::kiosk::Kiosk;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    badge: String,
    #[arg(long)]
    order: String,
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    with_saving_kiosk(
        config,
        |k| cancel(k, args),
        |k, o| show_order(k, o, args.json),
    )
}

fn cancel(k: &mut Kiosk, args: &Args) -> Result<Order, CliError> {
    let who = k.badge_in(&args.badge).map_err(CliError::refused)?;
    k.cancel_order(&who, &args.order).map_err(kiosk_refusal)
}
