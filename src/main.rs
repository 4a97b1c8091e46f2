//! canteen-kiosk: thin start-up. Everything testable lives in the library.

use canteen_kiosk::cli::{self, Cli};
use canteen_kiosk::domain::SystemClock;
use clap::Parser;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    canteen_kiosk::app::mark_start();
    // A file that may not grow (a full quota, RLIMIT_FSIZE) must be an error SQLite reports,
    // not SIGXFSZ ending the process: then the kiosk says what is wrong and keeps its data.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        return ExitCode::from(cli::run(&cli, command));
    }
    if let Some(dir) = &cli.screenshot {
        return ExitCode::from(cli::screenshots(dir));
    }
    ExitCode::from(cli::run_window(&cli, Arc::new(SystemClock::new())))
}
