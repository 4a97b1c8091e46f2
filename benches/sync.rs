//! The sync worker's own overhead: draining 1 000 queued orders against the product's
//! simulated vendor (`DemoVendor`, answers at once) on the large store, with
//! `synchronous=FULL` on the local disk. The throughput line is orders per second.

mod support;

use canteen_kiosk::bench_data;
use canteen_kiosk::domain::{Clock, SystemClock};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::Scratch;

const ORDERS: usize = 1000;

fn drain(c: &mut Criterion) {
    let template = Scratch::new("drain-template");
    support::large_store(template.path(), Timestamp::now());
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(100));
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(ORDERS as u64));
    g.bench_function("drain 1000 orders (demo vendor, large store)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                // A fresh copy of the store each time: set-up is not timed.
                let run = Scratch::new(&format!("drain-{i}"));
                let config = Arc::new(support::copy_store(template.path(), run.path()));
                let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
                let store = support::connect(&config);
                let mut engine =
                    bench_data::drain_engine(config.clone(), store, clock, ORDERS).unwrap();
                let t = Instant::now();
                let mut sent = 0;
                for _ in 0..20 {
                    sent += engine.step().sent as usize;
                    if sent >= ORDERS {
                        break;
                    }
                }
                total += t.elapsed();
                assert_eq!(sent, ORDERS, "every queued order is sent");
            }
            total
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = drain
}
criterion_main!(benches);
