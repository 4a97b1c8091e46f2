//! `retry ROW`: a parked outbox row pending again, and one worker pass to send it.

use super::error::CliResult;
use super::setup::{parked_row_error, with_saving_kiosk};
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The outbox row number.
    row: i64,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let row = args.row;
    with_saving_kiosk(
        config,
        |k| k.retry_parked(row).map_err(|e| parked_row_error(row, e)),
        |_, ()| {
            println!("outbox row {row} is pending again");
            Ok(())
        },
    )
}
