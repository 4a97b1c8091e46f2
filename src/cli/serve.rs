//! `serve`: the kiosk without a window (a box without a screen, a kitchen feed): the data
//! dir's one sync worker and its HTTP listeners, until SIGTERM or SIGINT.

use super::error::{CliError, CliResult};
use super::setup::system_clock;
use canteen_kiosk::app;
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn exec(config: Config, _args: &Args) -> CliResult {
    app::serve(config, system_clock()).map_err(CliError::failed)
}
