//! Creates the large store of the performance budgets (the README, "Performance") for the demo
//! config: 10 000 cached dishes over 60 days and 5 000 orders.
//!
//! ```text
//! cargo run --release --features bench-data --example make_store -- DATA_DIR \
//!     [--small | --days N | --years N]
//! ```
//! writes `DATA_DIR/kiosk.sqlite3` (replacing one that is there). `--days`/`--years`: the same
//! menus with that much order history (71 orders a day; `--years 5` is about 130 000 orders,
//! the bounded-growth budget's store). Without a flag, `MAKE_STORE_DAYS` or `MAKE_STORE_YEARS`
//! in the environment say the same, so `MAKE_STORE_YEARS=5 scripts/measure.sh` measures on
//! five years. Point the demo at it with `XDG_DATA_HOME=PARENT` where `DATA_DIR` is
//! `PARENT/canteen-kiosk`.

use canteen_kiosk::bench_data::{self, DataSet};
use canteen_kiosk::{app, config, store};
use jiff::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: make_store DATA_DIR [--small | --days N | --years N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let set = match data_set(&args[1..]) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("make_store: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let db = dir.join(store::FILE_NAME);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let started = Instant::now();
    let config = config::demo(dir.clone());
    let result = app::open_store(&config, &canteen_kiosk::domain::SystemClock::new()).and_then(
        |(mut store, _)| {
            bench_data::fill(&mut store, &config, Timestamp::now(), &set).map_err(|e| e.to_string())
        },
    );
    match result {
        Ok(f) => {
            println!(
                "{}: {} dishes on {} .. {}, {} orders over {} days, {:.1} MB ({} ms)",
                db.display(),
                f.dishes,
                f.first_menu_day,
                f.last_menu_day,
                f.orders,
                set.order_days,
                store_bytes(&db) as f64 / 1e6,
                started.elapsed().as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("make_store: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The data set the flags (or, without one, the environment) ask for.
fn data_set(flags: &[String]) -> Result<DataSet, String> {
    let days = |n: &str, per: u32| -> Result<DataSet, String> {
        let unit = if per == 1 { "days" } else { "years" };
        n.parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(per))
            .filter(|d| (7..=20 * 365).contains(d))
            .map(DataSet::history)
            .ok_or_else(|| format!("{n:?} {unit}: from a week to 20 years"))
    };
    match flags {
        [] => match (env("MAKE_STORE_DAYS"), env("MAKE_STORE_YEARS")) {
            (Some(n), _) => days(&n, 1),
            (None, Some(n)) => days(&n, 365),
            (None, None) => Ok(DataSet::LARGE),
        },
        [flag] if flag == "--small" => Ok(DataSet::SMALL),
        [flag, n] if flag == "--days" => days(n, 1),
        [flag, n] if flag == "--years" => days(n, 365),
        _ => Err(format!("unknown arguments {flags:?}")),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The file and its WAL, in bytes.
fn store_bytes(db: &std::path::Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len())
        .sum()
}
