//! Creates the large store of the performance budgets (the README, "Performance") for the demo
//! config: 10 000 cached dishes over 60 days and 5 000 orders.
//!
//! ```text
//! cargo run --release --features bench-data --example make_store -- DATA_DIR [--small]
//! ```
//! writes `DATA_DIR/kiosk.sqlite3` (replacing one that is there). Point the demo at it with
//! `XDG_DATA_HOME=PARENT` where `DATA_DIR` is `PARENT/canteen-kiosk`.

use canteen_kiosk::bench_data::{self, DataSet};
use canteen_kiosk::{app, config, store};
use jiff::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: make_store DATA_DIR [--small]");
        return ExitCode::from(2);
    };
    let set = if args.any(|a| a == "--small") {
        DataSet::SMALL
    } else {
        DataSet::LARGE
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
                "{}: {} dishes on {} .. {}, {} orders ({} ms)",
                db.display(),
                f.dishes,
                f.first_menu_day,
                f.last_menu_day,
                f.orders,
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
