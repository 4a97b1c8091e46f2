//! The screen: a badge tap through the real UI bridge (`KioskUi::badge`: kiosk views, UI
//! rows, Slint models, menu screen shown) on the large store, and one full frame of the menu
//! screen with 60 dishes on the day, drawn by the software renderer into an 800×480 buffer.
//!
//! Slint's platform is set once for this process: a `MinimalSoftwareWindow`, as in
//! `ui::render_screenshots`.

mod support;

use canteen_kiosk::bench_data;
use canteen_kiosk::domain::{Clock, ManualClock};
use canteen_kiosk::kiosk::Kiosk;
use canteen_kiosk::sync::SharedStatus;
use canteen_kiosk::ui::KioskUi;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::{Timestamp, ToSpan};
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};
use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use support::Scratch;

const W: u32 = 800;
const H: u32 = 480;

struct BenchPlatform {
    window: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
}

impl Platform for BenchPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let w = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        *self.window.borrow_mut() = Some(w.clone());
        Ok(w)
    }
}

thread_local! {
    static WINDOW: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>> = {
        let window = Rc::new(RefCell::new(None));
        slint::platform::set_platform(Box::new(BenchPlatform { window: window.clone() }))
            .expect("the bench sets the platform once");
        window
    };
}

/// A kiosk screen on a fresh large store; `dishes_per_day` replaces the coming days' menus.
fn screen(
    scratch: &Scratch,
    dishes_per_day: Option<usize>,
) -> (KioskUi, Rc<MinimalSoftwareWindow>) {
    let slot = WINDOW.with(Rc::clone);
    let clock = ManualClock::new(Timestamp::now());
    let config = Arc::new(support::large_store(scratch.path(), clock.now()));
    let mut store = support::connect(&config);
    if let Some(n) = dishes_per_day {
        let today = bench_data::today(&config, clock.now());
        for i in 0..7 {
            let day = today.checked_add(i.days()).unwrap();
            bench_data::put_day(&mut store, &config, day, n, clock.now()).unwrap();
        }
    }
    let kiosk = Kiosk::new(config, store, Arc::new(clock.clone()));
    let ui = KioskUi::new(kiosk, SharedStatus::default()).expect("the screen");
    ui.window().show().expect("show");
    let window = slot.borrow().clone().expect("a window was created");
    window.set_size(PhysicalSize::new(W, H));
    slint::platform::update_timers_and_animations();
    (ui, window)
}

fn frame(window: &MinimalSoftwareWindow, pixels: &mut [Rgb8Pixel]) -> bool {
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(pixels, W as usize);
    })
}

fn badge_tap(c: &mut Criterion) {
    let scratch = Scratch::new("ui-badge");
    let (ui, _window) = screen(&scratch, None);
    let mut i = 0usize;
    c.bench_function(
        "ui/badge tap → menu screen populated (large store)",
        |b| {
            b.iter(|| {
                // Two badges in turn: a new person each time (the same badge within a second is
                // ignored as a repeat).
                i += 1;
                ui.badge(["1001", "1002"][i % 2]);
            })
        },
    );
}

fn render_menu(c: &mut Criterion) {
    let scratch = Scratch::new("ui-render");
    let (ui, window) = screen(&scratch, Some(60));
    ui.badge("1001");
    let mut pixels = vec![Rgb8Pixel { r: 0, g: 0, b: 0 }; (W * H) as usize];
    assert!(frame(&window, &mut pixels), "the menu screen draws");
    c.bench_function(
        "ui/menu screen frame, 60 dishes, software renderer 800x480",
        |b| b.iter(|| black_box(frame(&window, &mut pixels))),
    );
    drop(ui);
}

criterion_group! {
    name = benches;
    config = support::criterion();
    targets = badge_tap, render_menu
}
criterion_main!(benches);
