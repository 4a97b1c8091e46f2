//! `sync --once [--json]`: one worker pass in the foreground (menus, outbox, order states).

use super::error::{CliError, CliResult};
use canteen_kiosk::app::{self, PassBy};
use canteen_kiosk::config::Config;
use canteen_kiosk::sync::StepReport;
use serde_json::json;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, required = true)]
    once: bool,
    #[arg(long)]
    json: bool,
}

/// The pass is the data dir's one worker's: the running kiosk runs it and answers with its
/// report, or, where no kiosk runs, this process runs it. A pass stopped by a database error
/// is exit 3, after its report.
pub fn exec(config: Config, args: &Args) -> CliResult {
    let report = match app::pass_for_cli(&Arc::new(config), true).map_err(CliError::failed)? {
        PassBy::ThisProcess(r) | PassBy::RunningKiosk(r) => r,
        PassBy::Woken => unreachable!("a waiting pass answers with its report"),
    };
    if args.json {
        println!("{}", step_json(&report));
    } else {
        println!("{}", step_text(&report));
    }
    match report.store_error {
        Some(e) => Err(CliError::failed(format!("the pass stopped early: {e}"))),
        None => Ok(()),
    }
}

fn step_json(r: &StepReport) -> serde_json::Value {
    json!({
        "sent": r.sent, "cancelled": r.cancelled, "expired": r.expired, "rejected": r.rejected,
        "reconciled": r.reconciled, "retried": r.retried, "parked": r.parked,
        "menus_refreshed": r.menus_refreshed, "states_updated": r.states_updated,
        "clock_doubt": r.clock_doubt, "store_error": r.store_error,
    })
}

fn step_text(r: &StepReport) -> String {
    let mut s = format!(
        "sent {}, cancelled {}, expired {}, rejected {}, reconciled {}, retried {}, parked {}, menus refreshed {}, states updated {}",
        r.sent,
        r.cancelled,
        r.expired,
        r.rejected,
        r.reconciled,
        r.retried,
        r.parked,
        r.menus_refreshed,
        r.states_updated
    );
    if let Some(d) = &r.clock_doubt {
        s.push_str(&format!("\nclock not trusted, orders wait: {d}"));
    }
    s
}
