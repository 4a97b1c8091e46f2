//! `cancel --badge B --order ID [--json]`: a cancellation on behalf of a badge.

use super::error::{CliError, CliResult, kiosk_refusal};
use super::order::print_order;
use super::setup::with_saving_kiosk;
use canteen_kiosk::config::Config;
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
    with_saving_kiosk(config, |k| cancel(k, args))
}

fn cancel(k: &mut Kiosk, args: &Args) -> CliResult {
    let who = k.badge_in(&args.badge).map_err(CliError::refused)?;
    let o = k.cancel_order(&who, &args.order).map_err(kiosk_refusal)?;
    print_order(&o, args.json);
    Ok(())
}
