//! Shared set-up of the benchmarks: a scratch directory with the large store of the budgets
//! (`canteen_kiosk::bench_data`), made once per benchmark binary and copied where a bench
//! needs a fresh one.

#![allow(dead_code)] // Each bench binary uses a part.

use canteen_kiosk::bench_data::{self, DataSet};
use canteen_kiosk::config::{self, Config};
use canteen_kiosk::store::Store;
use canteen_kiosk::{app, store};
use criterion::Criterion;
use jiff::Timestamp;
use std::path::Path;
use std::time::Duration;

/// Short runs: the whole `cargo bench` stays within a few minutes on two cores.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// A directory removed again when dropped, under the system temp dir (on the local disk
/// here: fsyncs are real).
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        Scratch(
            tempfile::Builder::new()
                .prefix(&format!("ck-bench-{name}-"))
                .tempdir()
                .expect("scratch dir"),
        )
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// The demo config with its data in `dir`, cut to its first venue: the figures in the README
/// are of a one-venue kiosk (the large store fills that venue only), as they were before the
/// demo got its bistro.
pub fn demo_config(dir: &Path) -> Config {
    let mut config = config::demo(dir.to_path_buf());
    config.venues.truncate(1);
    config
}

/// Makes the large store in `dir` as of `now` and closes it (so the file is checkpointed and
/// can be copied). Returns the config that points at it.
pub fn large_store(dir: &Path, now: Timestamp) -> Config {
    let config = demo_config(dir);
    let clock = canteen_kiosk::domain::ManualClock::new(now);
    let (mut store, _) = app::open_store(&config, &clock).expect("open store");
    bench_data::fill(&mut store, &config, now, &DataSet::LARGE).expect("fill store");
    drop(store);
    config
}

/// Copies the store file of `from` into `to` (the store must be closed).
pub fn copy_store(from: &Path, to: &Path) -> Config {
    std::fs::create_dir_all(to).expect("dir");
    std::fs::copy(from.join(store::FILE_NAME), to.join(store::FILE_NAME)).expect("copy store");
    demo_config(to)
}

/// A further connection to the store of `config` (the store was opened once before).
pub fn connect(config: &Config) -> Store {
    Store::connect(&app::db_path(config)).expect("connect")
}
