//! Latency and throughput probes of the performance budgets, on a store made by
//! `make_store` (see the README, "Performance"). Each prints one line a script can read.
//!
//! ```text
//! perf_probe orders DATA_DIR [N]   place N orders (Kiosk::place_order): p50/p99/max
//! perf_probe menu   DATA_DIR [N]   badge tap → menu rows, N times: p50/p99/max
//! perf_probe drain  DATA_DIR [N]   queue N orders, drain them with the sync engine and the
//!                                  demo vendor: orders/s
//! ```
//! `orders` moves its clock one second per order, so every order also records the time seen
//! (the kiosk's clock-trust note): the worst case of a real tap. Run it under
//! `strace -f -c -e trace=fsync,fdatasync` with N and with 0 to count the fsyncs per order.

use canteen_kiosk::app;
use canteen_kiosk::bench_data::{self, percentile};
use canteen_kiosk::config::{self, Config};
use canteen_kiosk::domain::{Clock, ManualClock, SystemClock};
use canteen_kiosk::kiosk::Kiosk;
use canteen_kiosk::store::Store;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: perf_probe orders|menu|drain DATA_DIR [N]");
        return ExitCode::from(2);
    };
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(match mode.as_str() {
            "drain" => 1000,
            _ => 300,
        });
    let config = config::demo(PathBuf::from(dir));
    if !app::db_path(&config).exists() {
        eprintln!("perf_probe: no store in {dir}: run make_store first");
        return ExitCode::FAILURE;
    }
    let result = match mode.as_str() {
        "orders" => orders(config, n),
        "menu" => menu(config, n),
        "drain" => drain(config, n),
        other => Err(format!("unknown probe {other:?}")),
    };
    match result {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("perf_probe: {e}");
            ExitCode::FAILURE
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn summary(what: &str, samples: &mut [Duration]) -> String {
    let n = samples.len();
    let p50 = percentile(samples, 50.0);
    let p99 = percentile(samples, 99.0);
    let max = percentile(samples, 100.0);
    format!(
        "{what} n={n} p50_ms={} p99_ms={} max_ms={}",
        ms(p50),
        ms(p99),
        ms(max)
    )
}

fn open(config: &Config) -> Result<Store, String> {
    Store::connect(&app::db_path(config)).map_err(|e| e.to_string())
}

fn orders(config: Config, n: usize) -> Result<String, String> {
    let config = Arc::new(config);
    let clock = ManualClock::new(Timestamp::now());
    let mut kiosk = Kiosk::new(config.clone(), open(&config)?, Arc::new(clock.clone()));
    let venue = config.venues[0].key.clone();
    let day = bench_data::today(&config, clock.now())
        .checked_add(10.days())
        .map_err(|e| e.to_string())?;
    let dish = bench_data::orderable_dish(kiosk.store(), &venue, day)
        .map_err(|e| e.to_string())?
        .ok_or("no orderable dish 10 days ahead: make the store again")?;
    let badge = kiosk.badge_in("1001").map_err(|e| e.to_string())?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        clock.advance(SignedDuration::from_secs(1));
        let t = Instant::now();
        kiosk
            .place_order(&badge, &venue, day, &dish)
            .map_err(|e| e.to_string())?;
        samples.push(t.elapsed());
    }
    Ok(summary("order_commit", &mut samples))
}

fn menu(config: Config, n: usize) -> Result<String, String> {
    let config = Arc::new(config);
    let kiosk = Kiosk::new(config.clone(), open(&config)?, Arc::new(SystemClock::new()));
    let mut samples = Vec::with_capacity(n);
    let mut rows = 0;
    for i in 0..n {
        let t = Instant::now();
        rows = bench_data::badge_to_menu(&kiosk, ["1001", "1002", "1003"][i % 3])
            .map_err(|e| e.to_string())?;
        samples.push(t.elapsed());
    }
    Ok(format!(
        "{} rows={rows}",
        summary("badge_to_menu", &mut samples)
    ))
}

fn drain(config: Config, n: usize) -> Result<String, String> {
    let config = Arc::new(config);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    let store = open(&config)?;
    let mut engine =
        bench_data::drain_engine(config.clone(), store, clock, n).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let mut sent = 0;
    let mut passes = 0;
    while sent < n as u32 && passes < 50 {
        let report = engine.step();
        sent += report.sent;
        passes += 1;
    }
    let took = t.elapsed();
    if sent < n as u32 {
        return Err(format!(
            "only {sent} of {n} orders were sent in {passes} passes"
        ));
    }
    Ok(format!(
        "drain n={n} passes={passes} secs={:.2} orders_per_s={:.0}",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    ))
}
