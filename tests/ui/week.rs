//! The week at a glance (issue 16), in landscape: the day columns with this badge's orders
//! and each day's state, ordering and cancelling from there through the usual sheets (the
//! same dish twice, then cancelled one at a time), the arrows and a swipe to the other days,
//! and the day menu kept in portrait. A module of `tests/ui.rs` (its fixture).

use super::*;
use canteen_kiosk::domain::{Order, OrderLine};
use canteen_kiosk::store::OutboxKind;
use canteen_kiosk::ui::generated::{WeekDay, WeekState};
use slint::LogicalPosition;
use slint::platform::PointerEventButton;

impl Fixture {
    /// The window at a size (physical pixels; the testing backend's scale factor is 1).
    fn resize(&self, (w, h): (u32, u32)) {
        self.ui
            .window()
            .window()
            .set_size(slint::PhysicalSize::new(w, h));
        settle();
    }

    /// The kiosk on a 7" panel in landscape (800×480), where the menu is the week.
    fn landscape(name: &str) -> Fixture {
        let f = Fixture::new(name);
        f.resize(SHOT_SIZES[0]);
        f
    }

    fn week(&self) -> Vec<WeekDay> {
        self.api().get_week().iter().collect()
    }

    /// The week's day `d` of November 2026.
    fn week_day(&self, d: i32) -> WeekDay {
        self.week()
            .into_iter()
            .find(|w| w.tab.date.day == d && w.tab.date.month == 11)
            .unwrap_or_else(|| panic!("no {d} November in the week"))
    }

    /// Name of dish `row` on day `d` of November.
    fn week_dish(&self, d: i32, row: usize) -> String {
        let day = self.week_day(d);
        day.dishes.row_data(row).unwrap().dish.name.to_string()
    }

    /// The day columns' headers shown, by their labels' start ("Today 19 Nov").
    fn headers(&self) -> Vec<String> {
        settle();
        i_slint_backend_testing::ElementQuery::from_root(self.ui.window())
            .match_descendants()
            .find_all()
            .iter()
            .filter_map(|e| e.accessible_label())
            .map(|l| l.to_string())
            .filter(|l| l.contains(" · ") && l.split(" · ").count() >= 2)
            .filter(|l| {
                let day = l.split(" · ").next().unwrap_or_default();
                day.ends_with(" Nov") && !l.contains('€')
            })
            .map(|l| l.split(" · ").next().unwrap_or_default().to_string())
            .fold(Vec::new(), |mut v, d| {
                if !v.contains(&d) {
                    v.push(d);
                }
                v
            })
    }

    /// An order of `badge` for dish `row` of day `d` (of November), saved as another kiosk
    /// moment would (the worker's connection).
    fn saved_order(&mut self, badge: &str, d: i8, row: usize) -> String {
        let day = date(2026, 11, d);
        let menu = self.worker.menu_day("demo", day).unwrap().unwrap();
        let article = &menu.menu.articles[row];
        let serving = day.at(12, 0, 0, 0).to_zoned(vienna()).unwrap().timestamp();
        let id = format!("week-{badge}-{d}-{row}");
        let order = Order::new_queued(
            id.clone(),
            "demo",
            badge,
            day,
            serving,
            vec![OrderLine::one_of(article)],
            self.clock.now(),
        );
        self.worker
            .insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))
            .unwrap();
        id
    }

    /// Orders the dish labelled `label` in the usual two taps and closes the sheet.
    fn order_in_week(&self, label: &str) {
        self.tap(label);
        self.tap("Order now");
        self.tap("Done");
    }

    /// A finger drawn across the columns by `dx` pixels (negative: to the left).
    fn swipe(&self, dx: f32) {
        let area = self.find("Next days").unwrap();
        let y = area.absolute_position().y + area.size().height / 2.0;
        let x0 = 400.0;
        let window = self.ui.window().window();
        let button = PointerEventButton::Left;
        let at = |x: f32| LogicalPosition::new(x, y);
        window.dispatch_event(WindowEvent::PointerPressed {
            position: at(x0),
            button,
        });
        for i in 1..=10 {
            i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(16));
            window.dispatch_event(WindowEvent::PointerMoved {
                position: at(x0 + dx * i as f32 / 10.0),
            });
        }
        window.dispatch_event(WindowEvent::PointerReleased {
            position: at(x0 + dx),
            button,
        });
        settle();
    }
}

#[test]
fn the_week_shows_this_badges_orders_and_states() {
    let mut f = Fixture::landscape("week-states");
    f.saved_order("1001", 20, 0);
    f.saved_order("1002", 19, 1);
    f.badge_in();
    assert!(f.find("Next days").is_some(), "the menu is the week");
    assert!(f.find("Today 19 Nov").is_none(), "no day tabs");

    // Thursday and Friday, then next week's Monday to Friday: no weekend.
    let days: Vec<(i32, i32)> = f
        .week()
        .iter()
        .map(|d| (d.tab.date.weekday, d.tab.date.day))
        .collect();
    assert_eq!(
        days,
        [
            (4, 19),
            (5, 20),
            (1, 23),
            (2, 24),
            (3, 25),
            (4, 26),
            (5, 27)
        ]
    );
    // By colour and words: today open with its countdown, tomorrow ordered with its code.
    assert!(
        f.find("Today 19 Nov · Open · 1 h 19 min left").is_some(),
        "{:?}",
        f.headers()
    );
    let friday = f.week_day(20);
    assert_eq!(friday.state, WeekState::Ordered);
    assert_eq!(friday.codes, "M1");
    assert!(f.find("Tomorrow 20 Nov · Ordered · M1").is_some());
    let ordered = f.week_dish(20, 0);
    assert!(
        f.find(&format!("1 portion ordered · {ordered} · Tomorrow 20 Nov"))
            .is_some(),
        "the ordered dish is marked"
    );
    // Michael's order is not Anna's.
    assert_eq!(f.week_day(19).state, WeekState::Open);
    assert_eq!(f.week_day(19).codes, "");

    // Menus are fetched five days ahead: next Thursday has none yet.
    assert_eq!(f.week_day(26).state, WeekState::NoMenu);

    // Past 11:00 today's ordering closes on the next tick, and its dishes with it.
    f.clock.advance(SignedDuration::from_mins(80));
    f.seconds(1);
    assert_eq!(f.week_day(19).state, WeekState::Closed);
    assert!(f.find("Today 19 Nov · Ordering closed at 11:00").is_some());
    let dish = f.week_dish(19, 0);
    let row = f.find(&format!("{dish} · Today 19 Nov")).unwrap();
    row.invoke_accessible_default_action();
    settle();
    assert_eq!(
        f.api().get_sheet(),
        Sheet::None,
        "a closed day's dish is read-only"
    );
}

#[test]
fn order_from_the_week_in_two_taps() {
    let f = Fixture::landscape("week-order");
    f.badge_in();
    let dish = f.week_dish(20, 1);
    f.tap(&format!("{dish} · Tomorrow 20 Nov"));
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmOrder);
    assert_eq!(f.api().get_sheet_dish().name, dish.as_str());
    f.tap("Order now");
    assert_eq!(f.api().get_sheet(), Sheet::OrderPlaced);
    let orders = f.orders_of("1001");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].day, date(2026, 11, 20));
    assert_eq!(orders[0].lines[0].name, dish);
    f.tap("Done");

    // The column shows it at once: its header and the dish itself.
    assert_eq!(f.week_day(20).state, WeekState::Ordered);
    assert!(f.find("Tomorrow 20 Nov · Ordered · M2").is_some());
    assert!(
        f.find(&format!("1 portion ordered · {dish} · Tomorrow 20 Nov"))
            .is_some()
    );
}

#[test]
fn cancel_from_the_week() {
    let f = Fixture::landscape("week-cancel");
    f.badge_in();
    let dish = f.week_dish(19, 0);
    f.order_in_week(&format!("{dish} · Today 19 Nov"));

    let cancel = format!("Cancel order {dish} · Today 19 Nov");
    f.tap(&cancel);
    assert_eq!(f.api().get_sheet(), Sheet::ConfirmCancel);
    assert_eq!(f.api().get_sheet_order().dish, dish.as_str());
    f.tap("Keep order");
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Queued);

    f.tap(&cancel);
    f.tap("Yes, cancel it");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert_eq!(f.orders_of("1001")[0].state, OrderState::Cancelled);
    assert_eq!(f.week_day(19).state, WeekState::Open);
    assert!(f.find(&cancel).is_none(), "nothing left to cancel");
}

#[test]
fn the_same_dish_twice_then_cancel_one() {
    let f = Fixture::landscape("week-twice");
    f.badge_in();
    let dish = f.week_dish(19, 0);
    let label = format!("{dish} · Today 19 Nov");
    f.order_in_week(&label);
    let first = f.orders_of("1001")[0].id.clone();
    f.clock.advance(SignedDuration::from_secs(5));

    // The second asks first, as any second order of a day does.
    f.tap(&label);
    assert_eq!(f.api().get_sheet(), Sheet::OrderTwice);
    f.tap("Yes, order another");
    f.tap("Order now");
    let second = f.api().get_sheet_order().id.to_string();
    f.tap("Done");
    assert_eq!(f.week_day(19).codes, "2×M1");
    assert!(f.find("Today 19 Nov · Ordered · 2×M1").is_some());
    assert!(
        f.find(&format!("2 portions ordered · {dish} · Today 19 Nov"))
            .is_some()
    );
    assert!(f.find("Cancel one").is_some(), "the button says one");

    // One at a time, the newest first.
    f.tap(&format!("Cancel order {label}"));
    assert_eq!(f.api().get_sheet_order().id, second.as_str());
    f.tap("Yes, cancel it");
    let state = |id: &str| f.worker.order(id).unwrap().unwrap().state;
    assert_eq!(state(&second), OrderState::Cancelled);
    assert_eq!(state(&first), OrderState::Queued);
    assert_eq!(f.week_day(19).codes, "M1");
    assert!(
        f.find(&format!("1 portion ordered · {dish} · Today 19 Nov"))
            .is_some()
    );
    assert!(f.find("Cancel").is_some());

    // 10:00 passes (cancelling closes) and 11:00 (ordering): the next ticks take the
    // Cancel away, then the dish's tap, without a new badge or a worker change.
    f.clock.advance(SignedDuration::from_mins(20));
    f.seconds(1);
    assert!(f.find(&format!("Cancel order {label}")).is_none());
    assert_eq!(f.find(&label).unwrap().accessible_enabled(), Some(true));
    f.clock.advance(SignedDuration::from_mins(60));
    f.seconds(1);
    assert_eq!(f.find(&label).unwrap().accessible_enabled(), Some(false));
}

#[test]
fn arrows_and_swipes_show_the_other_days() {
    let f = Fixture::landscape("week-pages");
    f.badge_in();
    // Three columns fit beside the arrows at 800×480.
    assert_eq!(
        f.headers(),
        ["Today 19 Nov", "Tomorrow 20 Nov", "Monday 23 Nov"]
    );
    let prev = f.find("Previous days").unwrap();
    assert_eq!(
        prev.accessible_enabled(),
        Some(false),
        "nothing before today"
    );

    f.tap("Next days");
    assert_eq!(
        f.headers(),
        ["Tuesday 24 Nov", "Wednesday 25 Nov", "Thursday 26 Nov"]
    );
    // The last page is a full one.
    f.tap("Next days");
    assert_eq!(
        f.headers(),
        ["Wednesday 25 Nov", "Thursday 26 Nov", "Friday 27 Nov"]
    );
    let next = f.find("Next days").unwrap();
    assert_eq!(next.accessible_enabled(), Some(false));
    assert!(f.find("Thursday 26 Nov · No menu").is_some());

    // A swipe to the right goes back a page, one to the left forward again.
    f.swipe(250.0);
    assert_eq!(
        f.headers(),
        ["Tomorrow 20 Nov", "Monday 23 Nov", "Tuesday 24 Nov"]
    );
    f.swipe(-250.0);
    assert_eq!(
        f.headers(),
        ["Wednesday 25 Nov", "Thursday 26 Nov", "Friday 27 Nov"]
    );
    f.tap("Previous days");
    f.tap("Previous days");
    assert_eq!(f.headers()[0], "Today 19 Nov");
    assert!(
        f.find(&format!("{} · Tomorrow 20 Nov", f.week_dish(20, 0)))
            .is_some(),
        "a dish in the middle of the window, where the swipe starts"
    );
    // A swipe that starts on a dish turns the page and orders nothing.
    f.swipe(-250.0);
    assert_eq!(f.api().get_sheet(), Sheet::None);
    assert!(f.orders_of("1001").is_empty());
    assert_eq!(f.headers()[0], "Tuesday 24 Nov");

    // The next person starts at today again.
    f.tap("Log out");
    f.type_keys("1002\n");
    assert_eq!(f.api().get_user_name(), "Michael");
    assert_eq!(f.headers()[0], "Today 19 Nov");
}

#[test]
fn portrait_keeps_the_day_menu() {
    let f = Fixture::new("week-portrait");
    f.resize(SHOT_SIZES[3]);
    f.badge_in();
    assert!(f.find("Today 19 Nov").is_some(), "the day tabs");
    assert!(f.find("Next days").is_none(), "no week");
    assert!(f.find(&f.dish_name(0)).is_some());
    // Turned to landscape, the same session shows the week.
    f.resize(SHOT_SIZES[2]);
    assert!(f.find("Next days").is_some());
    assert!(f.find("Today 19 Nov").is_none());
}
