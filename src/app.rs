//! Putting the pieces together: the store, the vendors, the sync worker and the kiosk
//! service, the same way for the window, the CLI and the tests; and [`run_window`], the
//! kiosk's start-up with its window.

use crate::config::{self, Config, ConfigReport, VendorSettings};
use crate::domain::Clock;
use crate::instance::{self, Claim, InstanceLock, Request};
use crate::kiosk::{Kiosk, Waker};
use crate::serve::Mounts;
use crate::start_time::ms_since_start;
use crate::store::{self, OpenReport, Store};
use crate::sync::{Engine, Listeners, SharedStatus, StepReport, Worker, WorkerHandle};
use crate::vendors::{self, Vendor};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

/// Loads the config named on the command line, the default file, or the demo.
pub fn load_config(explicit: Option<&Path>) -> Result<Config, ConfigReport> {
    if let Some(path) = explicit {
        return config::load(path);
    }
    let default = config::default_path();
    if default.exists() {
        return config::load(&default);
    }
    log::info!(
        "no config at {}: running the built-in demo",
        default.display()
    );
    Ok(config::demo(config::user_data_dir()))
}

/// The database path of a config.
pub fn db_path(config: &Config) -> PathBuf {
    config.kiosk.data_dir.join(store::FILE_NAME)
}

/// Opens the store once (integrity check, migrations, roster, the menu files of the config),
/// logging what happened. Every command and the kiosk open it so: the config's badges and
/// menu files are in the store before anything reads it.
pub fn open_store(config: &Config, clock: &dyn Clock) -> Result<(Store, OpenReport), String> {
    let path = db_path(config);
    log::debug!("opening the store after {} ms", ms_since_start());
    let (mut store, report) =
        Store::open(&path).map_err(|e| format!("{}: {e} — {}", path.display(), e.advice()))?;
    if let Some((aside, reason)) = &report.moved_aside {
        log::error!(
            "database was unreadable ({reason}); the old file is at {}",
            aside.display()
        );
    }
    store
        .sync_employees(&config.badges)
        .map_err(|e| e.to_string())?;
    crate::sync::import_menu_files(&mut store, config, clock.now()).map_err(|e| e.to_string())?;
    log::info!(
        "store {} opened and checked after {} ms",
        path.display(),
        ms_since_start()
    );
    Ok((store, report))
}

/// One vendor connection per venue.
pub fn connect_vendors(config: &Config) -> HashMap<String, Box<dyn Vendor>> {
    config
        .venues
        .iter()
        .map(|v| (v.key.clone(), vendors::connect(config, v)))
        .collect()
}

/// Whether the config runs only on the built-in simulated vendor.
pub fn is_demo(config: &Config) -> bool {
    config
        .venues
        .iter()
        .all(|v| matches!(v.vendor, VendorSettings::Demo))
}

/// The running kiosk: the service for the UI thread and the worker behind it. It holds the
/// data dir's lock: while it lives, no other process runs a worker on the same data.
pub struct App {
    pub lock: InstanceLock,
    pub config: Arc<Config>,
    pub kiosk: Kiosk,
    pub worker: Worker,
    pub listeners: Listeners,
    pub status: SharedStatus,
    pub open_report: OpenReport,
}

impl App {
    /// Opens the store and starts the sync worker.
    pub fn start(config: Config, clock: Arc<dyn Clock>) -> Result<App, String> {
        let config = Arc::new(config);
        let lock = match instance::claim(&config.kiosk.data_dir)
            .map_err(|e| format!("{}: {e}", config.kiosk.data_dir.display()))?
        {
            Claim::Ours(lock) => lock,
            Claim::Held { pid } => return Err(already_running(&config, pid)),
        };
        let (store, open_report) = open_store(&config, clock.as_ref())?;
        let listeners = Listeners::default();
        let status = SharedStatus::default();
        let metrics = Arc::new(crate::metrics::Metrics::new());
        let worker_store = Store::connect(store.path()).map_err(|e| e.to_string())?;
        let engine = Engine::new(
            config.clone(),
            worker_store,
            clock.clone(),
            connect_vendors(&config),
        )
        .with_listeners(listeners.clone())
        .with_status(status.clone())
        .with_metrics(metrics.clone());
        let worker = Worker::spawn(engine, clock.clone(), Box::new(connect_vendors))
            .map_err(|e| format!("cannot start the sync worker: {e}"))?;
        log::debug!("sync worker started after {} ms", ms_since_start());
        start_http(&config, store.path(), &clock, &worker.handle, &metrics);
        crate::peers::reader::start(&config, store.path(), clock.clone(), listeners.clone());
        if let Err(e) = lock.listen(worker.handle.clone()) {
            log::error!("control socket unavailable ({e}): CLI commands cannot wake this kiosk");
        }
        let kiosk =
            Kiosk::new(config.clone(), store, clock).with_waker(Arc::new(worker.handle.clone()));
        Ok(App {
            lock,
            config,
            kiosk,
            worker,
            listeners,
            status,
            open_report,
        })
    }

    /// Stops the worker and waits for it (the outbox keeps whatever was not sent).
    pub fn shutdown(self) {
        self.worker.stop();
    }
}

fn already_running(config: &Config, pid: Option<u32>) -> String {
    format!(
        "another canteen-kiosk{} runs on the data dir {}: only one kiosk per data dir (stop it, \
         or give this one its own data_dir)",
        pid.map(|p| format!(" (PID {p})")).unwrap_or_default(),
        config.kiosk.data_dir.display()
    )
}

/// The running kiosk's worker, as CLI commands reach it through the control socket.
impl instance::Control for WorkerHandle {
    fn wake(&self) {
        crate::kiosk::Waker::wake(self);
    }

    fn sync_now(&self) -> Option<String> {
        self.step_now()
            .and_then(|report| serde_json::to_string(&report).ok())
    }
}

/// Who ran a pass for a CLI command.
#[derive(Debug)]
pub enum PassBy {
    /// No kiosk runs: this process ran it, holding the data dir's lock.
    ThisProcess(StepReport),
    /// The running kiosk's worker ran it and answered with its report.
    RunningKiosk(StepReport),
    /// The running kiosk was woken; its worker sends what was saved.
    Woken,
}

/// One pass for a CLI command, by the one worker of the data dir: the running kiosk's, or,
/// where none runs, this process's own (while it holds the lock, so two commands never race).
/// With `wait` false a running kiosk is only woken.
pub fn pass_for_cli(config: &Arc<Config>, wait: bool) -> Result<PassBy, String> {
    let dir = &config.kiosk.data_dir;
    match instance::claim(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        Claim::Ours(_lock) => {
            let clock: Arc<dyn Clock> = Arc::new(crate::domain::SystemClock::new());
            let (store, _) = open_store(config, clock.as_ref())?;
            let mut engine = Engine::new(config.clone(), store, clock, connect_vendors(config));
            Ok(PassBy::ThisProcess(engine.step()))
        }
        Claim::Held { pid } => {
            let request = if wait { Request::Sync } else { Request::Wake };
            let answer = instance::request(dir, request)
                .map_err(|e| format!("the running kiosk did not answer: {e}"))?;
            match answer {
                None => Err(format!(
                    "{}; its control socket is not there yet — try again in a moment",
                    already_running(config, pid)
                )),
                Some(_) if !wait => Ok(PassBy::Woken),
                Some(json) => serde_json::from_str(&json)
                    .map(PassBy::RunningKiosk)
                    .map_err(|_| format!("the running kiosk answered: {json}")),
            }
        }
    }
}

/// A kiosk without a screen (`serve`): the worker and the HTTP listeners, until SIGTERM or
/// SIGINT. Config reloads as in the window.
pub fn serve(config: Config, clock: Arc<dyn Clock>) -> Result<(), String> {
    let app = App::start(config, clock)?;
    let reload = Arc::new(crate::reload::ReloadState::default());
    watch_for_reload(&app.config, &reload, &app.worker.handle, &app.listeners);
    log::info!(
        "serving {} without a window (PID {})",
        app.config.kiosk.data_dir.display(),
        std::process::id()
    );
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
    ])
    .map_err(|e| format!("cannot wait for signals: {e}"))?;
    if let Some(sig) = signals.forever().next() {
        log::info!("signal {sig}: stopping (the outbox keeps what was not sent)");
    }
    app.shutdown();
    Ok(())
}

/// Starts the kiosk's HTTP endpoints, one server per listen address. A server that cannot
/// start is logged; the kiosk works without it (orders are polled instead of pushed, and
/// there are no metrics). Their addresses are read once: a change needs a restart.
fn start_http(
    config: &Arc<Config>,
    db: &Path,
    clock: &Arc<dyn Clock>,
    worker: &WorkerHandle,
    metrics: &Arc<crate::metrics::Metrics>,
) {
    let mut mounts = Mounts::new();
    webhook_mounts(config, db, clock, worker, metrics, &mut mounts);
    if let Some(settings) = &config.metrics {
        mounts.add(crate::metrics::mount(
            settings,
            config.clone(),
            db,
            clock.clone(),
            metrics.clone(),
        ));
    }
    peer_feed_mount(config, db, clock, &mut mounts);
    for started in mounts.start() {
        let what = started.what.join(", ");
        match started.server {
            Ok(_) => log::info!("{what}: listening on {}", started.listen),
            Err(e) => log::error!(
                "{what}: cannot listen on {}: {e}; the kiosk goes on without it",
                started.listen
            ),
        }
    }
}

/// The feed of this kiosk's orders for its peers, where `[peers] listen` asks for one.
fn peer_feed_mount(config: &Arc<Config>, db: &Path, clock: &Arc<dyn Clock>, mounts: &mut Mounts) {
    let Some(peers) = &config.peers else { return };
    let Some(listen) = &peers.listen else { return };
    match crate::peers::feed::mount(config, listen, peers.token.clone(), db, clock.clone()) {
        Ok(mount) => mounts.add(mount),
        Err(e) => log::error!("{e}; the other screens do not see this kiosk's orders"),
    }
}

/// A webhook receiver for each Liefersoft venue that has one: verified events are kept in
/// the store (on a connection of the receiver's own) before they are acknowledged, and the
/// worker is woken to apply them.
fn webhook_mounts(
    config: &Config,
    db: &Path,
    clock: &Arc<dyn Clock>,
    worker: &WorkerHandle,
    metrics: &Arc<crate::metrics::Metrics>,
    mounts: &mut Mounts,
) {
    for venue in &config.venues {
        let VendorSettings::Liefersoft(s) = &venue.vendor else {
            continue;
        };
        let Some(hook) = &s.webhook else { continue };
        let store = match Store::connect(db) {
            Ok(store) => store,
            Err(e) => {
                log::error!(
                    "webhook receiver of {} not started: {e}; orders are polled instead",
                    venue.key
                );
                continue;
            }
        };
        let keeper = crate::vendors::webhook::StoreKeeper {
            store,
            venue: venue.key.clone(),
            clock: clock.clone(),
        };
        let handle = worker.clone();
        mounts.add(crate::vendors::webhook::mount(
            hook,
            &venue.key,
            keeper,
            move || Waker::wake(&handle),
            metrics.clone(),
        ));
    }
}

/// How the window is asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct WindowOptions {
    /// `--config`: the config file (else the default file, else the demo).
    pub config: Option<PathBuf>,
    /// `--kitchen`: the kitchen display whatever the config's mode.
    pub kitchen: bool,
    /// `--windowed [WxH]`: a window of that size, whatever the config's `fullscreen`.
    pub windowed: Option<crate::ui::WindowSize>,
}

/// Why the kiosk window did not run.
#[derive(Debug)]
pub enum WindowError {
    /// The config has problems: the kiosk does not start on it.
    Config(ConfigReport),
    /// The store or the worker could not start.
    Start(String),
    /// The start-up thread panicked.
    StartPanicked,
    /// The window system refused the window.
    Window(slint::PlatformError),
}

impl fmt::Display for WindowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WindowError::Config(r) => {
                write!(f, "the config has problems, the kiosk does not start:\n{r}")
            }
            WindowError::Start(e) => f.write_str(e),
            WindowError::StartPanicked => f.write_str("starting the store failed unexpectedly"),
            WindowError::Window(e) => write!(f, "cannot open the window: {e}"),
        }
    }
}

impl std::error::Error for WindowError {}

/// Opens the kiosk window (employee or kitchen mode) with its worker and config reload, and
/// returns when the window closes.
pub fn run_window(options: &WindowOptions, clock: Arc<dyn Clock>) -> Result<(), WindowError> {
    let mut config = load_config(options.config.as_deref()).map_err(WindowError::Config)?;
    if options.kitchen {
        config.kiosk.mode = crate::config::Mode::Kitchen;
    }
    if config.path.is_none() {
        log::info!("demo mode: data in {}", config.kiosk.data_dir.display());
    }
    let mode = crate::ui::WindowMode::resolve(&config.kiosk.display, options.windowed);
    skip_compose_table(&config.kiosk.data_dir);
    // The store (integrity check, roster, worker) and the window system (display connection,
    // keymap, fonts) do not depend on each other: set them up on two cores at once, so the
    // first frame waits for the slower of the two, not for both.
    let (retry_config, retry_clock) = (config.clone(), clock.clone());
    let starting = std::thread::spawn(move || App::start(config, clock));
    if let Err(e) = slint::BackendSelector::new().select() {
        // Opening the window reports it again, with the same words, after the store is safe.
        log::debug!("window system not ready yet: {e}");
    }
    let started = starting.join().map_err(|_| WindowError::StartPanicked)?;
    let app = match started {
        Ok(app) => app,
        Err(reason) => return out_of_service(retry_config, retry_clock, &reason, &mode),
    };
    let running = open_kiosk_screen(None, app).map_err(WindowError::Window)?;
    mode.apply(running.ui.window());
    let result = running.ui.run();
    running.shutdown();
    result.map_err(WindowError::Window)
}

/// The kiosk screen wired to a started app, and what must live as long as it runs.
struct Running {
    ui: crate::ui::KioskUi,
    worker: Worker,
    /// The badge reader's own device, when the config names one.
    badge_reader: Option<crate::badge_input::ReaderThread>,
    // Held until the window closes: the data dir's one worker is this one.
    _lock: InstanceLock,
}

impl Running {
    fn shutdown(self) {
        if let Some(reader) = self.badge_reader {
            reader.stop();
        }
        self.worker.stop();
    }
}

/// Puts the kiosk screen on `window` (a new one when `None`) with config reloads.
fn open_kiosk_screen(
    window: Option<crate::ui::generated::AppWindow>,
    app: App,
) -> Result<Running, slint::PlatformError> {
    let App {
        lock,
        kiosk,
        worker,
        listeners,
        status,
        config,
        open_report,
    } = app;
    let reload = Arc::new(crate::reload::ReloadState::default());
    watch_for_reload(&config, &reload, &worker.handle, &listeners);
    let ctx = crate::ui::RunContext {
        listeners,
        status,
        reload,
        open_report,
    };
    match crate::ui::open(window, kiosk, ctx) {
        Ok(ui) => Ok(Running {
            badge_reader: read_badge_device(&ui, &config),
            ui,
            worker,
            _lock: lock,
        }),
        Err(e) => {
            worker.stop();
            Err(e)
        }
    }
}

/// Starts reading the badge reader's device, where the config names one (a change of
/// `badge_reader` takes a restart). Without it, the window's keys are the badge reader.
fn read_badge_device(
    ui: &crate::ui::KioskUi,
    config: &Config,
) -> Option<crate::badge_input::ReaderThread> {
    let input = config.kiosk.badge_input.as_ref()?;
    match ui.read_badge_device(input) {
        Ok(thread) => Some(thread),
        Err(e) => {
            log::error!(
                "cannot start reading the badge reader {}: {e}; badges are read from the \
                 window's keys",
                input.path.display()
            );
            None
        }
    }
}

/// The kiosk cannot start (a full or read-only disk, a locked database, another kiosk on the
/// data dir): the out-of-service window says why, in big type, and the start is tried again
/// every few seconds on a thread, so a kiosk that booted with a full disk opens by itself
/// once space is freed: the kiosk screen then takes the same window over.
fn out_of_service(
    config: Config,
    clock: Arc<dyn Clock>,
    reason: &str,
    mode: &crate::ui::WindowMode,
) -> Result<(), WindowError> {
    use crate::ui::{OutOfServiceInfo, OutOfServiceUi, RETRY_EVERY};
    log::error!(
        "the kiosk cannot start: {reason}; showing the out-of-service screen, trying again \
         every {} s",
        RETRY_EVERY.as_secs()
    );
    let info = OutOfServiceInfo::from_config(&config, clock.clone());
    let ui = OutOfServiceUi::new(info, reason).map_err(WindowError::Window)?;
    mode.apply(ui.window());
    let running: Rc<RefCell<Option<Running>>> = Rc::default();
    let slot = running.clone();
    ui.on_started(
        move |window, app| match open_kiosk_screen(Some(window), app) {
            Ok(r) => *slot.borrow_mut() = Some(r),
            Err(e) => {
                log::error!("the kiosk started but its screen did not: {e}");
                let _ = slint::quit_event_loop();
            }
        },
    );
    ui.retry(
        move || App::start(config.clone(), clock.clone()),
        RETRY_EVERY,
    )
    .map_err(|e| WindowError::Start(format!("cannot start the retry thread: {e}")))?;
    let result = ui.run();
    drop(ui);
    if let Some(r) = running.borrow_mut().take() {
        r.shutdown();
    }
    result.map_err(WindowError::Window)
}

/// Reloads the config when its files change or on SIGHUP (a config without a file, the
/// demo, has nothing to reload).
fn watch_for_reload(
    config: &Config,
    reload: &Arc<crate::reload::ReloadState>,
    worker: &WorkerHandle,
    listeners: &Listeners,
) {
    let Some(path) = crate::reload::reload_path(config) else {
        return;
    };
    let reloader = crate::reload::Reloader {
        path: path.to_path_buf(),
        state: reload.clone(),
        worker: worker.clone(),
        listeners: listeners.clone(),
    };
    if let Err(e) = reloader.clone().watch_files() {
        log::warn!("config reload on file change unavailable (SIGHUP still works): {e}");
    }
    if let Err(e) = reloader.watch_sighup() {
        log::warn!("config reload on SIGHUP unavailable: {e}");
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
