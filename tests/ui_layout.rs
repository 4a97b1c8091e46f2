//! The kiosk window at every size the layout is made for (800×480, 1024×600, 1280×800 and
//! portrait 480×800, 600×1024), headless on Slint's testing backend: on every screen the
//! controls that do not scroll lie inside the window, do not overlap, and are big enough to
//! touch, every control has an accessible label and role and every touch area belongs to
//! one; and how the window takes the screen (`fullscreen`, `--windowed`, `pointer`) reaches
//! the window.

use canteen_kiosk::config::{DisplaySettings, Pointer};
use canteen_kiosk::domain::ManualClock;
use canteen_kiosk::kiosk::Kiosk;
use canteen_kiosk::store::Store;
use canteen_kiosk::sync::SharedStatus;
use canteen_kiosk::ui::generated::{Api, Screen, Sheet, Theme};
use canteen_kiosk::ui::{KioskUi, SHOT_SIZES, WindowMode, WindowSize};
use canteen_kiosk::vendors::demo::demo_menu_day;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use jiff::ToSpan;
use jiff::civil::date;
use jiff::tz::TimeZone;
use slint::platform::WindowEvent;
use slint::{ComponentHandle, Model};
use std::sync::Arc;
use std::time::Duration;

/// Touch targets: 9 mm on a 7" 800×480 panel (5.2 px/mm) is 47 px.
const MIN_TOUCH: f32 = 47.0;

/// The demo kiosk on a fresh store with a week of menus, Thursday 19 November 2026, 09:41
/// in Vienna (today's ordering is open).
fn kiosk_ui(name: &str) -> KioskUi {
    kiosk_ui_with(name, |_| {})
}

/// With `change` made to the demo config cut to its first venue (most kiosks have one); a
/// venue added there gets the demo's menus too.
fn kiosk_ui_with(name: &str, change: impl FnOnce(&mut canteen_kiosk::config::Config)) -> KioskUi {
    i_slint_backend_testing::init_no_event_loop();
    let dir = tempfile::Builder::new()
        .prefix(&format!("ck-layout-{name}-"))
        .tempdir()
        .unwrap()
        .keep();
    let (mut store, _) = Store::open(&dir.join("kiosk.sqlite")).unwrap();
    let today = date(2026, 11, 19);
    let now = today
        .at(9, 41, 0, 0)
        .to_zoned(TimeZone::get("Europe/Vienna").unwrap())
        .unwrap()
        .timestamp();
    let mut config = canteen_kiosk::config::demo(dir);
    config.venues.truncate(1);
    change(&mut config);
    for venue in &config.venues {
        let days: Vec<_> = (0..5)
            .map(|i| demo_menu_day(&venue.key, today.checked_add(i.days()).unwrap()))
            .collect();
        store.put_menu_days(&days, now, "demo").unwrap();
    }
    let floor = now - jiff::SignedDuration::from_hours(24 * 20);
    let config = Arc::new(config);
    let kiosk = Kiosk::new(config, store, Arc::new(ManualClock::new(now))).with_clock_floor(floor);
    let ui = KioskUi::new(kiosk, SharedStatus::default()).unwrap();
    ui.window().show().unwrap();
    settle();
    ui
}

fn settle() {
    i_slint_backend_testing::mock_elapsed_time(Duration::ZERO);
}

fn badge(ui: &KioskUi, number: &str) {
    for c in format!("{number}\n").chars() {
        let text: slint::SharedString = c.to_string().into();
        let w = ui.window().window();
        w.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
        w.dispatch_event(WindowEvent::KeyReleased { text });
    }
    settle();
}

/// An element's rectangle in window coordinates: x, y, right, bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x: f32,
    y: f32,
    r: f32,
    b: f32,
}

impl Rect {
    fn of(e: &ElementHandle) -> Rect {
        let p = e.absolute_position();
        let s = e.size();
        Rect {
            x: p.x,
            y: p.y,
            r: p.x + s.width,
            b: p.y + s.height,
        }
    }

    fn contains(&self, o: &Rect) -> bool {
        self.x <= o.x && self.y <= o.y && self.r >= o.r && self.b >= o.b
    }

    /// Inside a window of `size` (half a pixel of rounding either way).
    fn in_window(&self, size: (u32, u32)) -> bool {
        let (w, h) = (size.0 as f32, size.1 as f32);
        self.x >= -0.5 && self.y >= -0.5 && self.r <= w + 0.5 && self.b <= h + 0.5
    }

    /// At least 9 mm each way on the 7" panel.
    fn touchable(&self) -> bool {
        self.r - self.x >= MIN_TOUCH && self.b - self.y >= MIN_TOUCH
    }

    fn overlaps(&self, o: &Rect) -> bool {
        // Half a pixel of rounding either way is not an overlap.
        self.x < o.r - 0.5 && o.x < self.r - 0.5 && self.y < o.b - 0.5 && o.y < self.b - 0.5
    }
}

/// What one screen must show whole: elements by accessible label (a label ending in `*`
/// matches every label it starts with, one starting with `*` every label it ends with), and
/// whether they must be touchable.
struct Check<'a> {
    ui: &'a KioskUi,
    size: (u32, u32),
    screen: &'static str,
}

impl Check<'_> {
    fn find(&self, label: &str) -> Vec<(String, Rect)> {
        settle();
        let all = ElementQuery::from_root(self.ui.window())
            .match_descendants()
            .find_all();
        let found: Vec<_> = all
            .iter()
            .filter_map(|e| {
                let l = e.accessible_label()?.to_string();
                let hit = match (label.strip_suffix('*'), label.strip_prefix('*')) {
                    (Some(prefix), _) => l.starts_with(prefix),
                    (None, Some(suffix)) => l.ends_with(suffix),
                    (None, None) => l == label,
                };
                hit.then(|| (l, Rect::of(e)))
            })
            .collect();
        assert!(
            !found.is_empty(),
            "{} at {:?}: nothing labelled {label:?}",
            self.screen,
            self.size
        );
        found
    }

    /// Each element lies inside the window; with `touch`, is at least 9 mm each way; and no
    /// two of them overlap.
    fn whole(&self, labels: &[&str], touch: bool) {
        let all: Vec<_> = labels.iter().flat_map(|l| self.find(l)).collect();
        // A button and its text both carry the label (and a component's root and its
        // element): the outermost one is the element.
        let mut found: Vec<(String, Rect)> = Vec::new();
        for (i, (l, r)) in all.iter().enumerate() {
            let inside_another = all
                .iter()
                .enumerate()
                .any(|(j, (l2, r2))| l2 == l && (r2.contains(r) && (r2 != r || j < i)));
            if !inside_another {
                found.push((l.clone(), *r));
            }
        }
        for (label, r) in &found {
            let at = format!("{} at {:?}: {label:?} {r:?}", self.screen, self.size);
            assert!(r.in_window(self.size), "{at} is outside the window");
            if touch {
                assert!(r.touchable(), "{at} is too small to touch");
            }
        }
        for (i, (a, ra)) in found.iter().enumerate() {
            for (b, rb) in &found[i + 1..] {
                assert!(
                    !ra.overlaps(rb),
                    "{} at {:?}: {a:?} {ra:?} overlaps {b:?} {rb:?}",
                    self.screen,
                    self.size
                );
            }
        }
    }

    /// The elements lie inside the window's width and are big enough to touch (they may
    /// scroll below its bottom).
    fn touchable(&self, label: &str) {
        self.within_width(label);
        for (l, r) in self.find(label) {
            assert!(
                r.touchable(),
                "{} at {:?}: {l:?} {r:?} is too small to touch",
                self.screen,
                self.size
            );
        }
    }

    /// Every control on the screen is one a screen reader and the tests can find: each
    /// element with a control's role has a label, and each touch area lies inside such a
    /// labelled control, or is one of the areas that only keep the session alive (their id
    /// starts with `keep-alive`). On the 7" panel (800×480 either way up) each control
    /// wholly in the window is a target of 9 mm each way at least.
    fn labelled(&self) {
        settle();
        let all = ElementQuery::from_root(self.ui.window())
            .match_descendants()
            .find_all();
        let at = |e: &ElementHandle| format!("{} at {:?}: {:?}", self.screen, self.size, e.id());
        let seven_inch = matches!(self.size, (800, 480) | (480, 800));
        let mut controls = Vec::new();
        for e in &all {
            if !e.accessible_role().is_some_and(is_control) {
                continue;
            }
            let label = e.accessible_label().unwrap_or_default();
            assert!(
                !label.trim().is_empty(),
                "{} has a control's role and no label",
                at(e)
            );
            let r = Rect::of(e);
            // On the 7" panel every control in the window is a target of 9 mm at least.
            if seven_inch && r.in_window(self.size) && r.r - r.x >= 0.5 {
                assert!(
                    r.touchable(),
                    "{} {label:?} {r:?} is smaller than 9 mm",
                    at(e)
                );
            }
            controls.push(r);
        }
        let touch_areas: Vec<_> = all
            .iter()
            .filter(|e| e.type_name().as_deref() == Some("TouchArea"))
            .collect();
        // Not vacuous: every screen has its keep-alive area and its buttons' areas.
        assert!(
            touch_areas.len() > 1,
            "{}: no touch areas found",
            self.screen
        );
        for e in touch_areas {
            let keep_alive = e.id().is_some_and(|id| {
                id.rsplit("::")
                    .next()
                    .is_some_and(|i| i.starts_with("keep-alive"))
            });
            let r = Rect::of(e);
            if keep_alive || r.r - r.x < 0.5 || r.b - r.y < 0.5 {
                continue;
            }
            let inside = |c: &Rect| {
                c.x <= r.x + 0.5 && c.y <= r.y + 0.5 && c.r >= r.r - 0.5 && c.b >= r.b - 0.5
            };
            assert!(
                controls.iter().any(inside),
                "{} {r:?}: a touch area in no labelled control",
                at(e)
            );
        }
    }

    /// The elements lie inside the window's width (they may scroll below its bottom).
    fn within_width(&self, label: &str) {
        for (l, r) in self.find(label) {
            assert!(
                r.x >= -0.5 && r.r <= self.size.0 as f32 + 0.5,
                "{} at {:?}: {l:?} {r:?} sticks out at the side",
                self.screen,
                self.size
            );
        }
    }
}

/// The roles a person acts on (a tap, a toggle, a choice).
fn is_control(role: AccessibleRole) -> bool {
    use AccessibleRole as R;
    matches!(
        role,
        R::Button
            | R::Checkbox
            | R::Combobox
            | R::Slider
            | R::Spinbox
            | R::Tab
            | R::TextInput
            | R::Switch
            | R::ListItem
    )
}

/// Every screen at one size, walked through as a person would.
fn check_every_screen(size: (u32, u32)) {
    walk_every_screen(size, false, false);
}

/// `large`: the employee switches on large text and high contrast right after badging in
/// (every text a quarter larger: the tightest the session's screens get). `venues`: the
/// config has a second venue (the venue buttons in the bars).
fn walk_every_screen(size: (u32, u32), large: bool, venues: bool) {
    let ui = kiosk_ui_with(&format!("{}x{}", size.0, size.1), |c| {
        if venues {
            c.venues = canteen_kiosk::config::demo(c.kiosk.data_dir.clone()).venues;
        }
    });
    let win = ui.window().window();
    win.set_size(slint::PhysicalSize::new(size.0, size.1));
    settle();
    let api = ui.window().global::<Api>();
    let theme = ui.window().global::<Theme>();
    assert_eq!(theme.get_portrait(), size.0 < size.1, "{size:?}");
    // Each screen checked is also checked for labels and roles.
    let check = |screen| {
        let c = Check {
            ui: &ui,
            size,
            screen,
        };
        c.labelled();
        c
    };

    let idle = check("idle");
    idle.whole(
        &["Time", "Deutsch", "English", "Português", "Demo badge *"],
        false,
    );
    idle.whole(&["Deutsch", "English", "Português", "Demo badge *"], true);
    idle.whole(&["Tap your badge", "Today's menu"], false);

    badge(&ui, "1001");
    assert_eq!(api.get_screen(), Screen::Menu);
    if large {
        api.invoke_set_reading(true, true);
        settle();
        assert!(theme.get_large_text());
    }
    let menu = check("menu");
    menu.whole(
        &[
            "Hello, Anna!",
            "Menu",
            "My orders",
            "Easier reading",
            "Log out",
        ],
        false,
    );
    let dish = api.get_dishes().row_data(0).unwrap();
    if theme.get_portrait() {
        check_day_menu(&menu, &dish.name);
    } else {
        check_week(&menu, &api);
    }

    api.invoke_dish_tapped(dish.id.clone());
    settle();
    assert_eq!(api.get_sheet(), Sheet::ConfirmOrder);
    check("confirm").whole(&["Order this dish?", "Back", "Order now"], false);
    check("confirm").whole(&["Back", "Order now"], true);
    api.invoke_close_sheet();
    api.set_sheet(Sheet::Reading);
    settle();
    check("reading").whole(
        &["Easier reading", "Large text", "High contrast", "Done"],
        false,
    );
    check("reading").whole(&["Large text", "High contrast", "Done"], true);
    api.invoke_close_sheet();
    api.invoke_dish_tapped(dish.id.clone());
    api.invoke_confirm_order();
    api.invoke_close_sheet();
    if !theme.get_portrait() {
        // Today's first dish ordered: highlighted, with its Cancel beside the count.
        let ordered = check("week, ordered");
        let label = format!("{} · Today 19 Nov", dish.name);
        ordered.whole(&[&label, &format!("Cancel order {label}")], true);
        ordered.whole(&["Today 19 Nov · Ordered · M1"], false);
    }
    api.invoke_show(Screen::Orders);
    settle();
    let orders = check("my orders");
    orders.whole(&["Menu", "My orders", "Log out", "By month"], true);
    api.invoke_show(Screen::History);
    settle();
    let month = check("my month");
    month.whole(&["Menu", "My orders", "Log out", "Coming days"], true);
    month.within_width("November 2026: *");
    api.invoke_show(Screen::Orders);
    settle();
    orders.within_width("Cancel order *");
    api.invoke_logout();

    badge(&ui, "9001");
    assert_eq!(api.get_screen(), Screen::Kitchen);
    let kitchen = check("kitchen");
    let bar = [
        "Previous day",
        "Today",
        "Next day",
        "Export CSV",
        "Log out",
        "All names",
    ];
    kitchen.whole(&bar, true);
    if venues {
        kitchen.whole(&["Venue: Canteen Demo", "Export CSV", "Log out"], true);
        api.set_sheet(Sheet::Venue);
        check("venue sheet").whole(&["Canteen Demo", "Bistro"], true);
        api.invoke_close_sheet();
    }
    kitchen.within_width(&format!("{}: *", dish.name));
    kitchen.within_width("Anna Berger, *");
    api.invoke_logout();

    badge(&ui, "9999");
    assert_eq!(api.get_screen(), Screen::Admin);
    let admin = check("admin");
    admin.whole(&["Kiosk administration", "Log out"], false);
    admin.whole(&["Log out"], true);
    admin.within_width("Kiosk id: demo");
}

/// Portrait: the day tabs and the dish rows.
fn check_day_menu(menu: &Check, dish: &str) {
    menu.whole(
        &[
            "Menu",
            "My orders",
            "Easier reading",
            "Log out",
            "Today *",
            "Tomorrow *",
            "Monday *",
        ],
        true,
    );
    menu.within_width(dish);
}

/// Landscape: the week's arrows and the three day columns that fit, each header whole, each
/// dish big enough to touch; the same after a page further.
fn check_week(menu: &Check, api: &Api) {
    let bar = [
        "Menu",
        "My orders",
        "Easier reading",
        "Log out",
        "Previous days",
        "Next days",
    ];
    menu.whole(&bar, true);
    let first = [
        "Today 19 Nov · *",
        "Tomorrow 20 Nov · *",
        "Monday 23 Nov · *",
    ];
    menu.whole(&[&bar[..], &first[..]].concat(), false);
    // The dishes in view (the testing backend lists no element scrolled out of sight).
    for day in ["Today 19 Nov", "Tomorrow 20 Nov", "Monday 23 Nov"] {
        menu.touchable(&format!("* · {day}"));
    }
    api.set_week_first(3);
    let next = [
        "Tuesday 24 Nov · *",
        "Wednesday 25 Nov · *",
        "Thursday 26 Nov · *",
    ];
    menu.whole(&[&bar[..], &next[..]].concat(), false);
    api.set_week_first(0);
}

#[test]
fn every_screen_fits_at_800x480() {
    check_every_screen(SHOT_SIZES[0]);
}

#[test]
fn every_screen_fits_at_1024x600() {
    check_every_screen(SHOT_SIZES[1]);
}

#[test]
fn every_screen_fits_at_1280x800() {
    check_every_screen(SHOT_SIZES[2]);
}

#[test]
fn every_screen_fits_in_portrait_480x800() {
    check_every_screen(SHOT_SIZES[3]);
}

#[test]
fn every_screen_fits_in_portrait_600x1024() {
    check_every_screen(SHOT_SIZES[4]);
}

#[test]
fn the_session_fits_in_large_text_at_800x480() {
    walk_every_screen(SHOT_SIZES[0], true, false);
}

#[test]
fn the_session_fits_in_large_text_in_portrait_480x800() {
    walk_every_screen(SHOT_SIZES[3], true, false);
}

#[test]
fn two_venues_fit_at_800x480() {
    walk_every_screen(SHOT_SIZES[0], false, true);
}

#[test]
fn two_venues_fit_in_portrait_480x800() {
    walk_every_screen(SHOT_SIZES[3], false, true);
}

#[test]
fn full_screen_by_default_and_windowed_on_request() {
    let ui = kiosk_ui("mode");
    let theme = ui.window().global::<Theme>();
    let kiosk = DisplaySettings::default();

    WindowMode::resolve(&kiosk, None).apply(ui.window());
    assert!(ui.window().window().is_fullscreen());
    assert!(theme.get_pointer_hidden());

    let windowed: WindowSize = "1024x600".parse().unwrap();
    WindowMode::resolve(&kiosk, Some(windowed)).apply(ui.window());
    settle();
    assert!(!ui.window().window().is_fullscreen());
    assert_eq!(
        ui.window().window().size(),
        slint::PhysicalSize::new(1024, 600)
    );
    assert!(!theme.get_pointer_hidden());
    // The type scale follows the window: 1024×600 is 1.25 times 800×480.
    assert!((theme.get_s() - 1.25).abs() < 0.01, "{}", theme.get_s());

    let shown_full = DisplaySettings {
        fullscreen: true,
        pointer: Some(Pointer::Shown),
    };
    WindowMode::resolve(&shown_full, None).apply(ui.window());
    assert!(ui.window().window().is_fullscreen());
    assert!(!theme.get_pointer_hidden());
}

#[test]
fn the_demo_opens_a_window_and_a_config_fills_the_screen() {
    let demo = canteen_kiosk::config::demo(std::env::temp_dir());
    let mode = WindowMode::resolve(&demo.kiosk.display, None);
    assert!(!mode.fullscreen && !mode.pointer_hidden);
    assert_eq!(mode.size, WindowSize::DEFAULT);
}
