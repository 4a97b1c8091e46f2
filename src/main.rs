//! canteen-kiosk: thin start-up. Everything testable lives in the library.

use canteen_kiosk::cli::{self, Cli};
use canteen_kiosk::domain::SystemClock;
use clap::Parser;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    canteen_kiosk::app::mark_start();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        return ExitCode::from(cli::run(&cli, command));
    }
    if let Some(dir) = &cli.screenshot {
        return ExitCode::from(cli::screenshots(dir));
    }
    skip_compose_table();
    ExitCode::from(cli::run_window(&cli, Arc::new(SystemClock::new())))
}

/// The kiosk has no text entry (the badge reader types digits and Enter), so the locale's
/// compose table (dead keys, Compose sequences), which libX11 and xkbcommon parse at start
/// (a 6 000-line file for en_US.UTF-8), is not needed: point them at an empty one, unless
/// the admin set one.
fn skip_compose_table() {
    if std::env::var_os("XCOMPOSEFILE").is_none() {
        // SAFETY: called before any other thread of the process exists.
        unsafe { std::env::set_var("XCOMPOSEFILE", "/dev/null") };
    }
}
