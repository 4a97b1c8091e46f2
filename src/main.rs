//! canteen-kiosk: thin start-up (the start-up clock, logging), then the command line.
//! Everything else lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    canteen_kiosk::start_time::mark_start();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    cli::run()
}
