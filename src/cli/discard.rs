//! `discard ROW --confirm ROW`: a parked outbox row given up for good, logged like the admin
//! screen's discard.

use super::error::{CliError, CliResult};
use super::setup::{parked_row_error, with_kiosk};
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The outbox row number.
    row: i64,
    /// The same row number again.
    #[arg(long)]
    confirm: Option<i64>,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let row = args.row;
    if args.confirm != Some(row) {
        return Err(CliError::refused(format!(
            "discarding cannot be undone; to go ahead, give the row number twice: discard {row} \
             --confirm {row}"
        )));
    }
    let who = super::setup::who();
    with_kiosk(config, |k| {
        k.discard_parked(row, &who)
            .map_err(|e| parked_row_error(row, e))
    })?;
    println!("outbox row {row} discarded");
    Ok(())
}
