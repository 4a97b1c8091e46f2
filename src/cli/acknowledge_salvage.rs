//! `acknowledge-salvage`: an admin has seen that the database was corrupt and what was
//! carried over; `status` and the admin screen stop showing it (the log keeps it).

use super::error::{CliError, CliResult};
use super::setup::with_kiosk;
use canteen_kiosk::config::Config;
use canteen_kiosk::kiosk::status::salvage_line;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn exec(config: Config, _args: &Args) -> CliResult {
    with_kiosk(config, |k| {
        match k.store().acknowledge_salvage().map_err(CliError::failed)? {
            Some(record) => {
                log::warn!(
                    "{} acknowledged: {}",
                    super::setup::who(),
                    salvage_line(&record)
                );
                println!("acknowledged: {}", record.moved_to.display());
            }
            None => println!("nothing to acknowledge: the database was not replaced"),
        }
        Ok(())
    })
}
