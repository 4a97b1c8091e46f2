//! The large data set of the performance budgets (issue 7), shared by the benchmarks
//! (`benches/`), the probes in `examples/` and `scripts/measure.sh`. Not part of the product.
//!
//! [`DataSet::LARGE`] is the store the budgets are measured with: 10 000 cached dishes over
//! 60 menu days and 5 000 orders. The menu days run from a week before today (the sync
//! worker prunes older ones) to 52 days ahead; the orders are a realistic history — about
//! 80 a day over the 60 days up to today + 5, spread over 150 synthetic employees plus the
//! demo badges, settled in the past and confirmed from today on — so one badge sees a
//! handful of coming orders, as on a real kiosk.
//!
//! [`DataSet::history`] is the same store with a longer order history at the rate of a real
//! canteen (71 orders a day): five years are about 130 000 settled orders and 39 MB, the
//! store of the bounded-growth budget (a first frame as fast as with a month of orders).
//!
//! Filling runs with `synchronous=OFF` (thousands of small transactions would otherwise take
//! a minute of fsyncs) and puts `synchronous=FULL` back before it returns.

use crate::config::Config;
use crate::domain::{Article, MenuDay, Money, Order, OrderLine, OrderState, Percent};
use crate::store::{OutboxChange, OutboxKind, OutboxStatus, Store, StoreError};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// How big a store to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSet {
    /// Cached menu days.
    pub menu_days: u32,
    /// Dishes over all menu days (spread evenly).
    pub dishes: u32,
    /// Settled or confirmed orders (no pending outbox work).
    pub orders: u32,
    /// The days the orders are spread over, up to today + 5.
    pub order_days: u32,
    /// How many of the menu days lie before today.
    pub past_menu_days: u32,
    /// Synthetic employees besides the config's badges.
    pub extra_badges: u32,
}

impl DataSet {
    /// The store of the budgets.
    pub const LARGE: DataSet = DataSet {
        menu_days: 60,
        dishes: 10_000,
        orders: 5_000,
        order_days: 60,
        past_menu_days: 7,
        extra_badges: 150,
    };

    /// A small store for quick runs.
    pub const SMALL: DataSet = DataSet {
        menu_days: 10,
        dishes: 60,
        orders: 50,
        order_days: 60,
        past_menu_days: 2,
        extra_badges: 5,
    };

    /// Orders a day in [`DataSet::history`]: 130 000 in five years.
    pub const ORDERS_PER_DAY: u32 = 71;

    /// The large store's menus with `days` days of order history (to today + 5), at
    /// [`DataSet::ORDERS_PER_DAY`].
    pub const fn history(days: u32) -> DataSet {
        DataSet {
            orders: days * DataSet::ORDERS_PER_DAY,
            order_days: days,
            ..DataSet::LARGE
        }
    }
}

/// What [`fill`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub venue: String,
    pub first_menu_day: Date,
    pub last_menu_day: Date,
    pub dishes: usize,
    pub orders: usize,
}

/// (name, description, price in cents, allergens)
const DISHES: [(&str, &str, i64, &str); 12] = [
    (
        "Wiener Schnitzel",
        "Breaded pork escalope, parsley potatoes, lemon",
        650,
        "ACG",
    ),
    (
        "Spinach Lasagne",
        "Ricotta, spinach, tomato sauce, side salad",
        520,
        "ACG",
    ),
    (
        "Beef Goulash",
        "Paprika beef stew with bread dumpling",
        590,
        "A",
    ),
    (
        "Thai Green Curry",
        "Vegetables, tofu, jasmine rice, coriander",
        540,
        "F",
    ),
    (
        "Grilled Salmon",
        "Lemon butter, herb rice, steamed broccoli",
        720,
        "DG",
    ),
    (
        "Käsespätzle",
        "Egg noodles with mountain cheese and fried onions",
        490,
        "ACG",
    ),
    (
        "Chicken Tikka Masala",
        "Yoghurt-marinated chicken, basmati rice, naan",
        610,
        "AG",
    ),
    ("Lentil Dal", "Red lentils, spinach, flatbread", 450, "A"),
    (
        "Caesar Salad",
        "Romaine, croutons, parmesan, chicken strips",
        560,
        "ACDGM",
    ),
    (
        "Pumpkin Risotto",
        "Arborio rice, roasted pumpkin, sage",
        530,
        "G",
    ),
    (
        "Falafel Bowl",
        "Hummus, bulgur, pickled vegetables, tahini",
        510,
        "AN",
    ),
    (
        "Tafelspitz",
        "Boiled beef, apple horseradish, roast potatoes",
        690,
        "LM",
    ),
];

/// A menu day with `dishes` dishes (deterministic: the same day gives the same menu).
pub fn menu_day(venue: &str, day: Date, dishes: usize) -> MenuDay {
    let seed = day.day_of_year() as usize;
    let articles = (0..dishes)
        .map(|i| {
            let (name, desc, cents, allergens) = DISHES[(seed + i) % DISHES.len()];
            let portions = ((seed * 7 + i * 13) % 40) as u32;
            Article {
                vendor_id: format!("B{}-{i}", day.day_of_year()),
                name: format!("{} {name}", i + 1),
                description: desc.to_string(),
                price: Money::from_cents(cents + (i as i64 % 5) * 10),
                vat: Some(Percent::from_hundredths(1000)),
                allergens: allergens.to_string(),
                // One dish in 17 is sold out; the others have portions left or are not counted.
                portions_left: if i % 3 == 0 { None } else { Some(portions + 1) },
                sold_out: i % 17 == 16,
            }
        })
        .collect();
    MenuDay {
        venue: venue.to_string(),
        day,
        vendor_day_id: Some(format!("{day}")),
        articles,
    }
}

/// The venue's local date at `now` (the first venue of the config).
pub fn today(config: &Config, now: Timestamp) -> Date {
    config.venues[0].rules.local_date(now)
}

/// Fills `store` with `set` for the first venue of `config`, as of `now`.
pub fn fill(
    store: &mut Store,
    config: &Config,
    now: Timestamp,
    set: &DataSet,
) -> Result<Filled, StoreError> {
    let venue = &config.venues[0];
    let today = venue.rules.local_date(now);
    let first = today
        .checked_sub((set.past_menu_days as i64).days())
        .unwrap_or(today);
    let mut last = first;
    let per_day = set.dishes as usize / set.menu_days.max(1) as usize;
    let extra = set.dishes as usize % set.menu_days.max(1) as usize;

    with_sync_off(store, |store| {
        let mut days = Vec::with_capacity(set.menu_days as usize);
        let mut dishes = 0;
        for i in 0..set.menu_days as usize {
            let Ok(day) = first.checked_add((i as i64).days()) else {
                break;
            };
            let m = menu_day(&venue.key, day, per_day + usize::from(i < extra));
            dishes += m.articles.len();
            last = day;
            days.push(m);
        }
        store.put_menu_days(&days, now, "bench-data")?;

        // Badges: the config's employees first (a few orders each), then synthetic ones.
        let mut badges: Vec<String> = config.badges.iter().map(|b| b.number.clone()).collect();
        badges.extend((0..set.extra_badges).map(|i| format!("{}", 20_000 + i)));
        let order_days = i64::from(set.order_days.max(7));
        let first_order_day = today.checked_sub((order_days - 6).days()).unwrap_or(today);
        let mut orders = 0;
        for i in 0..set.orders as i64 {
            let Ok(day) = first_order_day.checked_add((i % order_days).days()) else {
                continue;
            };
            let badge = &badges[(i as usize / order_days as usize + i as usize) % badges.len()];
            let Ok(serving) = venue.rules.serving_instant(day) else {
                continue;
            };
            let created = serving
                .checked_sub(SignedDuration::from_hours(20 + i % 24))
                .unwrap_or(serving);
            let (name, _, cents, _) = DISHES[i as usize % DISHES.len()];
            let state = if day < today {
                match i % 20 {
                    0 => OrderState::Cancelled,
                    1 => OrderState::Rejected,
                    _ => OrderState::Done,
                }
            } else {
                OrderState::Confirmed
            };
            let order = Order {
                id: format!("bench-{i:05}-{}", uuid::Uuid::new_v4()),
                venue: venue.key.clone(),
                badge: badge.clone(),
                day,
                serving,
                lines: vec![OrderLine {
                    article_id: format!("B{}-{}", day.day_of_year(), i % 7),
                    name: name.to_string(),
                    quantity: 1,
                    unit_price: Money::from_cents(cents),
                    vat: Some(Percent::from_hundredths(1000)),
                }],
                state,
                state_before_cancel: None,
                vendor_ref: Some(format!("V{}", 100_000 + i)),
                vendor_hash: None,
                vendor_status: Some("demo".into()),
                reason: None,
                created_at: created,
                updated_at: created,
            };
            // Every order went through the outbox once: its row is settled.
            store.insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))?;
            orders += 1;
        }
        for row in store.outbox_rows(OutboxStatus::Pending)? {
            store.change_outbox(&row.order_id, OutboxChange::Done { row: row.id }, now)?;
        }
        Ok(Filled {
            venue: venue.key.clone(),
            first_menu_day: first,
            last_menu_day: last,
            dishes,
            orders,
        })
    })
}

/// Adds `n` queued orders of today + `days_ahead` with pending outbox rows (work for the sync
/// worker), for the config's employee badges. Returns their ids.
pub fn queue_orders(
    store: &mut Store,
    config: &Config,
    now: Timestamp,
    n: usize,
    days_ahead: i64,
) -> Result<Vec<String>, StoreError> {
    let venue = &config.venues[0];
    let day = venue
        .rules
        .local_date(now)
        .checked_add(days_ahead.days())
        .expect("date in range");
    let serving = venue
        .rules
        .serving_instant(day)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let badges: Vec<&str> = config.badges.iter().map(|b| b.number.as_str()).collect();
    with_sync_off(store, |store| {
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let (name, _, cents, _) = DISHES[i % DISHES.len()];
            let order = Order::new_queued(
                uuid::Uuid::new_v4().to_string(),
                &venue.key,
                badges[i % badges.len()],
                day,
                serving,
                vec![OrderLine {
                    article_id: format!("Q{i}"),
                    name: name.to_string(),
                    quantity: 1,
                    unit_price: Money::from_cents(cents),
                    vat: Some(Percent::from_hundredths(1000)),
                }],
                now,
            );
            store.insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))?;
            ids.push(order.id);
        }
        Ok(ids)
    })
}

/// The drain set-up of the benches and probes: `n` queued orders (see [`queue_orders`]) and a
/// sync engine on the store with the in-process simulated vendor for every venue, which
/// answers at once (so the measured time is the kiosk's own).
pub fn drain_engine(
    config: std::sync::Arc<Config>,
    mut store: Store,
    clock: std::sync::Arc<dyn crate::domain::Clock>,
    n: usize,
) -> Result<crate::sync::Engine, StoreError> {
    queue_orders(&mut store, &config, clock.now(), n, 3)?;
    let vendors = config
        .venues
        .iter()
        .map(|v| {
            let vendor: Box<dyn crate::vendors::Vendor> =
                Box::new(crate::vendors::demo::DemoVendor::new(v));
            (v.key.clone(), vendor)
        })
        .collect();
    Ok(crate::sync::Engine::new(config, store, clock, vendors))
}

/// Replaces the cached menu of `day` with one of `dishes` dishes (the render budget's
/// "60 dishes on a day").
pub fn put_day(
    store: &mut Store,
    config: &Config,
    day: Date,
    dishes: usize,
    now: Timestamp,
) -> Result<(), StoreError> {
    let m = menu_day(&config.venues[0].key, day, dishes);
    store.put_menu_days(&[m], now, "bench-data")
}

/// The first dish that can be ordered on `day`, if the day has a menu.
pub fn orderable_dish(store: &Store, venue: &str, day: Date) -> Result<Option<String>, StoreError> {
    Ok(store.menu_day(venue, day)?.and_then(|m| {
        m.menu
            .articles
            .into_iter()
            .find(Article::is_available)
            .map(|a| a.vendor_id)
    }))
}

fn with_sync_off<T>(
    store: &mut Store,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    store.conn().pragma_update(None, "synchronous", "OFF")?;
    let result = f(store);
    // Back to what the product runs with, also after an error.
    let restored = store.conn().pragma_update(None, "synchronous", "FULL");
    let value = result?;
    restored?;
    Ok(value)
}

/// What a badge tap does before the menu screen can show: who the badge is, the coming days
/// with their dishes, the person's orders, and the UI's rows of them (the same calls and
/// conversions as `ui::bridge`'s login, without the Slint models). Returns the number of rows
/// made (day tabs + dishes of the first open day + order rows).
pub fn badge_to_menu(
    kiosk: &crate::kiosk::Kiosk,
    number: &str,
) -> Result<usize, crate::kiosk::KioskError> {
    use crate::ui::models;
    let badge = kiosk.badge_in(number)?;
    let config = kiosk.config().clone();
    let venue = &config.venues[0];
    let lang = config.kiosk.language;
    let today = kiosk.today(venue);
    let now = kiosk.now();
    let days = kiosk.menu_view_upto(&venue.key, models::DAY_TABS)?;
    let tabs: Vec<_> = days
        .iter()
        .map(|d| models::day_tab(d, today, now, &venue.rules))
        .collect();
    let shown = days
        .iter()
        .find(|d| matches!(d.status, crate::kiosk::DayStatus::Open { .. }))
        .or(days.first());
    let dishes: Vec<_> = shown
        .map(|d| {
            d.dishes
                .iter()
                .map(|a| models::dish(a, &venue.currency, lang))
                .collect()
        })
        .unwrap_or_default();
    let rows: Vec<_> = kiosk
        .my_order_views(&badge.number)?
        .iter()
        .map(|v| models::order_row(v, today, &venue.rules, &venue.currency, lang))
        .collect();
    Ok(tabs.len() + dishes.len() + rows.len())
}

/// The `p`-th percentile (0..=100) of `samples` (sorts them).
pub fn percentile(samples: &mut [std::time::Duration], p: f64) -> std::time::Duration {
    if samples.is_empty() {
        return std::time::Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}
