//! `sync --once [--json]`: one worker pass in the foreground (menus, outbox, order states).

use super::error::{CliError, CliResult};
use super::setup::system_clock;
use canteen_kiosk::app;
use canteen_kiosk::config::Config;
use canteen_kiosk::sync::{Engine, StepReport};
use serde_json::json;
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, required = true)]
    once: bool,
    #[arg(long)]
    json: bool,
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let config = Arc::new(config);
    let (store, _) = app::open_store(&config).map_err(CliError::failed)?;
    let vendors = app::connect_vendors(&config);
    let mut engine = Engine::new(config.clone(), store, system_clock(), vendors);
    let report = engine.step();
    if args.json {
        println!("{}", step_json(&report));
    } else {
        println!("{}", step_text(&report));
    }
    Ok(())
}

fn step_json(r: &StepReport) -> serde_json::Value {
    json!({
        "sent": r.sent, "cancelled": r.cancelled, "expired": r.expired, "rejected": r.rejected,
        "reconciled": r.reconciled, "retried": r.retried, "parked": r.parked,
        "menus_refreshed": r.menus_refreshed, "states_updated": r.states_updated,
        "clock_doubt": r.clock_doubt,
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
