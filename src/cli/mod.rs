//! The command line: every path a person can take on the screen is scriptable here, through
//! the same kiosk service. One file per command, each with its arguments and an `exec`
//! (cargo's `src/bin/cargo/commands/` layout); `error.rs` is the only place that knows exit
//! codes. This is part of the binary: the library knows nothing of clap or exit codes.

mod acknowledge_salvage;
mod bessa_login;
mod cancel;
mod check_config;
mod clock;
mod discard;
mod error;
mod menu;
mod order;
mod orders;
mod retry;
mod serve;
mod setup;
mod status;
mod sync;
mod webhooks;
mod window;

use canteen_kiosk::app::WindowOptions;
use clap::{Parser, Subcommand};
use error::CliResult;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "canteen-kiosk",
    version,
    about = "The canteen's ordering kiosk"
)]
struct Cli {
    /// The config file (default /etc/canteen-kiosk/kiosk.toml; without one, the demo runs).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Show the kitchen display permanently.
    #[arg(long)]
    kitchen: bool,
    /// Open a window of WxH (default 1280x800) instead of filling the screen (development).
    #[arg(long, value_name = "WxH", num_args = 0..=1, default_missing_value = "1280x800")]
    windowed: Option<canteen_kiosk::ui::WindowSize>,
    /// Render every screen to PNG files in DIR and exit.
    #[arg(long, value_name = "DIR")]
    screenshot: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check a config file: print a summary and exit 0, or every problem and exit 1.
    CheckConfig(check_config::Args),
    /// Refresh menus, drain the outbox and poll order states once, then exit.
    Sync(sync::Args),
    /// Queue by state, oldest waiting row, vendor contact, clock trust, database health.
    Status(status::Args),
    /// The menu of the coming days.
    Menu(menu::Args),
    /// Orders of a day (or of a badge).
    Orders(orders::Args),
    /// Order a dish on behalf of a badge.
    Order(order::Args),
    /// Log in once at Bessa for an employee and store their token in the secrets file
    /// (the password is read from standard input and never stored).
    BessaLogin(bessa_login::Args),
    /// Manage the Liefersoft webhook of a venue: list, register (create or update), delete.
    Webhooks(webhooks::Args),
    /// Send a parked outbox row again (`status` lists the parked rows and their numbers).
    Retry(retry::Args),
    /// Give up a parked outbox row for good: an order that never reached the vendor becomes
    /// rejected ("discarded by an admin"), a parked cancellation leaves its order as it was.
    /// Cannot be undone, so the row number is asked twice: `discard 12 --confirm 12`.
    Discard(discard::Args),
    /// Cancel an order on behalf of a badge.
    Cancel(cancel::Args),
    /// Run the kiosk without a window: the sync worker and the HTTP listeners, until SIGTERM.
    Serve(serve::Args),
    /// The clock: `clock accept` trusts it as it is now (after a reading from the future).
    Clock(clock::Args),
    /// The database was corrupt and replaced: the admin has seen it (status stops showing it).
    AcknowledgeSalvage(acknowledge_salvage::Args),
}

/// Parses the command line (wrong usage: clap explains and exits 2), runs what it asks for,
/// and turns the outcome into the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

impl Command {
    /// The commands that only print what the store or the config say (never a worker, a
    /// socket or a vendor): piping them into `head` or `less` is normal use.
    fn only_reads(&self) -> bool {
        matches!(
            self,
            Command::CheckConfig(_) | Command::Status(_) | Command::Menu(_) | Command::Orders(_)
        )
    }
}

fn dispatch(cli: Cli) -> CliResult {
    let Some(command) = &cli.command else {
        if let Some(dir) = &cli.screenshot {
            return window::screenshots(dir);
        }
        return window::exec(&WindowOptions {
            config: cli.config,
            kitchen: cli.kitchen,
            windowed: cli.windowed,
        });
    };
    if command.only_reads() {
        setup::end_quietly_on_closed_stdout();
    }
    if let Command::CheckConfig(args) = command {
        return check_config::exec(args, cli.config.as_deref());
    }
    let config = setup::load_config(cli.config.as_deref())?;
    match command {
        Command::CheckConfig(_) => unreachable!("handled above"),
        Command::Sync(args) => sync::exec(config, args),
        Command::Status(args) => status::exec(config, args),
        Command::Menu(args) => menu::exec(config, args),
        Command::Orders(args) => orders::exec(config, args),
        Command::Order(args) => order::exec(config, args),
        Command::Cancel(args) => cancel::exec(config, args),
        Command::BessaLogin(args) => bessa_login::exec(config, args),
        Command::Webhooks(args) => webhooks::exec(config, args),
        Command::Retry(args) => retry::exec(config, args),
        Command::Discard(args) => discard::exec(config, args),
        Command::Serve(args) => serve::exec(config, args),
        Command::Clock(args) => clock::exec(config, args),
        Command::AcknowledgeSalvage(args) => acknowledge_salvage::exec(config, args),
    }
}
