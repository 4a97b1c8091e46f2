//! canteen-kiosk: thin start-up (the start-up clock, logging), then the command line.
//! Everything else lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    canteen_kiosk::start_time::mark_start();
    // A file that may not grow (a full quota, RLIMIT_FSIZE) must be an error SQLite reports,
    // not SIGXFSZ ending the process: then the kiosk says what is wrong and keeps its data.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    canteen_kiosk::logging::init();
    cli::run()
}
