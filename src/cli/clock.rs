//! `clock accept`: an admin vouches for the clock as it is now. A kiosk that once saw a time
//! from the future (a bad RTC) distrusts every earlier reading; where the system cannot say
//! that it synchronised (no timesyncd), this is how the admin lowers that floor.

use super::error::{CliError, CliResult, kiosk_refusal};
use super::setup::with_kiosk;
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand, Debug)]
enum Action {
    /// Trust the clock as it is now (check `date` first): orders flow again.
    Accept,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let Action::Accept = args.action;
    with_kiosk(config, |k| {
        let now = k
            .accept_clock(&super::setup::who())
            .map_err(kiosk_refusal)?;
        match k.clock_trust() {
            Ok(()) => println!("clock accepted: {now}"),
            Err(doubt) => {
                return Err(CliError::refused(format!(
                    "accepted, but the clock is still not trusted: {doubt}"
                )));
            }
        }
        Ok(())
    })
}
