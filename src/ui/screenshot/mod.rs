//! Renders every screen state to PNG with Slint's software renderer: fixed demo data in a
//! temporary store and a fixed clock, so the pictures are the same on every run.
//!
//! Slint's platform is per thread and can be set only once per thread, so the rendering runs
//! on a thread of its own with a tiny platform behind a `MinimalSoftwareWindow`. That keeps it
//! apart from the real window (and from the headless test backend in other test threads).

mod choices;
mod peers;
mod week;

use super::bridge::KioskUi;
use super::generated::{AdminApi, Api, Screen};
use super::out_of_service::{OutOfServiceInfo, OutOfServiceUi};
use crate::config::{Config, Language};
use crate::domain::{
    Clock, ListedLine, ListedOrder, ManualClock, Order, OrderEvent, OrderLine, OrderState,
};
use crate::kiosk::Kiosk;
use crate::store::{OutboxChange, OutboxKind, OutboxStatus, SalvageRecord, Store};
use crate::sync::{Change, Listeners, SharedStatus};
use crate::vendors::demo::demo_menu_day;
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use slint::Rgb8Pixel;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, Model, PhysicalSize};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// The sizes every state is rendered at: the common 7" panels (800×480, 1024×600), a 10"
/// one (1280×800), and the two 7" panels turned to portrait.
pub const SHOT_SIZES: [(u32, u32); 5] = [
    (800, 480),
    (1024, 600),
    (1280, 800),
    (480, 800),
    (600, 1024),
];

/// The languages rendered.
pub const SHOT_LANGUAGES: [Language; 3] = [Language::En, Language::De, Language::PtBr];

/// Renders every screen state, at each of [`SHOT_SIZES`] and in each language, into `dir` as
/// `<lang>-<w>x<h>-<nn>-<state>.png`. Returns the files written.
pub fn render_screenshots(dir: &Path) -> Result<Vec<PathBuf>, String> {
    render_screenshots_at(dir, |_| SHOT_SIZES.to_vec())
}

/// Like [`render_screenshots`], each language at the sizes `sizes_for` gives it (none: the
/// language is left out). The test suite renders fewer than the docs.
pub fn render_screenshots_at(
    dir: &Path,
    sizes_for: impl Fn(Language) -> Vec<(u32, u32)> + Send + 'static,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let dir = dir.to_path_buf();
    std::thread::Builder::new()
        .name("screenshots".into())
        .spawn(move || render_on_this_thread(&dir, &sizes_for))
        .map_err(|e| format!("cannot start the renderer thread: {e}"))?
        .join()
        .map_err(|_| "the renderer panicked".to_string())?
}

struct ShotPlatform {
    window: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
}

impl Platform for ShotPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let w = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        *self.window.borrow_mut() = Some(w.clone());
        Ok(w)
    }

    fn duration_since_start(&self) -> Duration {
        // Time stands still: no animation or timer moves between pictures.
        Duration::ZERO
    }
}

fn render_on_this_thread(
    dir: &Path,
    sizes_for: &dyn Fn(Language) -> Vec<(u32, u32)>,
) -> Result<Vec<PathBuf>, String> {
    let window = Rc::new(RefCell::new(None));
    slint::platform::set_platform(Box::new(ShotPlatform {
        window: window.clone(),
    }))
    .map_err(|e| format!("cannot set the rendering platform: {e}"))?;
    let mut written = Vec::new();
    for lang in SHOT_LANGUAGES {
        let sizes = sizes_for(lang);
        if sizes.is_empty() {
            continue;
        }
        let work = scratch_dir(lang)?;
        let result =
            Scenario::new(lang, &work, &window, sizes).and_then(|s| s.run(dir, &mut written));
        let _ = std::fs::remove_dir_all(&work);
        result?;
    }
    Ok(written)
}

fn scratch_dir(lang: Language) -> Result<PathBuf, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "canteen-kiosk-shots-{}-{nanos}-{}",
        std::process::id(),
        lang.code()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// Thursday 19 November 2026, 09:41:07 in Vienna: ordering for today is open until 11:00.
fn shot_now() -> Timestamp {
    date(2026, 11, 19)
        .at(9, 41, 7, 0)
        .to_zoned(TimeZone::get("Europe/Vienna").expect("tzdb is bundled"))
        .expect("valid time")
        .timestamp()
}

/// The built-in demo config in the given language, with its first venue only (Europe/Vienna,
/// serving 12:00, order 1 h and cancel 2 h before): most kiosks have one venue, so most
/// states are shown as theirs; the "venues" choice shows the demo's bistro too.
fn shot_config(data_dir: &Path, lang: Language) -> Config {
    let mut config = crate::config::demo(data_dir.to_path_buf());
    config.kiosk.language = lang;
    config.venues.truncate(1);
    config
}

struct Scenario {
    lang: Language,
    config: Arc<Config>,
    ui: KioskUi,
    /// The worker's own connection: changes orders as the sync worker would.
    worker: Store,
    clock: ManualClock,
    status: SharedStatus,
    listeners: Listeners,
    window: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
    sizes: Vec<(u32, u32)>,
    shot_no: u32,
}

impl Scenario {
    fn new(
        lang: Language,
        work: &Path,
        window: &Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
        sizes: Vec<(u32, u32)>,
    ) -> Result<Scenario, String> {
        Scenario::with_config(lang, work, window, shot_config(work, lang), sizes)
    }

    fn with_config(
        lang: Language,
        work: &Path,
        window: &Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
        config: Config,
        sizes: Vec<(u32, u32)>,
    ) -> Result<Scenario, String> {
        let config = Arc::new(config);
        let path = work.join("kiosk.sqlite");
        let (mut store, _) = Store::open(&path).map_err(|e| e.to_string())?;
        let now = shot_now();
        let today = date(2026, 11, 19);
        let days: Vec<_> = (0..7)
            .map(|i| demo_menu_day("demo", today.checked_add(i.days()).expect("date in range")))
            .collect();
        store
            .put_menu_days(&days, now, "demo")
            .map_err(|e| e.to_string())?;
        let worker = Store::connect(&path).map_err(|e| e.to_string())?;
        let clock = ManualClock::new(now);
        let floor = date(2026, 11, 1)
            .at(0, 0, 0, 0)
            .to_zoned(TimeZone::UTC)
            .expect("valid")
            .timestamp();
        let kiosk =
            Kiosk::new(config.clone(), store, Arc::new(clock.clone())).with_clock_floor(floor);
        let status = SharedStatus::default();
        let listeners = Listeners::default();
        let ui = KioskUi::new(kiosk, status.clone()).map_err(|e| e.to_string())?;
        ui.listen(&listeners);
        ui.window().show().map_err(|e| e.to_string())?;
        Ok(Scenario {
            lang,
            config,
            ui,
            worker,
            clock,
            status,
            listeners,
            window: window.clone(),
            sizes,
            shot_no: 0,
        })
    }

    fn api(&self) -> Api<'_> {
        self.ui.window().global::<Api>()
    }

    fn shoot(&mut self, name: &str, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.shot_no += 1;
        let window = self
            .window
            .borrow()
            .clone()
            .ok_or("no window was created")?;
        for &(w, h) in &self.sizes {
            window.set_size(PhysicalSize::new(w, h));
            // Runs the `changed width` handlers (the type scale follows the window size).
            slint::platform::update_timers_and_animations();
            window.request_redraw();
            let mut pixels = vec![Rgb8Pixel { r: 0, g: 0, b: 0 }; (w * h) as usize];
            window.draw_if_needed(|renderer| {
                renderer.render(&mut pixels, w as usize);
            });
            let file = dir.join(format!(
                "{}-{w}x{h}-{:02}-{name}.png",
                self.lang.code(),
                self.shot_no
            ));
            write_png(&file, w, h, &pixels)?;
            out.push(file);
        }
        Ok(())
    }

    /// Moves an order through `events` as the sync worker would, and tells the UI.
    fn worker_moves(
        &mut self,
        order_id: &str,
        events: &[OrderEvent],
        reason: Option<&str>,
    ) -> Result<(), String> {
        let mut order = self
            .worker
            .order(order_id)
            .map_err(|e| e.to_string())?
            .ok_or("no such order")?;
        for ev in events {
            let from = order.state;
            order
                .apply(*ev, self.clock.now())
                .map_err(|e| e.to_string())?;
            if let Some(r) = reason {
                order.reason = Some(r.to_string());
            }
            self.worker
                .save_transition(&order, from, Some("screenshot"), OutboxChange::None)
                .map_err(|e| e.to_string())?;
        }
        self.listeners.notify(Change::Orders);
        self.ui.pump();
        Ok(())
    }

    fn dish_id(&self, row: usize) -> String {
        self.api()
            .get_dishes()
            .row_data(row)
            .map(|d| d.id.to_string())
            .unwrap_or_default()
    }

    fn place(&mut self, day: i32, row: usize) -> Result<String, String> {
        let api = self.api();
        api.invoke_show(Screen::Menu);
        api.invoke_select_day(day);
        let id = self.dish_id(row);
        api.invoke_dish_tapped(id.into());
        api.invoke_order_anyway();
        api.invoke_confirm_order();
        let order = api.get_sheet_order().id.to_string();
        api.invoke_close_sheet();
        if order.is_empty() {
            return Err(format!("the order for day {day} was not placed"));
        }
        Ok(order)
    }

    fn run(mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        self.shoot("idle", dir, out)?;

        self.status.update(|s| {
            s.offline = true;
            s.queued = 2;
        });
        self.listeners.notify(Change::Status);
        self.ui.pump();
        self.shoot("idle-offline", dir, out)?;
        self.status.update(|s| {
            s.offline = false;
            s.queued = 0;
        });
        self.listeners.notify(Change::Status);
        self.ui.pump();

        self.ui.badge("4711");
        self.shoot("unknown-badge", dir, out)?;

        self.ui.badge("1001");
        self.shoot("menu", dir, out)?;

        let api = self.api();
        api.invoke_dish_tapped(self.dish_id(0).into());
        self.shoot("confirm", dir, out)?;

        self.api().invoke_confirm_order();
        let today_order = self.api().get_sheet_order().id.to_string();
        self.shoot("saved", dir, out)?;
        self.worker_moves(
            &today_order,
            &[OrderEvent::SendStarted, OrderEvent::Accepted],
            None,
        )?;
        self.shoot("sent", dir, out)?;
        self.worker_moves(&today_order, &[OrderEvent::KitchenConfirmed], None)?;
        self.shoot("confirmed", dir, out)?;
        self.api().invoke_close_sheet();

        self.api().invoke_dish_tapped(self.dish_id(1).into());
        self.shoot("order-twice", dir, out)?;
        self.api().invoke_close_sheet();

        // More orders for the list: one the canteen refused, one still waiting.
        let refused = self.place(1, 2)?;
        self.worker_moves(
            &refused,
            &[OrderEvent::SendStarted, OrderEvent::Refused],
            Some("Canteen closed for a staff event"),
        )?;
        self.place(4, 0)?;
        self.api().invoke_show(Screen::Orders);
        self.shoot("my-orders", dir, out)?;

        self.api().invoke_cancel_tapped(today_order.into());
        self.shoot("cancel-confirm", dir, out)?;
        self.api().invoke_close_sheet();

        self.api().invoke_show(Screen::Menu);
        self.api().invoke_select_day(2);
        self.shoot("closed-day", dir, out)?;

        self.api().invoke_select_day(0);
        let idle = self.ui.window().global::<Api>().get_logout_in().max(0) as u32;
        for _ in 0..idle.saturating_sub(7) {
            self.ui.tick();
        }
        self.shoot("logout-countdown", dir, out)?;
        self.api().invoke_activity();

        // Half past eleven: ordering for today has closed.
        self.clock.advance(SignedDuration::from_mins(109));
        self.ui.tick();
        self.api().invoke_select_day(0);
        self.shoot("cutoff-passed", dir, out)?;

        self.api().invoke_logout();

        // The kitchen: today's service with more people, one order changed since the last
        // look (highlighted).
        let day = date(2026, 11, 19);
        let michael = self.insert_order("1002", day, 1)?;
        let sofia = self.insert_order("1003", day, 0)?;
        self.worker_moves(
            &michael,
            &[OrderEvent::SendStarted, OrderEvent::Accepted],
            None,
        )?;
        self.ui.badge("9001");
        self.worker_moves(&michael, &[OrderEvent::KitchenConfirmed], None)?;
        self.shoot("kitchen", dir, out)?;
        self.api().invoke_logout();

        // The admin screen with a parked row and a vendor that failed once.
        let now = self.clock.now();
        let row = self
            .worker
            .outbox_rows(OutboxStatus::Pending)
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|r| r.order_id == sofia)
            .ok_or("no outbox row to park")?;
        self.worker
            .change_outbox(
                &sofia,
                OutboxChange::Park {
                    row: row.id,
                    error: "HTTP 422: article 3 is not orderable".into(),
                },
                now,
            )
            .map_err(|e| e.to_string())?;
        self.worker
            .record_vendor_ok("demo", now - SignedDuration::from_mins(3))
            .map_err(|e| e.to_string())?;
        self.worker
            .record_vendor_error(
                "demo",
                "connection timed out",
                now - SignedDuration::from_mins(25),
            )
            .map_err(|e| e.to_string())?;
        self.ui.badge("9999");
        self.shoot("admin", dir, out)?;
        self.ui
            .window()
            .global::<AdminApi>()
            .invoke_discard_tapped(row.id as i32);
        self.shoot("discard-confirm", dir, out)?;
        self.api().invoke_close_sheet();
        self.api().invoke_logout();

        // The kitchen where the vendor lists every order of the venue (Liefersoft): two
        // orders from the platform's web shop beside the kiosk's own.
        self.kitchen_with_vendor_list(day, dir, out)?;
        self.admin_salvage_and_clock(dir, out)?;
        self.out_of_service(dir, out)?;
        self.with_peers(dir, out)?;
        self.dimmed(dir, out)?;
        self.week(dir, out)?;
        self.reading(dir, out)?;
        self.venues(dir, out)?;
        self.history(dir, out)?;
        self.watched(dir, out)?;
        self.courses(dir, out)
    }

    /// The idle screen dimmed, 30 s before it goes black (drawn: the demo has no backlight).
    /// A kiosk of its own, like `with_peers`, so the quiet period starts at its first tick.
    fn dimmed(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let blank_after = Duration::from_secs(60);
        let configure = |c: &mut Config| c.screen.blanking.blank_after = blank_after;
        self.on_own_kiosk("dimmed", configure, |s| {
            let dim_for = s.config.screen.blanking.dim_for;
            for _ in 0..(blank_after - dim_for).as_secs() {
                s.ui.tick();
            }
            s.shoot("dimmed", dir, out)
        })
    }

    /// Runs `shots` on a kiosk of its own (a fresh store in a directory `name`, the shots'
    /// config as `configure` leaves it), on the renderer's window from here on; the shots go
    /// on with the numbering.
    fn on_own_kiosk(
        &mut self,
        name: &str,
        configure: impl FnOnce(&mut Config),
        shots: impl FnOnce(&mut Scenario) -> Result<(), String>,
    ) -> Result<(), String> {
        let work = self.config.kiosk.data_dir.join(name);
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let mut config = shot_config(&work, self.lang);
        configure(&mut config);
        let sizes = self.sizes.clone();
        let mut s = Scenario::with_config(self.lang, &work, &self.window, config, sizes)?;
        s.shot_no = self.shot_no;
        let result = shots(&mut s);
        self.shot_no = s.shot_no;
        result
    }

    /// The admin screen after a corrupt file was replaced, with a clock that once read a
    /// later time; then the question before accepting the clock.
    fn admin_salvage_and_clock(
        &mut self,
        dir: &Path,
        out: &mut Vec<PathBuf>,
    ) -> Result<(), String> {
        let now = self.clock.now();
        self.worker
            .record_salvage(&SalvageRecord {
                at: (now - SignedDuration::from_hours(4)).as_second(),
                moved_to: "/var/lib/canteen-kiosk/kiosk.sqlite3.corrupt-20261119T063007Z".into(),
                reason: "database disk image is malformed".into(),
                orders_carried: 19,
                rows_unreadable: 1,
            })
            .map_err(|e| e.to_string())?;
        self.worker
            .note_seen(now + SignedDuration::from_hours(3 * 24))
            .map_err(|e| e.to_string())?;
        self.ui.badge("9999");
        self.shoot("admin-salvage-clock", dir, out)?;
        self.ui
            .window()
            .global::<AdminApi>()
            .invoke_accept_clock_tapped();
        self.shoot("accept-clock", dir, out)?;
        self.api().invoke_close_sheet();
        self.api().invoke_logout();
        Ok(())
    }

    /// The window of a kiosk that cannot start (it replaces the kiosk window on the
    /// renderer).
    fn out_of_service(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let info = OutOfServiceInfo::from_config(&self.config, Arc::new(self.clock.clone()));
        let reason = "/var/lib/canteen-kiosk/kiosk.sqlite3: database: database or disk is full — \
                      the disk is full: free some space (df -h); the orders in the file are kept";
        let oos = OutOfServiceUi::<()>::new(info, reason).map_err(|e| e.to_string())?;
        oos.window().show().map_err(|e| e.to_string())?;
        self.shoot("out-of-service", dir, out)
    }

    fn kitchen_with_vendor_list(
        &mut self,
        day: jiff::civil::Date,
        dir: &Path,
        out: &mut Vec<PathBuf>,
    ) -> Result<(), String> {
        let menu = self
            .worker
            .menu_day("demo", day)
            .map_err(|e| e.to_string())?
            .ok_or("no menu")?;
        let listed = |ref_id: &str, customer: &str, row: usize, quantity: u32| {
            let article = menu.menu.articles.get(row)?;
            Some(ListedOrder {
                ref_id: ref_id.into(),
                day,
                customer: customer.into(),
                state: OrderState::Confirmed,
                raw_status: "PROCESSING".into(),
                reason: None,
                lines: vec![ListedLine {
                    name: article.name.clone(),
                    quantity,
                    unit_price: Some(article.price),
                }],
            })
        };
        let web: Vec<ListedOrder> = [
            listed("web-1", "Erika Muster", 0, 2),
            listed("web-2", "Jonas Weber", 2, 1),
        ]
        .into_iter()
        .collect::<Option<_>>()
        .ok_or("no such dish")?;
        let now = self.clock.now();
        self.worker
            .put_day_lists("demo", &[day], &web, now, true, day)
            .map_err(|e| e.to_string())?;
        self.ui.badge("9001");
        self.shoot("kitchen-vendor-list", dir, out)?;
        self.api().invoke_logout();
        Ok(())
    }

    /// Dish `row` of `day` at the demo venue, with the venue's key and the day's serving.
    fn dish_of(
        &self,
        day: jiff::civil::Date,
        row: usize,
    ) -> Result<(String, crate::domain::Article, Timestamp), String> {
        let venue = self.config.venues.first().ok_or("no venue")?;
        let menu = self
            .worker
            .menu_day(&venue.key, day)
            .map_err(|e| e.to_string())?
            .ok_or("no menu")?;
        let article = menu.menu.articles.get(row).ok_or("no such dish")?.clone();
        let serving = venue
            .rules
            .deadlines(day)
            .map_err(|e| e.to_string())?
            .serving;
        Ok((venue.key.clone(), article, serving))
    }

    /// An order saved as if at another kiosk moment (no cutoff check): dish `row` of `day`.
    fn insert_order(
        &mut self,
        badge: &str,
        day: jiff::civil::Date,
        row: usize,
    ) -> Result<String, String> {
        self.insert_order_as(badge, day, row, "")
    }

    /// [`Scenario::insert_order`], `tag` telling two orders of the same dish apart.
    fn insert_order_as(
        &mut self,
        badge: &str,
        day: jiff::civil::Date,
        row: usize,
        tag: &str,
    ) -> Result<String, String> {
        let (venue, article, serving) = self.dish_of(day, row)?;
        let now = self.clock.now();
        let order = Order::new_queued(
            format!("shot-{badge}-{day}-{row}{tag}"),
            &venue,
            badge,
            day,
            serving,
            vec![OrderLine::one_of(&article)],
            now,
        );
        self.worker
            .insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))
            .map_err(|e| e.to_string())?;
        Ok(order.id)
    }
}

fn write_png(path: &Path, w: u32, h: u32, pixels: &[Rgb8Pixel]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(|e| err(&e))?;
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::High);
    let mut writer = enc.write_header().map_err(|e| err(&e))?;
    let bytes: Vec<u8> = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
    writer.write_image_data(&bytes).map_err(|e| err(&e))?;
    writer.finish().map_err(|e| err(&e))?;
    Ok(())
}
