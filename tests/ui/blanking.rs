//! Screen blanking (issue 15): the idle screen dims and goes black after a quiet period, a tap
//! on it only wakes, a badge wakes it and is read, nothing ticks or redraws while black, and a
//! kitchen display stays on through service hours. A module of `tests/ui.rs` (its fixture).

use super::*;
use canteen_kiosk::config::BacklightSetting;
use slint::LogicalPosition;
use slint::platform::PointerEventButton;

/// Blank after 60 s (dimmed from 50 s), 30 s outside 07:00–18:00; drawn, no backlight.
fn quick(config: &mut Config) {
    let b = &mut config.screen.blanking;
    b.blank_after = Duration::from_secs(60);
    b.blank_after_outside_service = Duration::from_secs(30);
    b.dim_for = Duration::from_secs(10);
    config.screen.backlight = BacklightSetting::Drawn;
}

impl Fixture {
    /// (asleep, darkness, blank)
    fn blanking(&self) -> (bool, f32, bool) {
        let api = self.api();
        (api.get_asleep(), api.get_darkness(), api.get_blank())
    }

    /// A real tap (press and release) in the middle of the element labelled `label`.
    fn press_on(&self, label: &str) {
        let el = self.find(label).unwrap_or_else(|| panic!("no {label:?}"));
        let (p, s) = (el.absolute_position(), el.size());
        let position = LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0);
        let window = self.ui.window().window();
        let button = PointerEventButton::Left;
        window.dispatch_event(WindowEvent::PointerPressed { position, button });
        window.dispatch_event(WindowEvent::PointerReleased { position, button });
        settle();
    }
}

const AWAKE: (bool, f32, bool) = (false, 0.0, false);
const DIMMED: (bool, f32, bool) = (true, 0.6, false);
const BLANK: (bool, f32, bool) = (true, 1.0, true);

#[test]
fn the_idle_screen_dims_then_goes_black_and_stops_ticking() {
    let f = Fixture::with_config("blank-idle", quick);
    f.seconds(49);
    assert_eq!(f.blanking(), AWAKE);
    f.seconds(1);
    assert_eq!(f.blanking(), DIMMED, "dimmed 10 s before black");
    f.seconds(10);
    assert_eq!(f.blanking(), BLANK);

    // Black: the timer stands still, so the clock is not redrawn even as minutes pass.
    let shown = f.api().get_clock_time();
    f.clock.advance(SignedDuration::from_mins(5));
    f.seconds(300);
    assert_eq!(f.api().get_clock_time(), shown, "no tick while blank");
    assert_eq!(f.blanking(), BLANK);
}

#[test]
fn the_first_tap_on_a_dark_screen_only_wakes_it() {
    let f = Fixture::with_config("blank-tap", quick);
    let badge = "Demo badge 1001 (Anna Berger)";
    f.seconds(60);
    assert_eq!(f.blanking(), BLANK);
    f.press_on(badge);
    assert_eq!(f.blanking(), AWAKE);
    assert_eq!(
        f.api().get_screen(),
        Screen::Idle,
        "the tap only woke the screen"
    );
    // Awake, the same tap does what it says; and the clock runs again.
    f.press_on(badge);
    assert_eq!(f.api().get_screen(), Screen::Menu);

    // A dimmed screen takes its first tap the same way.
    let f = Fixture::with_config("dim-tap", quick);
    f.seconds(55);
    assert_eq!(f.blanking(), DIMMED);
    f.press_on(badge);
    assert_eq!((f.blanking(), f.api().get_screen()), (AWAKE, Screen::Idle));
    f.seconds(55);
    assert_eq!(
        f.blanking(),
        DIMMED,
        "the quiet period started again at the tap"
    );
}

#[test]
fn a_badge_wakes_the_black_screen_and_is_read() {
    let f = Fixture::with_config("blank-badge", quick);
    f.seconds(60);
    assert_eq!(f.blanking(), BLANK);
    f.type_keys("1001\n");
    assert_eq!(f.blanking(), AWAKE);
    assert_eq!(
        f.api().get_screen(),
        Screen::Menu,
        "the badge that woke it signed Anna in"
    );
    assert_eq!(f.api().get_user_name(), "Anna");
}

#[test]
fn nobody_badged_in_is_blanked() {
    let f = Fixture::with_config("blank-session", |c| {
        quick(c);
        c.screen.blanking.blank_after = Duration::from_secs(20);
        c.screen.blanking.dim_for = Duration::from_secs(5);
    });
    f.badge_in();
    f.seconds(45);
    assert_eq!(f.api().get_screen(), Screen::Menu);
    assert_eq!(
        f.blanking(),
        AWAKE,
        "the logout timer, not blanking, ends a session"
    );
    f.seconds(20);
    assert_eq!(f.api().get_screen(), Screen::Idle, "logged out after 60 s");
    f.seconds(20);
    assert_eq!(f.blanking(), BLANK, "blank 20 s after the logout");
}

#[test]
fn the_workers_changes_wait_for_the_wake() {
    let f = Fixture::with_config("blank-changes", quick);
    f.seconds(60);
    f.status.update(|s| s.offline = true);
    f.listeners.notify(Change::Status);
    f.ui.pump();
    assert!(!f.api().get_offline(), "nothing redraws while black");
    f.tap("Wake the screen");
    assert!(f.api().get_offline(), "shown once awake");
}

#[test]
fn outside_service_hours_the_screen_blanks_sooner() {
    let f = Fixture::with_config("blank-night", quick);
    f.clock.set(
        date(2026, 11, 19)
            .at(20, 0, 0, 0)
            .to_zoned(vienna())
            .unwrap()
            .timestamp(),
    );
    f.seconds(30);
    assert_eq!(f.blanking(), BLANK, "30 s outside 07:00-18:00");
}

#[test]
fn a_kitchen_display_stays_on_in_service_and_wakes_when_service_starts() {
    let f = Fixture::with_config("blank-kitchen", |c| {
        quick(c);
        c.kiosk.mode = Mode::Kitchen;
    });
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    f.seconds(600);
    assert_eq!(f.blanking(), AWAKE, "on through service hours");

    let evening = date(2026, 11, 19)
        .at(19, 0, 0, 0)
        .to_zoned(vienna())
        .unwrap();
    f.clock.set(evening.timestamp());
    f.seconds(1);
    assert_eq!(f.blanking(), BLANK, "after hours it blanks");

    // 07:00 the next morning is 12 h later: the display wakes by itself.
    f.clock
        .advance(SignedDuration::from_hours(12) - SignedDuration::from_secs(1));
    i_slint_backend_testing::mock_elapsed_time(Duration::from_secs(12 * 3600 - 2));
    assert_eq!(f.blanking(), BLANK);
    f.clock.advance(SignedDuration::from_secs(1));
    f.seconds(2);
    assert_eq!(
        f.blanking(),
        AWAKE,
        "service starts: the cooks see the orders"
    );
}

#[test]
fn a_writable_backlight_goes_off_instead_of_drawing_black() {
    let light = tempfile::tempdir().unwrap();
    let write = |file: &str, v: &str| std::fs::write(light.path().join(file), v).unwrap();
    let read = |file: &str| std::fs::read_to_string(light.path().join(file)).unwrap();
    write("max_brightness", "255\n");
    write("brightness", "200\n");
    write("bl_power", "0\n");
    let dir = light.path().to_path_buf();
    let f = Fixture::with_config("blank-backlight", move |c| {
        quick(c);
        c.screen.backlight = BacklightSetting::Path(dir);
    });
    f.seconds(50);
    assert_eq!(
        f.blanking(),
        (true, 0.0, false),
        "dimmed by the backlight, not drawn"
    );
    assert_eq!(read("brightness"), "40");
    f.seconds(10);
    assert_eq!(f.blanking(), (true, 0.0, true), "black by the backlight");
    assert_eq!(
        (read("brightness").as_str(), read("bl_power").as_str()),
        ("0", "4")
    );
    f.type_keys("1001\n");
    assert_eq!(
        (read("brightness").as_str(), read("bl_power").as_str()),
        ("200", "0")
    );
    assert_eq!(f.api().get_screen(), Screen::Menu);
}
