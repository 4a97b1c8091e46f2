//! `status [--json]`: queue by state, oldest waiting row, vendor contact, clock trust,
//! database health.

use super::error::{CliError, CliResult};
use super::setup::system_clock;
use canteen_kiosk::app;
use canteen_kiosk::config::Config;
use canteen_kiosk::kiosk::{self, Kiosk};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let clock = system_clock();
    let (store, report) = app::open_store(&config, clock.as_ref()).map_err(CliError::failed)?;
    let kiosk = Kiosk::new(Arc::new(config), store, clock);
    let s = kiosk::status::collect(&kiosk, &report).map_err(CliError::failed)?;
    if args.json {
        println!("{}", s.to_json());
    } else {
        println!("{}", s.to_text());
    }
    Ok(())
}
