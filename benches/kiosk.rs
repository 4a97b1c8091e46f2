//! The kiosk service on the large store (10 000 dishes over 60 days, 5 000 orders):
//! placing an order (durable commit, `synchronous=FULL`, real file on the local disk), the
//! badge tap → menu rows, and the cutoff rule.

mod support;

use canteen_kiosk::bench_data;
use canteen_kiosk::domain::{Clock, ManualClock};
use canteen_kiosk::kiosk::Kiosk;
use canteen_kiosk::ui::models;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::hint::black_box;
use std::sync::Arc;
use support::Scratch;

fn order_commit(c: &mut Criterion) {
    let scratch = Scratch::new("order");
    let clock = ManualClock::new(Timestamp::now());
    let config = Arc::new(support::large_store(scratch.path(), clock.now()));
    let venue = config.venues[0].key.clone();
    let day = bench_data::today(&config, clock.now())
        .checked_add(10.days())
        .unwrap();
    let mut kiosk = Kiosk::new(
        config.clone(),
        support::connect(&config),
        Arc::new(clock.clone()),
    );
    let dish = bench_data::orderable_dish(kiosk.store(), &venue, day)
        .unwrap()
        .expect("a dish");
    let badge = kiosk.badge_in("1001").unwrap();
    // The clock moves a second per order, so each order also notes the time seen (clock
    // trust): the worst case of a real tap, two commits.
    c.bench_function("kiosk/place_order (large store, FULL sync)", |b| {
        b.iter(|| {
            clock.advance(SignedDuration::from_secs(1));
            black_box(kiosk.place_order(&badge, &venue, day, &dish).unwrap())
        })
    });
}

fn badge_to_menu(c: &mut Criterion) {
    let scratch = Scratch::new("menu");
    let clock = ManualClock::new(Timestamp::now());
    let config = Arc::new(support::large_store(scratch.path(), clock.now()));
    let kiosk = Kiosk::new(config.clone(), support::connect(&config), Arc::new(clock));
    let mut g = c.benchmark_group("kiosk");
    g.bench_function("badge_to_menu (views + UI rows, large store)", |b| {
        b.iter(|| black_box(bench_data::badge_to_menu(&kiosk, "1001").unwrap()))
    });
    g.bench_function("menu_view (5 days, large store)", |b| {
        b.iter(|| black_box(kiosk.menu_view_upto("demo", models::DAY_TABS).unwrap()))
    });
    g.bench_function("my_order_views (large store)", |b| {
        b.iter(|| black_box(kiosk.my_order_views("1001").unwrap()))
    });
    g.finish();
}

fn cutoff(c: &mut Criterion) {
    let scratch = Scratch::new("cutoff");
    let config = support::demo_config(scratch.path());
    let rules = config.venues[0].rules.clone();
    let day = jiff::civil::date(2026, 3, 29); // the spring change in Vienna
    let now = Timestamp::now();
    let mut g = c.benchmark_group("cutoff");
    g.bench_function("deadlines (one day)", |b| {
        b.iter(|| black_box(rules.deadlines(black_box(day)).unwrap()))
    });
    g.bench_function("deadlines + windows (60 days)", |b| {
        b.iter(|| {
            let mut open = 0;
            for i in 0..60 {
                let d = rules.deadlines(day.checked_add(i.days()).unwrap()).unwrap();
                open += usize::from(d.order_window(now).is_open())
                    + usize::from(d.cancel_window(now).is_open());
            }
            black_box(open)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = order_commit, badge_to_menu, cutoff
}
criterion_main!(benches);
