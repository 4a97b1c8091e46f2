//! The worker thread: blocks on a channel until woken (new outbox row, webhook event, menu
//! refresh request) or until the engine's next timer falls due. It never spins.

use super::engine::{Engine, StepReport};
use crate::config::Config;
use crate::domain::Clock;
use crate::kiosk::Waker;
use crate::vendors::Vendor;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest the worker sleeps without looking (the clock may have been corrected).
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Connects one vendor per venue of a config. The worker calls it when a reloaded config
/// arrives; it is handed in at start so the worker does not need to know how start-up wires
/// vendors (`app::connect_vendors` in the kiosk, fakes in tests).
pub type ConnectVendors = Box<dyn Fn(&Config) -> HashMap<String, Box<dyn Vendor>> + Send>;

pub enum Msg {
    Wake,
    RefreshMenus,
    /// A reloaded, already checked config: new venues, vendors and credentials.
    Reload(Arc<Config>),
    /// Runs one pass and answers with its report (`sync --once`, tests).
    StepNow(Sender<StepReport>),
    Shutdown,
}

/// A handle to the running worker: wakes it, hands it a new config, stops it.
#[derive(Clone)]
pub struct WorkerHandle {
    tx: Sender<Msg>,
}

impl WorkerHandle {
    pub fn send(&self, msg: Msg) {
        // A stopped worker has nothing to wake; the durable outbox keeps the work.
        let _ = self.tx.send(msg);
    }

    pub fn refresh_menus(&self) {
        self.send(Msg::RefreshMenus);
    }

    /// Runs a pass now and waits for its report.
    pub fn step_now(&self) -> Option<StepReport> {
        let (tx, rx) = mpsc::channel();
        self.send(Msg::StepNow(tx));
        rx.recv().ok()
    }

    pub fn shutdown(&self) {
        self.send(Msg::Shutdown);
    }
}

impl Waker for WorkerHandle {
    fn wake(&self) {
        self.send(Msg::Wake);
    }
}

pub struct Worker {
    pub handle: WorkerHandle,
    pub thread: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker thread around an engine; `connect` makes the vendors of a reloaded
    /// config.
    pub fn spawn(
        engine: Engine,
        clock: Arc<dyn Clock>,
        connect: ConnectVendors,
    ) -> std::io::Result<Worker> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sync-worker".into())
            .spawn(move || run(engine, clock, connect, rx))?;
        Ok(Worker {
            handle: WorkerHandle { tx },
            thread,
        })
    }

    /// Stops the worker and waits for it (the outbox keeps whatever was not sent).
    pub fn stop(self) {
        self.handle.shutdown();
        let _ = self.thread.join();
    }
}

fn run(mut engine: Engine, clock: Arc<dyn Clock>, connect: ConnectVendors, rx: Receiver<Msg>) {
    log::info!("sync worker started");
    let mut report = engine.step();
    loop {
        let wait = sleep_for(&report, clock.as_ref());
        let msg = match rx.recv_timeout(wait) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => Msg::Wake,
            Err(RecvTimeoutError::Disconnected) => Msg::Shutdown,
        };
        match msg {
            Msg::Wake => report = engine.step(),
            Msg::RefreshMenus => {
                engine.request_menu_refresh();
                report = engine.step();
            }
            Msg::Reload(config) => {
                let vendors = connect(&config);
                engine.set_config(config, vendors);
                report = engine.step();
            }
            Msg::StepNow(answer) => {
                report = engine.step();
                let _ = answer.send(report.clone());
            }
            Msg::Shutdown => break,
        }
    }
    log::info!("sync worker stopped");
}

/// How long to sleep until the next timer, at most [`MAX_SLEEP`].
fn sleep_for(report: &StepReport, clock: &dyn Clock) -> Duration {
    let Some(next) = report.next_wake else {
        return MAX_SLEEP;
    };
    let secs = next.as_millisecond() - clock.now().as_millisecond();
    // Never 0: a timer that is due now but blocked (venue backoff) must not spin.
    Duration::from_millis(secs.clamp(50, MAX_SLEEP.as_millis() as i64) as u64)
}
