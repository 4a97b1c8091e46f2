//! `bessa-login --venue V --badge B`: the one-time Bessa login of an employee; the password
//! is read from standard input.

use super::error::CliResult;
use canteen_kiosk::admin;
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    venue: String,
    #[arg(long)]
    badge: String,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let mut input = std::io::stdin().lock();
    admin::bessa_login(&config, &args.venue, &args.badge, &mut input)?;
    Ok(())
}
