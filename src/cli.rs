//! The command line: every path a person can take on the screen is scriptable here, through
//! the same kiosk service. Exit codes: 0 done; 1 refused (a config with problems, an order or
//! cancel the rules refuse, an unknown badge); 2 wrong usage; 3 could not run (database,
//! files).

use crate::app::{self, App};
use crate::config::{self, Config};
use crate::domain::{Clock, Order, OrderState, SystemClock};
use crate::kiosk::{DayStatus, Kiosk, KioskError};
use crate::sync::{Engine, StepReport};
use clap::{Parser, Subcommand};
use jiff::civil::Date;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_FAILED: u8 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "canteen-kiosk",
    version,
    about = "The canteen's ordering kiosk"
)]
pub struct Cli {
    /// The config file (default /etc/canteen-kiosk/kiosk.toml; without one, the demo runs).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Show the kitchen display permanently.
    #[arg(long)]
    pub kitchen: bool,
    /// Render every screen to PNG files in DIR and exit.
    #[arg(long, value_name = "DIR")]
    pub screenshot: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a config file: print a summary and exit 0, or every problem and exit 1.
    CheckConfig { path: Option<PathBuf> },
    /// Refresh menus, drain the outbox and poll order states once, then exit.
    Sync {
        #[arg(long, required = true)]
        once: bool,
        #[arg(long)]
        json: bool,
    },
    /// Queue by state, oldest waiting row, vendor contact, clock trust, database health.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The menu of the coming days.
    Menu {
        #[arg(long)]
        venue: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Orders of a day (or of a badge).
    Orders {
        #[arg(long)]
        date: Option<Date>,
        #[arg(long)]
        badge: Option<String>,
        #[arg(long)]
        venue: Option<String>,
        #[arg(long)]
        csv: bool,
        #[arg(long)]
        json: bool,
    },
    /// Order a dish on behalf of a badge.
    Order {
        #[arg(long)]
        badge: String,
        #[arg(long)]
        date: Date,
        /// The dish's id as `menu` shows it.
        #[arg(long)]
        dish: String,
        #[arg(long)]
        venue: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Log in once at Bessa for an employee and store their token in the secrets file
    /// (the password is read from standard input and never stored).
    BessaLogin {
        #[arg(long)]
        venue: String,
        #[arg(long)]
        badge: String,
    },
    /// Manage the Liefersoft webhook of a venue: list, register (create or update), delete.
    Webhooks {
        #[arg(long)]
        venue: String,
        #[command(subcommand)]
        action: WebhookAction,
    },
    /// Send a parked outbox row again (`status` lists the parked rows and their numbers).
    Retry {
        /// The outbox row number.
        row: i64,
    },
    /// Give up a parked outbox row for good: an order that never reached the vendor becomes
    /// rejected ("discarded by an admin"), a parked cancellation leaves its order as it was.
    /// Cannot be undone, so the row number is asked twice: `discard 12 --confirm 12`.
    Discard {
        /// The outbox row number.
        row: i64,
        /// The same row number again.
        #[arg(long)]
        confirm: Option<i64>,
    },
    /// Cancel an order on behalf of a badge.
    Cancel {
        #[arg(long)]
        badge: String,
        #[arg(long)]
        order: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum WebhookAction {
    List,
    /// Registers the venue's `[venues.X.webhook]` public URL and secret.
    Register,
    Delete {
        id: String,
    },
}

/// Runs a command that does not open the window; returns the exit code.
pub fn run(cli: &Cli, command: &Command) -> u8 {
    match execute(cli, command) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("canteen-kiosk: {msg}");
            EXIT_FAILED
        }
    }
}

/// Loads the config named on the command line, the default file, or the demo.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, String> {
    match explicit {
        Some(path) => config::load(path).map_err(|r| r.to_string()),
        None => {
            let default = config::default_path();
            if default.exists() {
                config::load(&default).map_err(|r| r.to_string())
            } else {
                log::info!(
                    "no config at {}: running the built-in demo",
                    default.display()
                );
                Ok(config::demo(config::user_data_dir()))
            }
        }
    }
}

fn execute(cli: &Cli, command: &Command) -> Result<u8, String> {
    if let Command::CheckConfig { path } = command {
        return Ok(check_config(path.as_deref().or(cli.config.as_deref())));
    }
    let config = load_config(cli.config.as_deref())?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    match command {
        Command::CheckConfig { .. } => unreachable!("handled above"),
        Command::Sync { json, .. } => sync_once(config, clock, *json),
        Command::Status { json } => status(config, clock, *json),
        Command::Menu { venue, json } => {
            with_kiosk(config, clock, |k| menu(k, venue.as_deref(), *json))
        }
        Command::Orders {
            date,
            badge,
            venue,
            csv,
            json,
        } => with_kiosk(config, clock, |k| {
            orders(k, *date, badge.as_deref(), venue.as_deref(), *csv, *json)
        }),
        Command::Order {
            badge,
            date,
            dish,
            venue,
            json,
        } => with_app(config, clock, |k| {
            order(k, badge, *date, dish, venue.as_deref(), *json)
        }),
        Command::Cancel { badge, order, json } => {
            with_app(config, clock, |k| cancel(k, badge, order, *json))
        }
        Command::BessaLogin { venue, badge } => {
            crate::admin::bessa_login(&config, venue, badge, &mut std::io::stdin().lock())
        }
        Command::Webhooks { venue, action } => crate::admin::webhooks(&config, venue, action),
        Command::Retry { row } => with_app(config, clock, |k| retry(k, *row)),
        Command::Discard { row, confirm } => {
            if *confirm != Some(*row) {
                eprintln!(
                    "canteen-kiosk: refused: discarding cannot be undone; to go ahead, give the \
                     row number twice: discard {row} --confirm {row}"
                );
                return Ok(EXIT_REFUSED);
            }
            with_kiosk(config, clock, |k| discard(k, *row))
        }
    }
}

/// `retry ROW`: pending again, and one worker pass to send it.
fn retry(k: &mut Kiosk, row: i64) -> Result<u8, String> {
    match k.retry_parked(row) {
        Ok(()) => {
            println!("outbox row {row} is pending again");
            Ok(0)
        }
        Err(KioskError::NoSuchOrder) => Ok(no_parked_row(row)),
        Err(e) => Err(e.to_string()),
    }
}

/// `discard ROW --confirm ROW`, logged like the admin screen's discard.
fn discard(k: &mut Kiosk, row: i64) -> Result<u8, String> {
    let who = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .map(|u| format!("command line ({u})"))
        .unwrap_or_else(|_| "command line".into());
    match k.discard_parked(row, &who) {
        Ok(()) => {
            println!("outbox row {row} discarded");
            Ok(0)
        }
        Err(KioskError::NoSuchOrder) => Ok(no_parked_row(row)),
        Err(e) => Err(e.to_string()),
    }
}

fn no_parked_row(row: i64) -> u8 {
    eprintln!(
        "canteen-kiosk: refused: outbox row {row} is not parked (`canteen-kiosk status` lists \
         the parked rows)"
    );
    EXIT_REFUSED
}

fn check_config(path: Option<&Path>) -> u8 {
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(config::default_path);
    match config::load(&path) {
        Ok(c) => {
            println!("{}: OK\n{}", path.display(), config::summary(&c));
            0
        }
        Err(report) => {
            eprintln!("{report}");
            eprintln!("{}: {} problem(s)", path.display(), report.problems.len());
            EXIT_REFUSED
        }
    }
}

/// A kiosk service on the store, without a worker (read-only commands).
fn with_kiosk(
    config: Config,
    clock: Arc<dyn Clock>,
    f: impl FnOnce(&mut Kiosk) -> Result<u8, String>,
) -> Result<u8, String> {
    let config = Arc::new(config);
    let (store, _) = app::open_store(&config)?;
    let mut kiosk = Kiosk::new(config, store, clock);
    f(&mut kiosk)
}

/// The kiosk with its worker: an order or cancel made here is sent at once if it can be.
fn with_app(
    config: Config,
    clock: Arc<dyn Clock>,
    f: impl FnOnce(&mut Kiosk) -> Result<u8, String>,
) -> Result<u8, String> {
    let mut app = App::start(config, clock)?;
    let code = f(&mut app.kiosk);
    // Give the worker one pass to send what was just saved; what it cannot send stays queued.
    let _ = app.worker.handle.step_now();
    app.shutdown();
    code
}

fn sync_once(config: Config, clock: Arc<dyn Clock>, json_out: bool) -> Result<u8, String> {
    let config = Arc::new(config);
    let (store, _) = app::open_store(&config)?;
    let vendors = app::connect_vendors(&config);
    let mut engine = Engine::new(config.clone(), store, clock, vendors);
    let report = engine.step();
    if json_out {
        println!("{}", step_json(&report));
    } else {
        println!("{}", step_text(&report));
    }
    Ok(0)
}

pub fn step_json(r: &StepReport) -> serde_json::Value {
    json!({
        "sent": r.sent, "cancelled": r.cancelled, "expired": r.expired, "rejected": r.rejected,
        "reconciled": r.reconciled, "retried": r.retried, "parked": r.parked,
        "menus_refreshed": r.menus_refreshed, "states_updated": r.states_updated,
        "clock_doubt": r.clock_doubt,
    })
}

fn step_text(r: &StepReport) -> String {
    let mut s = format!(
        "sent {}, cancelled {}, expired {}, rejected {}, reconciled {}, retried {}, parked {}, menus refreshed {}, states updated {}",
        r.sent,
        r.cancelled,
        r.expired,
        r.rejected,
        r.reconciled,
        r.retried,
        r.parked,
        r.menus_refreshed,
        r.states_updated
    );
    if let Some(d) = &r.clock_doubt {
        s.push_str(&format!("\nclock not trusted, orders wait: {d}"));
    }
    s
}

fn status(config: Config, clock: Arc<dyn Clock>, json_out: bool) -> Result<u8, String> {
    let (store, report) = app::open_store(&config)?;
    let kiosk = Kiosk::new(Arc::new(config), store, clock);
    let s = crate::kiosk::status::collect(&kiosk, &report).map_err(|e| e.to_string())?;
    if json_out {
        println!("{}", s.to_json());
    } else {
        println!("{}", s.to_text());
    }
    Ok(0)
}

fn pick_venue<'a>(k: &'a Kiosk, venue: Option<&str>) -> Result<&'a crate::config::Venue, String> {
    match venue {
        Some(v) => k.venue(v).map_err(|e| e.to_string()),
        None => k
            .config()
            .venues
            .first()
            .ok_or_else(|| "the config has no venue".to_string()),
    }
}

fn menu(k: &mut Kiosk, venue: Option<&str>, json_out: bool) -> Result<u8, String> {
    let venue = pick_venue(k, venue)?.key.clone();
    let days = k.menu_view(&venue).map_err(|e| e.to_string())?;
    if json_out {
        let v: Vec<_> = days
            .iter()
            .map(|d| {
                json!({
                    "venue": d.venue, "date": d.day.to_string(),
                    "open": matches!(d.status, DayStatus::Open { .. }),
                    "order_until": d.order_until.map(|t| t.to_string()),
                    "dishes": d.dishes.iter().map(|a| json!({
                        "id": a.vendor_id, "name": a.name, "description": a.description,
                        "price": a.price.to_decimal_string(), "allergens": a.allergens,
                        "portions_left": a.portions_left, "available": a.is_available(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(v));
        return Ok(0);
    }
    for d in &days {
        let state = match &d.status {
            DayStatus::Open { seconds_left } => format!("open, {} min left", seconds_left / 60),
            DayStatus::Closed(r) => format!("closed ({r:?})"),
        };
        println!("{} {:?} — {state}", d.day, d.day.weekday());
        for a in &d.dishes {
            let avail = if a.is_available() {
                String::new()
            } else {
                " SOLD OUT".into()
            };
            println!(
                "  {:<8} {:>8}  {} [{}]{avail}",
                a.vendor_id,
                a.price.to_decimal_string(),
                a.name,
                a.allergens
            );
        }
    }
    Ok(0)
}

fn orders(
    k: &mut Kiosk,
    date: Option<Date>,
    badge: Option<&str>,
    venue: Option<&str>,
    csv: bool,
    json_out: bool,
) -> Result<u8, String> {
    let venue = pick_venue(k, venue)?.clone();
    let Some(badge) = badge else {
        let day = date.unwrap_or_else(|| k.today(&venue));
        let view = k.kitchen_view(&venue.key, day).map_err(|e| e.to_string())?;
        print_day(&view, csv, json_out);
        return Ok(0);
    };
    let list = k.my_orders(badge).map_err(|e| e.to_string())?;
    if csv {
        print!("{}", crate::kiosk::export::orders_csv(k, &list));
    } else if json_out {
        println!(
            "{}",
            serde_json::Value::Array(list.iter().map(order_json).collect())
        );
    } else {
        for o in &list {
            println!(
                "{}  {}  {:<18} {:<10} {}",
                o.day,
                o.id,
                o.state.as_str(),
                o.badge,
                dish_names(o)
            );
        }
    }
    Ok(0)
}

/// A venue's day as the kitchen sees it (the vendor's full list where it has one).
fn print_day(view: &crate::kiosk::KitchenView, csv: bool, json_out: bool) {
    use crate::kiosk::KitchenSource;
    let (source, fetched_at, complete) = match &view.source {
        KitchenSource::ThisKiosk => ("this_kiosk", None, true),
        KitchenSource::Vendor {
            fetched_at,
            complete,
        } => ("vendor", Some(fetched_at.to_string()), *complete),
    };
    if csv {
        print!("{}", crate::kiosk::export::day_csv(view));
    } else if json_out {
        let rows: Vec<serde_json::Value> = view
            .pickups
            .iter()
            .map(|p| {
                json!({
                    "order_id": p.order_id, "name": p.name, "badge": p.badge, "dish": p.dish,
                    "quantity": p.quantity, "price": p.price.map(|m| m.to_decimal_string()),
                    "state": p.state.as_str(), "reason": p.reason,
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "date": view.day.map(|d| d.to_string()), "source": source,
                "fetched_at": fetched_at, "complete": complete, "orders": rows,
            })
        );
    } else {
        match (&view.source, complete) {
            (KitchenSource::ThisKiosk, _) => println!("# the orders this kiosk knows of"),
            (KitchenSource::Vendor { .. }, true) => println!(
                "# all orders of the venue, from the vendor's list as of {}",
                fetched_at.unwrap_or_default()
            ),
            (KitchenSource::Vendor { .. }, false) => println!(
                "# the vendor's list as of {} (it has more orders than the kiosk reads)",
                fetched_at.unwrap_or_default()
            ),
        }
        for p in &view.pickups {
            println!(
                "{:<24} {:<30} {:>3}  {:<18} {}",
                p.name,
                p.dish,
                p.quantity,
                p.state.as_str(),
                p.order_id
            );
        }
    }
}

fn dish_names(o: &Order) -> String {
    o.lines
        .iter()
        .map(|l| l.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn order_json(o: &Order) -> serde_json::Value {
    json!({
        "id": o.id, "venue": o.venue, "badge": o.badge, "date": o.day.to_string(),
        "serving": o.serving.to_string(), "state": o.state.as_str(), "dishes": dish_names(o),
        "total": o.total().to_decimal_string(), "vendor_ref": o.vendor_ref, "reason": o.reason,
    })
}

fn order(
    k: &mut Kiosk,
    badge: &str,
    date: Date,
    dish: &str,
    venue: Option<&str>,
    json_out: bool,
) -> Result<u8, String> {
    let venue = pick_venue(k, venue)?.key.clone();
    let who = match k.badge_in(badge) {
        Ok(b) => b,
        Err(e) => return Ok(refused(&e)),
    };
    match k.place_order(&who, &venue, date, dish) {
        Ok(o) => {
            print_order(&o, json_out);
            Ok(0)
        }
        Err(KioskError::Store(e)) => Err(e.to_string()),
        Err(e) => Ok(refused(&e)),
    }
}

fn cancel(k: &mut Kiosk, badge: &str, order_id: &str, json_out: bool) -> Result<u8, String> {
    let who = match k.badge_in(badge) {
        Ok(b) => b,
        Err(e) => return Ok(refused(&e)),
    };
    match k.cancel_order(&who, order_id) {
        Ok(o) => {
            print_order(&o, json_out);
            Ok(0)
        }
        Err(KioskError::Store(e)) => Err(e.to_string()),
        Err(e) => Ok(refused(&e)),
    }
}

fn print_order(o: &Order, json_out: bool) {
    if json_out {
        println!("{}", order_json(o));
    } else {
        let what = if o.state == OrderState::Cancelled {
            "cancelled"
        } else {
            "saved"
        };
        println!(
            "order {} {what}: {} on {} ({})",
            o.id,
            dish_names(o),
            o.day,
            o.state.as_str()
        );
    }
}

fn refused(e: &KioskError) -> u8 {
    eprintln!("canteen-kiosk: refused: {e}");
    EXIT_REFUSED
}

/// Renders every screen to PNG files in `dir`.
pub fn screenshots(dir: &Path) -> u8 {
    match crate::ui::render_screenshots(dir) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            0
        }
        Err(e) => {
            eprintln!("canteen-kiosk: screenshots failed: {e}");
            EXIT_FAILED
        }
    }
}

/// The kiosk has no text entry (the badge reader types digits and Enter), so the locale's
/// compose table (dead keys, Compose sequences), which libX11 and xkbcommon parse when the
/// window system starts (a 6 000-line file for en_US.UTF-8, tens of ms), is not needed:
/// point them at one without sequences, unless the admin set one. Must run before any
/// thread is started (it sets an environment variable).
fn skip_compose_table(data_dir: &Path) {
    if std::env::var_os("XCOMPOSEFILE").is_some() {
        return;
    }
    // A comment, not an empty file: xkbcommon cannot map an empty one and says so.
    let file = data_dir.join("no-compose-sequences");
    let written = std::fs::create_dir_all(data_dir).and_then(|()| {
        std::fs::write(
            &file,
            "# canteen-kiosk: no compose sequences (the kiosk has no text entry)\n",
        )
    });
    match written {
        // SAFETY: the caller runs this before any other thread of the process exists.
        Ok(()) => unsafe { std::env::set_var("XCOMPOSEFILE", &file) },
        Err(e) => log::debug!("compose table not skipped ({}): {e}", file.display()),
    }
}

/// Opens the kiosk window (employee or kitchen mode) with its worker.
pub fn run_window(cli: &Cli, clock: Arc<dyn Clock>) -> u8 {
    let mut config = match load_config(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("canteen-kiosk: the config has problems, the kiosk does not start:\n{e}");
            return EXIT_REFUSED;
        }
    };
    if cli.kitchen {
        config.kiosk.mode = crate::config::Mode::Kitchen;
    }
    if config.path.is_none() {
        log::info!("demo mode: data in {}", config.kiosk.data_dir.display());
    }
    skip_compose_table(&config.kiosk.data_dir);
    // The store (integrity check, roster, worker) and the window system (display connection,
    // keymap, fonts) do not depend on each other: set them up on two cores at once, so the
    // first frame waits for the slower of the two, not for both.
    let starting = std::thread::spawn(move || App::start(config, clock));
    if let Err(e) = slint::BackendSelector::new().select() {
        // Opening the window reports it again, with the same words, after the store is safe.
        log::debug!("window system not ready yet: {e}");
    }
    let app = match starting.join() {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            eprintln!("canteen-kiosk: {e}");
            return EXIT_FAILED;
        }
        Err(_) => {
            eprintln!("canteen-kiosk: starting the store failed unexpectedly");
            return EXIT_FAILED;
        }
    };
    let App {
        kiosk,
        worker,
        listeners,
        status,
        config,
        open_report,
    } = app;
    let reload = Arc::new(crate::reload::ReloadState::default());
    if let Some(path) = crate::reload::reload_path(&config) {
        let reloader = crate::reload::Reloader {
            path: path.to_path_buf(),
            state: reload.clone(),
            worker: worker.handle.clone(),
            listeners: listeners.clone(),
        };
        if let Err(e) = reloader.clone().watch_files() {
            log::warn!("config reload on file change unavailable (SIGHUP still works): {e}");
        }
        if let Err(e) = reloader.watch_sighup() {
            log::warn!("config reload on SIGHUP unavailable: {e}");
        }
    }
    let ctx = crate::ui::RunContext {
        listeners,
        status,
        reload,
        open_report,
    };
    let result = crate::ui::run(kiosk, ctx);
    worker.handle.shutdown();
    let _ = worker.thread.join();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("canteen-kiosk: cannot open the window: {e}");
            EXIT_FAILED
        }
    }
}
