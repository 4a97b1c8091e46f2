//! The kiosk screen, headless: Slint's testing backend (one per test thread, mock time),
//! elements found by their accessible labels, the kiosk service on a temporary SQLite store
//! with a fixed clock. The sync worker is played by a second store connection that changes
//! orders and notifies, as the real worker does.
//!
//! The screenshot test renders through its own thread and platform (see src/ui/screenshot.rs),
//! so it does not collide with the testing backend of the other tests.

use canteen_kiosk::config::{Config, Language, Mode, PeerSettings, Secret};
use canteen_kiosk::domain::{Clock, ListedLine, ListedOrder, ManualClock, OrderEvent, OrderState};
use canteen_kiosk::kiosk::Kiosk;
use canteen_kiosk::peers::wire::{FeedLine, FeedOrder, badge_key};
use canteen_kiosk::store::{OrderFilter, OutboxChange, OutboxStatus, PeerPage, PeerRow, Store};
use canteen_kiosk::sync::{Change, Listeners, SharedStatus};
use canteen_kiosk::ui::generated::{
    AdminApi, Api, DayState, KitchenApi, KitchenSource, OrderStatus, Problem, Screen, Sheet,
};
use canteen_kiosk::ui::{KioskUi, OutOfServiceInfo, OutOfServiceUi, SHOT_SIZES};
use canteen_kiosk::vendors::demo::demo_menu_day;
use i_slint_backend_testing::ElementHandle;
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use slint::platform::WindowEvent;
use slint::{ComponentHandle, Model};
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// The badge reader read directly: its own file, it shares this file's fixture.
#[path = "ui/badge_device.rs"]
mod badge_device;
#[path = "ui/blanking.rs"]
mod blanking;
/// Issue 16's flows against the fake vendors; the fakes are the other tests' (tests/support/).
#[path = "ui/fake_vendors.rs"]
mod fake_vendors;
#[path = "ui/history.rs"]
mod history;
#[path = "ui/news.rs"]
mod news;
#[path = "ui/reading.rs"]
mod reading;
#[path = "support/mod.rs"]
mod support;
#[path = "ui/venues.rs"]
mod venues;
#[path = "ui/week.rs"]
mod week;

thread_local! {
    static BACKEND: Cell<bool> = const { Cell::new(false) };
}

/// The testing backend, once per thread.
fn init_backend() {
    BACKEND.with(|b| {
        if !b.get() {
            i_slint_backend_testing::init_no_event_loop();
            b.set(true);
        }
    });
}

/// Lets pending `if`/`for` elements instantiate without letting time pass.
fn settle() {
    i_slint_backend_testing::mock_elapsed_time(Duration::ZERO);
}

fn unique_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "canteen-kiosk-ui-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn vienna() -> TimeZone {
    TimeZone::get("Europe/Vienna").unwrap()
}

/// Thursday 19 November 2026, 09:41 in Vienna: today's ordering is open until 11:00.
fn t0() -> Timestamp {
    date(2026, 11, 19)
        .at(9, 41, 0, 0)
        .to_zoned(vienna())
        .unwrap()
        .timestamp()
}

/// The built-in demo config with its first venue only, as most kiosks have one (the demo's
/// second, the bistro, is in tests/ui/venues.rs): venue "demo" in Europe/Vienna, serving
/// 12:00, ordering until 11:00, cancelling until 10:00; badges 1001 Anna Berger, 1002 Michael
/// Kaufmann, ….
fn config(data_dir: &Path) -> Config {
    let mut config = canteen_kiosk::config::demo(data_dir.to_path_buf());
    config.venues.truncate(1);
    config
}

/// The build-time floor the fixture's kiosk trusts its clock from (November 2026).
fn clock_floor() -> Timestamp {
    date(2026, 11, 1)
        .at(0, 0, 0, 0)
        .to_zoned(TimeZone::UTC)
        .unwrap()
        .timestamp()
}

struct Fixture {
    ui: KioskUi,
    /// The config the kiosk was given (a sync engine beside it takes the same).
    config: Arc<Config>,
    worker: Store,
    clock: ManualClock,
    listeners: Listeners,
    status: SharedStatus,
    _dir: PathBuf,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        Fixture::with_config(name, |_| {})
    }

    fn with_config(name: &str, change: impl FnOnce(&mut Config)) -> Fixture {
        Fixture::build(name, |_| {}, change)
    }

    /// A kiosk whose database file `prepare` wrote before it was opened.
    fn from_file(name: &str, prepare: impl FnOnce(&Path)) -> Fixture {
        Fixture::build(name, prepare, |_| {})
    }

    fn build(name: &str, prepare: impl FnOnce(&Path), change: impl FnOnce(&mut Config)) -> Fixture {
        init_backend();
        let dir = unique_dir(name);
        let path = dir.join("kiosk.sqlite");
        prepare(&path);
        let (mut store, _) = Store::open(&path).unwrap();
        let today = date(2026, 11, 19);
        let days: Vec<_> = (0..7)
            .map(|i| demo_menu_day("demo", today.checked_add(i.days()).unwrap()))
            .collect();
        store.put_menu_days(&days, t0(), "demo").unwrap();
        let worker = Store::connect(&path).unwrap();
        let clock = ManualClock::new(t0());
        let mut config = config(&dir);
        change(&mut config);
        let config = Arc::new(config);
        let kiosk = Kiosk::new(config.clone(), store, Arc::new(clock.clone()))
            .with_clock_floor(clock_floor());
        let status = SharedStatus::default();
        let listeners = Listeners::default();
        let ui = KioskUi::new(kiosk, status.clone()).unwrap();
        ui.listen(&listeners);
        ui.window().show().unwrap();
        // Portrait, where the menu is one day at a time (day tabs and dish rows), which most
        // tests drive; the week at a glance (landscape) has its own tests in tests/ui/week.rs.
        ui.window()
            .window()
            .set_size(slint::PhysicalSize::new(480, 800));
        settle();
        Fixture {
            ui,
            config,
            worker,
            clock,
            listeners,
            status,
            _dir: dir,
        }
    }

    fn api(&self) -> Api<'_> {
        self.ui.window().global::<Api>()
    }

    fn kitchen(&self) -> KitchenApi<'_> {
        self.ui.window().global::<KitchenApi>()
    }

    fn admin(&self) -> AdminApi<'_> {
        self.ui.window().global::<AdminApi>()
    }

    /// Types like a badge reader: digits and Enter, at once.
    fn type_keys(&self, text: &str) {
        for c in text.chars() {
            let text: slint::SharedString = c.to_string().into();
            self.ui
                .window()
                .window()
                .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
            self.ui
                .window()
                .window()
                .dispatch_event(WindowEvent::KeyReleased { text });
        }
        settle();
    }

    fn find(&self, label: &str) -> Option<ElementHandle> {
        settle();
        ElementHandle::find_by_accessible_label(self.ui.window(), label).next()
    }

    fn tap(&self, label: &str) {
        let el = self
            .find(label)
            .unwrap_or_else(|| panic!("no element labelled {label:?}"));
        el.invoke_accessible_default_action();
        settle();
    }

    fn dish_name(&self, row: usize) -> String {
        self.api()
            .get_dishes()
            .row_data(row)
            .unwrap()
            .name
            .to_string()
    }

    fn orders_of(&self, badge: &str) -> Vec<canteen_kiosk::domain::Order> {
        self.worker
            .orders(&OrderFilter {
                badge: Some(badge),
                ..OrderFilter::default()
            })
            .unwrap()
    }

    /// Moves an order as the sync worker would, then notifies (as the worker does).
    fn worker_moves(&mut self, id: &str, events: &[OrderEvent], reason: Option<&str>) {
        let mut order = self.worker.order(id).unwrap().unwrap();
        for ev in events {
            let from = order.state;
            order.apply(*ev, self.clock.now()).unwrap();
            order.reason = reason.map(str::to_string);
            assert!(
                self.worker
                    .save_transition(&order, from, Some("test"), OutboxChange::None)
                    .unwrap()
            );
        }
        self.listeners.notify(Change::Orders);
        // No event loop in these tests: apply what the worker reported.
        self.ui.pump();
        settle();
    }

    fn badge_in(&self) {
        self.type_keys("1001\n");
        assert_eq!(self.api().get_screen(), Screen::Menu);
    }

    /// Badges in, orders today's dish `row` in two taps, logs out; returns the order id.
    fn order_as(&self, badge: &str, row: usize) -> String {
        self.type_keys(&format!("{badge}\n"));
        assert_eq!(self.api().get_screen(), Screen::Menu);
        self.tap(&self.dish_name(row));
        self.tap("Order now");
        let id = self.api().get_sheet_order().id.to_string();
        self.tap("Done");
        self.tap("Log out");
        id
    }

    /// The worker gives up on the order's outbox row and parks it; returns the row id.
    fn park(&mut self, order_id: &str, error: &str) -> i64 {
        let row = self
            .worker
            .outbox_rows(OutboxStatus::Pending)
            .unwrap()
            .into_iter()
            .find(|r| r.order_id == order_id)
            .expect("a pending outbox row")
            .id;
        self.worker
            .change_outbox(
                order_id,
                OutboxChange::Park {
                    row,
                    error: error.to_string(),
                },
                self.clock.now(),
            )
            .unwrap();
        self.listeners.notify(Change::Status);
        self.ui.pump();
        settle();
        row
    }

    fn kitchen_counts(&self) -> Vec<(String, i32, i32)> {
        self.kitchen()
            .get_counts()
            .iter()
            .map(|c| (c.dish.to_string(), c.confirmed, c.pending))
            .collect()
    }

    fn pickups(&self) -> Vec<(String, OrderStatus, bool)> {
        self.kitchen()
            .get_pickups()
            .iter()
            .map(|p| (p.name.to_string(), p.status, p.changed))
            .collect()
    }

    /// The name of today's first dish on the idle screen.
    fn first_dish(&self) -> String {
        self.api()
            .get_today_dishes()
            .row_data(0)
            .unwrap()
            .name
            .to_string()
    }

    fn seconds(&self, n: u64) {
        for _ in 0..n {
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(1000));
        }
    }
}

#[test]
fn badge_in_order_and_follow_the_state() {
    let mut f = Fixture::new("order");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    f.badge_in();
    assert_eq!(f.api().get_user_name(), "Anna");
    assert!(f.find("Hello, Anna!").is_some(), "greets by name");

    // Two taps: the dish, then Order.
    let dish = f.dish_name(0);
    f.tap(&dish);
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmOrder);
    assert_eq!(f.api().get_sheet_total(), "€7.20");
    f.tap("Order now");
    assert_eq!(f.api().get_sheet(), Sheet::OrderPlaced);

    // Saved locally before anything was sent.
    let orders = f.orders_of("1001");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].state, OrderState::Queued);
    assert_eq!(orders[0].lines[0].name, dish);
    assert_eq!(f.api().get_sheet_order().status, OrderStatus::Queued);
    assert!(f.find("Saved — will be sent").is_some());

    // The worker sends it, then the kitchen confirms: the sheet follows.
    let id = orders[0].id.clone();
    f.worker_moves(&id, &[OrderEvent::SendStarted, OrderEvent::Accepted], None);
    assert_eq!(f.api().get_sheet_order().status, OrderStatus::Sent);
    assert!(f.find("Sent to the kitchen").is_some());
    f.worker_moves(&id, &[OrderEvent::KitchenConfirmed], None);
    assert_eq!(f.api().get_sheet_order().status, OrderStatus::Confirmed);
    assert!(f.find("Confirmed by the kitchen").is_some());

    f.tap("Done");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    f.tap("My orders");
    assert_eq!(f.api().get_screen(), Screen::Orders);
    let rows = f.api().get_orders();
    assert_eq!(rows.row_count(), 1);
    assert_eq!(rows.row_data(0).unwrap().status, OrderStatus::Confirmed);
}

#[test]
fn ordering_the_same_day_twice_asks_first() {
    let f = Fixture::new("twice");
    f.badge_in();
    let first = f.dish_name(0);
    let second = f.dish_name(1);
    f.tap(&first);
    f.tap("Order now");
    f.tap("Done");

    f.tap(&second);
    assert_eq!(f.api().get_sheet(), Sheet::OrderTwice);
    let existing: Vec<String> = f
        .api()
        .get_sheet_existing()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(existing, vec![first.clone()]);
    f.tap("No, go back");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert_eq!(f.orders_of("1001").len(), 1);

    f.tap(&second);
    f.tap("Yes, order another");
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmOrder);
    f.tap("Order now");
    assert_eq!(f.orders_of("1001").len(), 2);
}

#[test]
fn cancel_asks_then_cancels() {
    let f = Fixture::new("cancel");
    f.badge_in();
    let dish = f.dish_name(0);
    f.tap(&dish);
    f.tap("Order now");
    f.tap("My orders");
    let row = f.api().get_orders().row_data(0).unwrap();
    assert!(row.can_cancel);
    assert_eq!(row.cancel_until, "10:00");

    f.tap(&format!("Cancel order {dish}"));
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmCancel);
    f.tap("Keep order");
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Queued);

    f.tap(&format!("Cancel order {dish}"));
    f.tap("Yes, cancel it");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    // Not yet sent: cancelled right here.
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Cancelled);
    let row = f.api().get_orders().row_data(0).unwrap();
    assert_eq!(row.status, OrderStatus::Cancelled);
    assert!(!row.can_cancel);
    assert!(
        f.find(&format!("Cancel order {dish}")).is_none(),
        "no cancel button any more"
    );
}

#[test]
fn refused_and_kitchen_cancelled_orders_show_the_reason() {
    let mut f = Fixture::new("reasons");
    f.badge_in();
    f.tap(&f.dish_name(0));
    f.tap("Order now");
    let id = f.orders_of("1001")[0].id.clone();
    f.worker_moves(&id, &[OrderEvent::SendStarted, OrderEvent::Accepted], None);
    f.worker_moves(&id, &[OrderEvent::KitchenCancelled], Some("Out of salmon"));
    assert_eq!(
        f.api().get_sheet_order().status,
        OrderStatus::KitchenCancelled
    );
    assert_eq!(f.api().get_sheet_order().reason, "Out of salmon");
    f.tap("My orders");
    let row = f.api().get_orders().row_data(0).unwrap();
    assert_eq!(row.status, OrderStatus::KitchenCancelled);
    assert!(!row.can_cancel);
}

#[test]
fn logs_out_by_itself_with_a_countdown() {
    let f = Fixture::new("logout");
    f.badge_in();
    f.tap(&f.dish_name(0));
    f.tap("Order now");
    f.tap("Done");
    f.seconds(45);
    assert!(!f.api().get_logout_warning());
    f.seconds(6);
    assert!(
        f.api().get_logout_warning(),
        "the last seconds are counted down"
    );
    assert!(f.find("Logging out in 9 seconds").is_some());

    // A touch keeps the session.
    f.tap("Stay logged in");
    assert!(!f.api().get_logout_warning());
    f.seconds(30);
    assert_eq!(f.api().get_screen(), Screen::Menu);

    f.seconds(30);
    assert_eq!(f.api().get_screen(), Screen::Idle);
    assert_eq!(f.api().get_user_name(), "");
    assert_eq!(
        f.api().get_orders().row_count(),
        0,
        "nothing of the previous person is left"
    );
    assert_eq!(f.api().get_dishes().row_count(), 0);
    assert_eq!(f.api().get_days().row_count(), 0);
    assert_eq!(f.api().get_sheet(), Sheet::None);
}

#[test]
fn log_out_button() {
    let f = Fixture::new("logout-button");
    f.badge_in();
    f.tap("Log out");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    assert_eq!(f.api().get_user_name(), "");
    // Another person can badge in right away.
    f.type_keys("1002\n");
    assert_eq!(f.api().get_user_name(), "Michael");
}

#[test]
fn unknown_badges_are_explained_and_rate_limited() {
    let f = Fixture::new("unknown");
    f.type_keys("4711\n");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    assert_eq!(f.api().get_notice(), Problem::UnknownBadge);
    assert!(
        f.find(
            "This badge is not registered at this kiosk. Please ask the canteen team to add it."
        )
        .is_some()
    );
    f.type_keys("4712\n");
    f.type_keys("4713\n");
    assert_eq!(f.api().get_notice(), Problem::BadgePaused);
    // While paused even a known badge is ignored.
    f.type_keys("1001\n");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    // The notice goes away by itself.
    f.seconds(10);
    assert_eq!(f.api().get_notice(), Problem::None);
}

#[test]
fn stray_keys_are_not_a_badge() {
    let f = Fixture::new("stray");
    f.type_keys("10a01\n");
    f.type_keys("12\n");
    assert_eq!(f.api().get_screen(), Screen::Idle);
    assert_eq!(f.api().get_notice(), Problem::None);
    // A tapped demo badge works like a read one.
    f.tap("Demo badge 1002 (Michael Kaufmann)");
    assert_eq!(f.api().get_user_name(), "Michael");
}

#[test]
fn closed_days_cannot_be_ordered() {
    let f = Fixture::new("closed");
    f.badge_in();
    let days = f.api().get_days();
    assert_eq!(days.row_count(), 5);
    assert_eq!(days.row_data(0).unwrap().state, DayState::Open);
    assert_eq!(
        days.row_data(2).unwrap().state,
        DayState::NoMenu,
        "Saturday"
    );

    f.tap("Saturday 21 Nov");
    assert_eq!(f.api().get_selected_day(), 2);
    assert_eq!(f.api().get_dishes().row_count(), 0);

    // Past today's cutoff (11:00) the day closes on the next tick and its dishes are read-only.
    f.tap("Today 19 Nov");
    f.clock.advance(SignedDuration::from_mins(90));
    f.seconds(1);
    assert_eq!(
        f.api().get_days().row_data(0).unwrap().state,
        DayState::CutoffPassed
    );
    f.tap(&f.dish_name(0));
    assert_eq!(
        f.api().get_sheet(),
        Sheet::None,
        "a closed day's dish does not open the order sheet"
    );
    assert!(f.orders_of("1001").is_empty());
}

#[test]
fn countdown_shows_minutes_then_seconds_in_the_last_hour() {
    let f = Fixture::new("countdown");
    f.badge_in();
    let left = || {
        let l = f.api().get_days().row_data(0).unwrap().left;
        (l.hours, l.minutes, l.seconds)
    };
    assert_eq!(left(), (1, 19, 0));
    // From an hour up the countdown shows "1 h 18 min": it changes (and redraws) once a
    // minute, not every second.
    f.clock.advance(SignedDuration::from_secs(1));
    f.seconds(1);
    assert_eq!(left(), (1, 18, 0));
    // 10:00:01: under an hour left, the seconds tick.
    f.clock.advance(SignedDuration::from_secs(19 * 60));
    f.seconds(1);
    assert_eq!(left(), (0, 59, 59));
    f.clock.advance(SignedDuration::from_secs(1));
    f.seconds(1);
    assert_eq!(left(), (0, 59, 58));
}

#[test]
fn offline_banner_follows_the_worker_status() {
    let f = Fixture::new("offline");
    assert!(!f.api().get_offline());
    f.status.update(|s| {
        s.offline = true;
        s.queued = 3;
    });
    f.listeners.notify(Change::Status);
    f.ui.pump();
    assert!(f.api().get_offline());
    assert_eq!(f.api().get_queued(), 3);
    assert!(f
        .find("The canteen cannot be reached right now. Orders are saved here and sent as soon as it is back (3 waiting).")
        .is_some());
}

#[test]
fn language_switch_on_the_idle_screen() {
    let f = Fixture::new("language");
    assert_eq!(
        f.api().get_today_dishes().row_data(0).unwrap().price,
        "€7.20"
    );
    f.tap("Deutsch");
    assert_eq!(f.api().get_language(), "de");
    assert!(f.find("Uhrzeit").is_some(), "texts are translated");
    assert_eq!(
        f.api().get_today_dishes().row_data(0).unwrap().price,
        "7,20 €"
    );
    f.tap("Português");
    assert_eq!(f.api().get_language(), "pt-BR");
    assert!(f.find("Hora").is_some());
    assert_eq!(
        f.api().get_today_dishes().row_data(0).unwrap().price,
        "€ 7,20"
    );
    f.tap("English");
    assert!(f.find("Time").is_some());
}

/// Every @tr() string of ui/**/*.slint has a translation in every shipped language.
#[test]
fn every_text_is_translated() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids = Vec::new();
    let mut stack = vec![root.join("ui")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "slint") {
                ids.extend(tr_ids(&std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    assert!(ids.len() > 50, "found the @tr strings");
    for lang in ["de", "pt-BR"] {
        let po = std::fs::read_to_string(root.join(format!(
            "ui/translations/{lang}/LC_MESSAGES/canteen-kiosk.po"
        )))
        .unwrap();
        let translated = po_ids(&po);
        let missing: Vec<_> = ids.iter().filter(|id| !translated.contains(*id)).collect();
        assert!(
            missing.is_empty(),
            "{lang} lacks translations for {missing:?}"
        );
    }
}

/// The message ids of `@tr("…")` (the id after `=>` where a context is given).
fn tr_ids(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("@tr(") {
        rest = &rest[at + 4..];
        let Some((first, after)) = string_literal(rest) else {
            continue;
        };
        let trimmed = after.trim_start();
        let id = match trimmed.strip_prefix("=>") {
            Some(more) => string_literal(more).map(|(s, _)| s).unwrap_or(first),
            None => first,
        };
        out.push(id);
    }
    out
}

fn string_literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '"' => return Some((out, &s[i + 1..])),
            _ => out.push(c),
        }
    }
    None
}

/// Message ids with a non-empty translation.
fn po_ids(po: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut id: Option<String> = None;
    for line in po.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            id = string_literal(rest).map(|(s, _)| s);
        } else if let Some(rest) = line.strip_prefix("msgstr") {
            let value = rest
                .split_once(' ')
                .and_then(|(_, v)| string_literal(v))
                .map(|(s, _)| s);
            if let (Some(i), Some(v)) = (&id, value)
                && !i.is_empty()
                && !v.is_empty()
                && !out.contains(i)
            {
                out.push(i.clone());
            }
        }
    }
    out
}

#[test]
fn screenshots_render_every_state() {
    let dir = std::env::var_os("KIOSK_SHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| unique_dir("shots"));
    // English at every size; German, the longest words, at the narrowest (portrait 480×800).
    // All of them (`--screenshot`) take three times as long: CI time.
    let sizes_for = |lang: Language| match lang {
        Language::En => SHOT_SIZES.to_vec(),
        Language::De => vec![(480, 800)],
        Language::PtBr => vec![],
    };
    let files = canteen_kiosk::ui::render_screenshots_at(&dir, sizes_for).expect("renders");
    // 36 states each.
    assert_eq!(files.len(), 36 * (SHOT_SIZES.len() + 1));
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("de-480x800-36-courses.png"))
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("en-800x480-24-dimmed.png"))
    );
    assert!(files.iter().any(|f| f.ends_with("de-480x800-01-idle.png")));
    assert!(files.iter().any(|f| f.ends_with("en-800x480-25-week.png")));
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("de-480x800-27-week-cancel-one.png"))
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("en-800x480-29-menu-large-contrast.png"))
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("de-480x800-31-venue-sheet.png"))
    );
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("en-600x1024-23-my-orders-peer.png"))
    );
    for file in &files {
        let decoder =
            png::Decoder::new(std::io::BufReader::new(std::fs::File::open(file).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let name = file.file_name().unwrap().to_string_lossy();
        let size = SHOT_SIZES
            .into_iter()
            .find(|(w, h)| name.contains(&format!("-{w}x{h}-")))
            .unwrap_or_else(|| panic!("{name} names none of the sizes"));
        assert_eq!((info.width, info.height), size, "{name}");
        // Not blank: many different colours.
        let mut colours: Vec<[u8; 3]> = buf[..info.buffer_size()]
            .chunks(3)
            .step_by(7)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(
            colours.len() > 20,
            "{name} looks blank ({} colours)",
            colours.len()
        );
    }
    if std::env::var_os("KIOSK_SHOT_DIR").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn kitchen_badge_shows_the_day_and_follows_the_orders() {
    let mut f = Fixture::new("kitchen");
    let dish = f.first_dish();
    let anna = f.order_as("1001", 0);
    f.order_as("1002", 0);

    f.type_keys("9001\n");
    assert_eq!(
        f.api().get_screen(),
        Screen::Kitchen,
        "not the employee menu"
    );
    assert_eq!(f.kitchen_counts(), vec![(dish.clone(), 0, 2)]);
    assert_eq!(
        f.pickups(),
        vec![
            ("Anna Berger".to_string(), OrderStatus::Queued, false),
            ("Michael Kaufmann".to_string(), OrderStatus::Queued, false),
        ],
        "by name, nothing highlighted at the first look"
    );
    assert!(
        f.find(&format!("Anna Berger, {dish}, Not sent yet"))
            .is_some()
    );

    // The worker sends Anna's order and the kitchen confirms it: the counts follow.
    f.worker_moves(
        &anna,
        &[
            OrderEvent::SendStarted,
            OrderEvent::Accepted,
            OrderEvent::KitchenConfirmed,
        ],
        None,
    );
    assert_eq!(f.kitchen_counts(), vec![(dish.clone(), 1, 1)]);
    assert_eq!(
        f.pickups(),
        vec![
            ("Anna Berger".to_string(), OrderStatus::Confirmed, true),
            ("Michael Kaufmann".to_string(), OrderStatus::Queued, false),
        ],
        "what changed since the last look is highlighted"
    );
    assert!(f.find(&format!("Anna Berger, {dish}, Confirmed")).is_some());

    // By initial.
    let letters: Vec<String> = f
        .kitchen()
        .get_letters()
        .iter()
        .map(|l| l.to_string())
        .collect();
    assert_eq!(letters, vec!["A", "M"]);
    f.tap("Names starting with M");
    assert_eq!(f.pickups().len(), 1);
    assert_eq!(f.pickups()[0].0, "Michael Kaufmann");
    f.tap("All names");
    assert_eq!(f.pickups().len(), 2);

    // Other days.
    f.tap("Next day");
    assert_eq!(f.kitchen().get_offset(), 1);
    assert!(f.pickups().is_empty());
    assert!(f.find("Nobody has ordered for this day yet.").is_some());
    f.tap("Previous day");
    f.tap("Previous day");
    assert_eq!(f.kitchen().get_offset(), -1);
    f.tap("Today");
    assert_eq!(f.kitchen().get_offset(), 0);
    assert_eq!(f.pickups().len(), 2);

    // Export.
    f.tap("Export CSV");
    let path = PathBuf::from(f.kitchen().get_export_path().to_string());
    assert!(path.ends_with("orders-demo-2026-11-19.csv"), "{path:?}");
    let csv = std::fs::read_to_string(&path).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("Anna Berger"));
    assert!(f.find(&format!("Saved as {}", path.display())).is_some());

    // A kitchen badge session logs out by itself like any other.
    f.seconds(61);
    assert_eq!(f.api().get_screen(), Screen::Idle);
}

/// Where the vendor lists every order of the venue (Liefersoft), the kitchen shows them all,
/// merged with the kiosk's own, and says where the list comes from and how old it is.
#[test]
fn kitchen_shows_the_vendors_full_list_and_says_so() {
    let mut f = Fixture::new("kitchen-list");
    let dish = f.first_dish();
    let anna = f.order_as("1001", 0);
    f.type_keys("9001\n");
    assert_eq!(f.kitchen().get_source(), KitchenSource::ThisKiosk);
    assert!(
        f.find("Orders this kiosk knows of. Highlighted: changed since the last look.")
            .is_some()
    );

    // The worker stores the vendor's list: an order from the web shop, and Anna's own
    // (which the kiosk shows from its store, once).
    let line = |quantity| ListedLine {
        name: dish.clone(),
        quantity,
        unit_price: None,
    };
    let listed = |ref_id: &str, customer: &str, quantity| ListedOrder {
        ref_id: ref_id.into(),
        day: date(2026, 11, 19),
        customer: customer.into(),
        state: OrderState::Confirmed,
        raw_status: "PROCESSING".into(),
        reason: None,
        lines: vec![line(quantity)],
    };
    f.worker
        .put_day_lists(
            "demo",
            &[date(2026, 11, 19)],
            &[
                listed("web-1", "Erika Muster", 3),
                listed(&anna, "Anna Berger", 1),
            ],
            t0(),
            true,
            date(2026, 11, 12),
        )
        .unwrap();
    f.listeners.notify(Change::Orders);
    f.ui.pump();
    settle();

    assert_eq!(f.kitchen().get_source(), KitchenSource::Vendor);
    assert_eq!(f.kitchen().get_list_time(), "09:41");
    assert!(
        f.find(
            "All orders of the venue, from the vendor's list as of 09:41. Highlighted: \
             changed since the last look."
        )
        .is_some()
    );
    assert_eq!(
        f.pickups(),
        vec![
            ("Anna Berger".to_string(), OrderStatus::Queued, false),
            ("Erika Muster".to_string(), OrderStatus::Confirmed, false),
        ]
    );
    assert_eq!(f.kitchen_counts(), vec![(dish, 3, 1)]);
}

#[test]
fn kitchen_mode_shows_the_kitchen_without_a_badge() {
    let f = Fixture::with_config("kitchen-mode", |c| c.kiosk.mode = Mode::Kitchen);
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    assert!(f.kitchen().get_permanent());
    assert!(
        f.find("Log out").is_none(),
        "a permanent display has no logout"
    );
    f.seconds(120);
    assert_eq!(f.api().get_screen(), Screen::Kitchen, "no automatic logout");
    // Employee badges do nothing here; an admin gets the admin screen and comes back.
    f.type_keys("1001\n");
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    f.type_keys("9999\n");
    assert_eq!(f.api().get_screen(), Screen::Admin);
    f.tap("Log out");
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
}

/// An order whose outbox row is parked still says "queued" in the store; the employee's list
/// and the kitchen show it as parked, with the row's error as the reason.
#[test]
fn a_parked_order_is_shown_as_parked_not_as_queued() {
    let mut f = Fixture::new("parked-order");
    f.badge_in();
    f.tap(&f.dish_name(0));
    f.tap("Order now");
    let order = f.api().get_sheet_order().id.to_string();
    f.tap("Done");
    f.park(&order, "POST newOrder: Order Mesa answered 403");
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Queued);
    f.tap("My orders");
    let row = f.api().get_orders().row_data(0).unwrap();
    assert_eq!(row.status, OrderStatus::Parked);
    assert_eq!(row.reason, "POST newOrder: Order Mesa answered 403");
    assert!(f.find("Not sent: waiting for an admin").is_some());
    assert!(f.find("Saved — will be sent").is_none());
    f.tap("Log out");

    f.type_keys("9001\n");
    let pickups = f.pickups();
    assert_eq!(pickups.len(), 1, "{pickups:?}");
    assert_eq!(pickups[0].1, OrderStatus::Parked);
    assert!(f.find("Held for an admin").is_some());
}

#[test]
fn admin_sees_a_parked_row_and_retry_makes_it_pending() {
    let mut f = Fixture::new("admin-retry");
    let order = f.order_as("1001", 0);
    let row = f.park(&order, "HTTP 422: unknown article");
    f.ui.set_config_problems("kiosk.toml:7: unknown key \"idle_logut\"");

    f.type_keys("9999\n");
    assert_eq!(f.api().get_screen(), Screen::Admin);
    let parked = f.admin().get_parked();
    assert_eq!(parked.row_count(), 1);
    let p = parked.row_data(0).unwrap();
    assert_eq!(i64::from(p.row), row);
    assert_eq!(p.name, "Anna Berger");
    assert_eq!(p.error, "HTTP 422: unknown article");
    assert!(f.find("HTTP 422: unknown article").is_some());
    assert!(f.find("kiosk.toml:7: unknown key \"idle_logut\"").is_some());
    let admin = f.admin().get_info();
    assert_eq!(admin.kiosk_id, "demo");
    assert_eq!(admin.config_path, "", "the built-in demo");
    assert!(admin.clock_trusted);
    assert_eq!(admin.db_health, "ok");

    f.tap(&format!("Retry: Anna Berger, {}", p.dish));
    let r = f.worker.outbox_row(row).unwrap().unwrap();
    assert_eq!(r.status, OutboxStatus::Pending);
    assert_eq!(r.last_error.as_deref(), Some("retried by admin"));
    assert_eq!(f.admin().get_parked().row_count(), 0);
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Queued);
}

#[test]
fn discard_asks_twice_and_the_order_is_not_sent() {
    let mut f = Fixture::new("admin-discard");
    let order = f.order_as("1001", 0);
    let row = f.park(&order, "HTTP 422: unknown article");
    f.type_keys("9999\n");
    let dish = f.admin().get_parked().row_data(0).unwrap().dish;
    let discard = format!("Discard: Anna Berger, {dish}");

    // First question, answered no.
    f.tap(&discard);
    assert_eq!(f.api().get_sheet(), Sheet::DiscardConfirm);
    f.tap("Keep trying later");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    // Second question, answered no.
    f.tap(&discard);
    f.tap("Discard…");
    assert_eq!(f.api().get_sheet(), Sheet::DiscardConfirmAgain);
    f.tap("No, keep it");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert_eq!(
        f.worker.outbox_row(row).unwrap().unwrap().status,
        OutboxStatus::Parked
    );
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Queued);

    // Both answered yes.
    f.tap(&discard);
    f.tap("Discard…");
    f.tap("Yes, discard for good");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert_eq!(
        f.worker.outbox_row(row).unwrap().unwrap().status,
        OutboxStatus::Done
    );
    let o = &f.orders_of("1001")[0];
    assert_eq!(o.state, OrderState::Rejected);
    assert_eq!(o.reason.as_deref(), Some("discarded by an admin"));
    assert_eq!(f.admin().get_parked().row_count(), 0);
    assert!(f.find("Parked: nothing is waiting for an admin").is_some());
}

#[test]
fn admin_sees_the_salvage_and_acknowledging_clears_it() {
    let f = Fixture::from_file("admin-salvage", |path| {
        std::fs::write(path, b"not a database, a shopping list\n".repeat(200)).unwrap();
    });
    f.type_keys("9999\n");
    assert_eq!(f.api().get_screen(), Screen::Admin);
    let info = f.admin().get_info();
    assert!(info.has_salvage);
    assert!(info.salvage_moved_to.contains(".corrupt-"), "{info:?}");
    assert!(!info.salvage_reason.is_empty());
    assert!(
        f.find("The database was damaged and has been replaced")
            .is_some()
    );

    f.tap("Acknowledge the replaced database");
    assert!(!f.admin().get_info().has_salvage);
    assert!(
        f.find("The database was damaged and has been replaced")
            .is_none()
    );
    assert!(
        f.worker.salvage_record().unwrap().is_none(),
        "acknowledged in the store"
    );
}

#[test]
fn accepting_the_clock_asks_once_and_turns_the_doubt_off() {
    let f = Fixture::new("admin-clock");
    // An earlier run saw a time two days ahead: the clock now looks as if it went back.
    f.worker
        .note_seen(t0() + SignedDuration::from_hours(48))
        .unwrap();
    f.type_keys("9999\n");
    let info = f.admin().get_info();
    assert!(!info.clock_trusted);
    assert!(!info.clock_doubt.is_empty());

    f.tap("Accept the clock as it is now");
    assert_eq!(f.api().get_sheet(), Sheet::AcceptClock);
    f.tap("No, leave it");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert!(!f.admin().get_info().clock_trusted, "nothing accepted yet");

    f.tap("Accept the clock as it is now");
    f.tap("Yes, the time is right");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert!(f.admin().get_info().clock_trusted);
    assert!(!f.api().get_clock_doubt());
    assert!(f.find("Accept the clock as it is now").is_none());
    assert_eq!(f.worker.last_seen().unwrap(), Some(t0()));
}

#[test]
fn out_of_service_shows_why_and_leaves_once_the_store_opens() {
    init_backend();
    let dir = unique_dir("out-of-service");
    // The data dir is a file: the store cannot be created (a real failure, no corruption).
    let data = dir.join("data");
    std::fs::write(&data, "in the way").unwrap();
    let path = data.join("kiosk.sqlite");
    let attempt = move || {
        Store::open(&path)
            .map(|(store, _)| store)
            .map_err(|e| format!("{}: {e} — {}", path.display(), e.advice()))
    };
    let first = attempt().map(|_| ()).unwrap_err();
    let info = OutOfServiceInfo::from_config(&config(&dir), Arc::new(ManualClock::new(t0())));
    let oos = OutOfServiceUi::new(info, &first).unwrap();
    oos.window().show().unwrap();
    settle();
    let find = |label: &str| {
        settle();
        ElementHandle::find_by_accessible_label(oos.window(), label).next()
    };
    assert!(find("This kiosk cannot take orders right now").is_some());
    assert!(find(&format!("Reason: {first}")).is_some(), "{first}");
    assert!(find("09:41").is_some(), "the time, in the venue's zone");

    oos.retry(attempt, Duration::from_millis(20)).unwrap();
    // A badge read here starts nothing and is not kept for later.
    for c in "1001\n".chars() {
        let text: slint::SharedString = c.to_string().into();
        oos.window()
            .window()
            .dispatch_event(WindowEvent::KeyPressed { text });
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(!oos.pump(), "still broken");
    assert!(oos.take_started().is_none());

    // The kiosk screen takes the same window over once the store opens.
    let kiosk_ui: Rc<RefCell<Option<KioskUi>>> = Rc::default();
    let slot = kiosk_ui.clone();
    let kiosk_config = Arc::new(config(&dir));
    oos.on_started(move |window, store| {
        assert_eq!(store.health().unwrap(), "ok");
        let kiosk = Kiosk::new(kiosk_config, store, Arc::new(ManualClock::new(t0())));
        *slot.borrow_mut() = Some(KioskUi::with_window(window, kiosk, SharedStatus::default()));
    });

    // The admin mends it: the retry opens the store by itself.
    std::fs::remove_file(&data).unwrap();
    // The retry on its own thread may create the directory first (it would on a kiosk too).
    std::fs::create_dir_all(&data).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !oos.pump() {
        assert!(
            std::time::Instant::now() < deadline,
            "never left the screen"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        kiosk_ui.borrow().is_some(),
        "the kiosk took the window over"
    );
    assert!(find("This kiosk cannot take orders right now").is_none());
    assert!(find("Tap your badge").is_some(), "the idle screen");
}

// ---- the orders of the canteen's other kiosks (`[peers] from`)

const PEER: &str = "http://door-kiosk:8470";
const PEER_TOKEN: &str = "canteen-shared-token-0123";

/// This kiosk reads the door kiosk's feed.
fn reads_the_door_kiosk(c: &mut Config) {
    c.peers = Some(PeerSettings {
        listen: None,
        from: vec![PEER.to_string()],
        token: Secret::new(PEER_TOKEN),
    });
}

/// An order of `badge` for today at 12:00 as the door kiosk's feed gives it.
fn door_order(id: &str, badge: &str, employee: &str, dish: &str, state: OrderState) -> PeerRow {
    let day = date(2026, 11, 19);
    let key = badge_key(&Secret::new(PEER_TOKEN), badge);
    let order = FeedOrder {
        id: id.into(),
        venue: "demo".into(),
        day,
        serving: day.at(12, 0, 0, 0).to_zoned(vienna()).unwrap().timestamp(),
        employee: employee.into(),
        badge_key: key.clone(),
        lines: vec![FeedLine {
            dish: dish.into(),
            quantity: 1,
            unit_price_cents: 650,
        }],
        state: state.as_str().into(),
        parked: false,
        reason: None,
        created_at: t0(),
        updated_at: t0(),
    };
    PeerRow {
        peer: PEER.into(),
        id: id.into(),
        venue: "demo".into(),
        day,
        badge_key: key,
        body: serde_json::to_string(&order).unwrap(),
    }
}

impl Fixture {
    /// The door kiosk answers now with all of its orders, as the peer reader keeps them.
    fn door_answers(&mut self, rows: Vec<PeerRow>) {
        self.worker
            .save_peer_page(&PeerPage {
                peer: PEER.into(),
                kiosk_name: "Door kiosk".into(),
                epoch: "door-e1".into(),
                cursor: rows.len() as i64,
                full: true,
                rows,
                heard_at: self.clock.now(),
                keep_from: date(2026, 11, 19),
            })
            .unwrap();
        self.listeners.notify(Change::Orders);
        self.ui.pump();
        settle();
    }

    fn peer_lines(&self) -> Vec<(String, String, bool, String)> {
        self.kitchen()
            .get_peers()
            .iter()
            .map(|p| {
                (
                    p.name.to_string(),
                    p.heard_at.to_string(),
                    p.stale,
                    p.error.to_string(),
                )
            })
            .collect()
    }
}

/// The kitchen lists the door kiosk's orders beside its own, each with where it was placed,
/// and the footer says when the door kiosk was last heard from, or that it went stale: by
/// time alone (no answer for more than 50 s) and after a failed read.
#[test]
fn kitchen_shows_a_peers_orders_and_when_it_was_heard_from() {
    let mut f = Fixture::with_config("kitchen-peer", reads_the_door_kiosk);
    let dish = f.first_dish();
    f.order_as("1001", 0);
    f.type_keys("9001\n");
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    assert_eq!(
        f.peer_lines(),
        vec![(PEER.to_string(), String::new(), true, String::new())]
    );
    assert!(
        f.find(&format!("Stale: {PEER}: not heard from yet"))
            .is_some()
    );

    f.door_answers(vec![door_order(
        "door-1",
        "1002",
        "Michael K.",
        &dish,
        OrderState::Confirmed,
    )]);
    assert_eq!(
        f.pickups(),
        vec![
            ("Anna Berger".to_string(), OrderStatus::Queued, false),
            ("Michael K.".to_string(), OrderStatus::Confirmed, false),
        ]
    );
    let placed: Vec<String> = f
        .kitchen()
        .get_pickups()
        .iter()
        .map(|p| p.placed_at.to_string())
        .collect();
    assert_eq!(placed, vec!["".to_string(), "Door kiosk".to_string()]);
    assert!(
        f.find(&format!(
            "Michael K., {dish}, Confirmed, Placed at Door kiosk"
        ))
        .is_some()
    );
    assert!(f.find("Placed at Door kiosk").is_some());
    assert_eq!(f.kitchen_counts(), vec![(dish.clone(), 1, 1)]);
    assert!(
        f.find(
            "Orders this kiosk and 1 other kiosk know of. Highlighted: changed since the last \
             look."
        )
        .is_some()
    );
    assert_eq!(
        f.peer_lines(),
        vec![(
            "Door kiosk".to_string(),
            "09:41".to_string(),
            false,
            String::new()
        )]
    );
    assert!(f.find("Door kiosk: heard from at 09:41").is_some());

    // No answer for 51 s: stale on the next tick, its orders still shown.
    f.clock.advance(SignedDuration::from_secs(51));
    f.seconds(1);
    assert_eq!(
        f.peer_lines(),
        vec![(
            "Door kiosk".to_string(),
            "09:41".to_string(),
            true,
            String::new()
        )]
    );
    assert!(f.find("Stale: Door kiosk: no answer since 09:41").is_some());
    assert_eq!(f.pickups().len(), 2, "the last known orders stay");

    // It answers again at 09:42, then a read fails: stale at once, with the error in short.
    f.clock.advance(SignedDuration::from_secs(20));
    f.door_answers(vec![door_order(
        "door-1",
        "1002",
        "Michael K.",
        &dish,
        OrderState::Confirmed,
    )]);
    assert_eq!(f.peer_lines()[0].1, "09:42");
    assert!(!f.peer_lines()[0].2);
    assert!(f.find("Door kiosk: heard from at 09:42").is_some());
    f.clock.advance(SignedDuration::from_secs(5));
    f.worker
        .note_peer_error(PEER, "connection refused (os error 111)", f.clock.now())
        .unwrap();
    f.listeners.notify(Change::Orders);
    f.ui.pump();
    settle();
    assert_eq!(
        f.peer_lines(),
        vec![(
            "Door kiosk".to_string(),
            "09:42".to_string(),
            true,
            "connection refused (os error 111)".to_string()
        )]
    );
    assert!(
        f.find("Stale: Door kiosk: no answer since 09:42 · connection refused (os error 111)")
            .is_some()
    );

    // Where the vendor lists the venue's orders, the footer says the peers' are in it too.
    f.worker
        .put_day_lists(
            "demo",
            &[date(2026, 11, 19)],
            &[],
            t0(),
            true,
            date(2026, 11, 12),
        )
        .unwrap();
    f.listeners.notify(Change::Orders);
    f.ui.pump();
    settle();
    assert_eq!(f.kitchen().get_source(), KitchenSource::Vendor);
    assert!(f.find("With the orders of 1 other kiosk:").is_some());
    assert_eq!(f.pickups().len(), 2);
}

/// An order the employee placed at the door kiosk is in their list, says where it was placed
/// and has no cancel button; asking to cancel it anyway says to do it at that kiosk.
#[test]
fn an_order_placed_at_another_kiosk_is_shown_read_only() {
    let mut f = Fixture::with_config("orders-peer", reads_the_door_kiosk);
    f.badge_in();
    let dish = f.dish_name(0);
    f.tap(&dish);
    f.tap("Order now");
    let own = f.api().get_sheet_order().id.to_string();
    f.tap("Done");
    // The door kiosk's feed comes in while Anna is badged in.
    f.door_answers(vec![
        door_order(
            "door-7",
            "1001",
            "Anna B.",
            "Door Special Soup",
            OrderState::Confirmed,
        ),
        door_order("door-8", "1002", "Michael K.", &dish, OrderState::Queued),
    ]);
    f.tap("My orders");
    let rows: Vec<_> = f.api().get_orders().iter().collect();
    assert_eq!(rows.len(), 2, "Anna's two orders, not Michael's");
    let mine = rows.iter().find(|r| r.id == own.as_str()).unwrap();
    assert!(mine.can_cancel);
    assert_eq!(mine.placed_at, "");
    let door = rows.iter().find(|r| r.id == "door-7").unwrap();
    assert!(!door.can_cancel);
    assert_eq!(door.placed_at, "Door kiosk");
    assert_eq!(door.dish, "Door Special Soup");
    assert_eq!(door.status, OrderStatus::Confirmed);
    assert!(f.find("Placed at Door kiosk").is_some());
    assert!(f.find(&format!("Cancel order {dish}")).is_some());
    assert!(
        f.find("Cancel order Door Special Soup").is_none(),
        "no cancel button for an order placed elsewhere"
    );

    f.api().invoke_cancel_tapped("door-7".into());
    settle();
    assert_eq!(f.api().get_sheet(), Sheet::Problem);
    assert_eq!(f.api().get_problem(), Problem::PlacedElsewhere);
    assert!(
        f.find("This order was placed at Door kiosk. Please cancel it there.")
            .is_some()
    );
    f.tap("OK");
    assert_eq!(f.api().get_sheet(), Sheet::None);
}
