//! Reading and reaching (issue 16): large text and high contrast for a session, their
//! contrast measured (WCAG 2.x), and the dark kitchen display. A module of `tests/ui.rs`.

use super::*;
use canteen_kiosk::ui::generated::Theme;
use slint::Color;

/// WCAG 2.x relative luminance of an opaque colour.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
}

/// `fg` drawn over `bg` (both as the theme has them; `fg` may be translucent), as a ratio.
fn contrast(fg: Color, bg: Color) -> f64 {
    let a = f64::from(fg.alpha()) / 255.0;
    let mix = |f: u8, b: u8| (f64::from(f) * a + f64::from(b) * (1.0 - a)).round() as u8;
    let shown = Color::from_rgb_u8(
        mix(fg.red(), bg.red()),
        mix(fg.green(), bg.green()),
        mix(fg.blue(), bg.blue()),
    );
    let (l1, l2) = (luminance(shown), luminance(bg));
    (l1.max(l2) + 0.05) / (l1.min(l2) + 0.05)
}

/// Every text colour of the theme with every background the screens draw it on.
fn text_pairs(t: &Theme<'_>) -> Vec<(&'static str, Color, Color)> {
    let mut pairs = Vec::new();
    let mut on = |name: &'static str, fg: Color, bgs: &[Color]| {
        for bg in bgs {
            pairs.push((name, fg, *bg));
        }
    };
    let plain = [t.get_bg(), t.get_surface(), t.get_surface_alt()];
    let soft = [
        t.get_primary_soft(),
        t.get_neutral_soft(),
        t.get_pressed(),
        t.get_good_soft(),
        t.get_warn_soft(),
        t.get_bad_soft(),
        t.get_info_soft(),
    ];
    on("text", t.get_text(), &plain);
    on("text on a soft background", t.get_text(), &soft);
    on("muted", t.get_muted(), &plain);
    on(
        "muted on a chip or a sold-out price",
        t.get_muted(),
        &[
            t.get_neutral_soft(),
            t.get_disabled_bg(),
            t.get_primary_soft(),
        ],
    );
    on(
        "primary (quiet buttons, dish names)",
        t.get_primary(),
        &plain,
    );
    on(
        "primary on primary-soft",
        t.get_primary(),
        &[t.get_primary_soft()],
    );
    on(
        "on-primary (buttons)",
        t.get_on_primary(),
        &[
            t.get_primary(),
            t.get_primary_pressed(),
            t.get_bad(),
            t.get_bad_pressed(),
        ],
    );
    on(
        "a selected day tab's second line",
        t.get_on_primary_muted(),
        &[t.get_primary()],
    );
    for (name, fg, soft) in [
        ("good", t.get_good(), t.get_good_soft()),
        ("warn", t.get_warn(), t.get_warn_soft()),
        ("bad", t.get_bad(), t.get_bad_soft()),
        ("info", t.get_info(), t.get_info_soft()),
    ] {
        on(name, fg, &[soft, t.get_bg(), t.get_surface()]);
    }
    pairs
}

/// The failing pairs of the palette the theme shows now, below `need`.
fn below(t: &Theme<'_>, need: f64) -> Vec<String> {
    text_pairs(t)
        .into_iter()
        .filter_map(|(name, fg, bg)| {
            let r = contrast(fg, bg);
            (r < need).then(|| format!("{name}: {fg:?} on {bg:?} is {r:.2}:1"))
        })
        .collect()
}

#[test]
fn every_theme_meets_wcag_aa_and_high_contrast_meets_aaa() {
    // The formula itself, on the two ends of the scale.
    assert!(
        (contrast(
            Color::from_rgb_u8(0, 0, 0),
            Color::from_rgb_u8(255, 255, 255)
        ) - 21.0)
            .abs()
            < 0.01
    );
    assert!(
        (contrast(
            Color::from_rgb_u8(119, 119, 119),
            Color::from_rgb_u8(255, 255, 255)
        ) - 4.48)
            .abs()
            < 0.01
    );
    let f = Fixture::new("contrast");
    let t = f.ui.window().global::<Theme>();
    for (dark, high, need) in [(false, false, 4.5), (false, true, 7.0), (true, false, 4.5)] {
        t.set_dark(dark);
        t.set_high_contrast(high);
        let failing = below(&t, need);
        assert!(
            failing.is_empty(),
            "dark {dark}, high contrast {high}: {failing:#?}"
        );
    }
    // The palettes really differ (a switch that changed nothing would pass the above).
    t.set_dark(false);
    t.set_high_contrast(false);
    let light = t.get_text();
    t.set_high_contrast(true);
    assert_ne!(t.get_text(), light);
    t.set_high_contrast(false);
    t.set_dark(true);
    assert!(
        luminance(t.get_bg()) < 0.05,
        "the kitchen's background is dark"
    );
}

impl Fixture {
    fn theme(&self) -> Theme<'_> {
        self.ui.window().global::<Theme>()
    }

    fn checked(&self, label: &str) -> Option<bool> {
        self.find(label).and_then(|e| e.accessible_checked())
    }
}

#[test]
fn large_text_and_high_contrast_for_one_session() {
    let f = Fixture::new("reading");
    let body = f.theme().get_font_body();
    f.badge_in();
    f.tap("Easier reading");
    assert_eq!(f.api().get_sheet(), Sheet::Reading);
    assert_eq!(f.checked("Large text"), Some(false));
    f.tap("Large text");
    assert_eq!(f.checked("Large text"), Some(true));
    assert!((f.theme().get_font_body() - body * 1.25).abs() < 0.01);
    f.tap("High contrast");
    assert_eq!(f.checked("High contrast"), Some(true));
    assert!(f.theme().get_high_contrast());
    f.tap("Done");
    assert_eq!(f.api().get_sheet(), Sheet::None);
    // The rest of the session keeps it; the next person starts from the usual screen.
    assert!(f.theme().get_large_text());
    f.tap("Log out");
    assert!(!f.theme().get_large_text() && !f.theme().get_high_contrast());
    assert_eq!(f.theme().get_font_body(), body);
    // Another person gets the usual screen; the same badge gets its choice back.
    f.type_keys("1002\n");
    assert!(!f.theme().get_large_text());
    f.tap("Log out");
    f.badge_in();
    assert!(f.theme().get_large_text() && f.theme().get_high_contrast());
    f.tap("Easier reading");
    f.tap("Large text");
    f.tap("Done");
    f.tap("Log out");
    // (Another badge between: the same one again within a second is the reader repeating.)
    f.type_keys("1002\n");
    f.tap("Log out");
    f.badge_in();
    assert!(!f.theme().get_large_text() && f.theme().get_high_contrast());
}

#[test]
fn the_kitchen_display_is_dark_and_the_kiosk_is_not() {
    let f = Fixture::with_config("kitchen-dark", |c| c.kiosk.mode = Mode::Kitchen);
    assert_eq!(f.api().get_screen(), Screen::Kitchen);
    assert!(f.theme().get_dark());
    let k = Fixture::new("kiosk-light");
    assert!(!k.theme().get_dark());
    k.type_keys("9001\n");
    assert_eq!(k.api().get_screen(), Screen::Kitchen);
    assert!(k.theme().get_dark(), "a kitchen badge's view is dark too");
    k.tap("Log out");
    assert!(!k.theme().get_dark());
}
