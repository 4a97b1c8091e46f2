//! The Rust side of the kiosk screen (the .slint files are in `ui/`).
//!
//! - [`open`] puts the kiosk screen on a window, wired to the worker.
//! - [`render_screenshots`] renders every screen state to PNG files (fixed demo data, fixed
//!   clock), for the docs and for reviewing changes.
//! - [`KioskUi`] (`bridge`) holds the session (badge in and out, the logout timer) and wires
//!   the screens' controllers to the window and to the sync worker; the tests drive it
//!   headless.
//! - One controller per screen, each with a `setup(&window, …)` that hands its global its
//!   models and takes its callbacks: `idle` (idle screen and top bar), `menu` (menu and
//!   orders, `Api`; it owns `week`, the week at a glance, which orders through its sheets), `kitchen` (`KitchenApi`), `admin` (`AdminApi`). They share `context`
//!   (window, kiosk, language, who is badged in) and [`models`] (kiosk views → UI rows), and
//!   never use each other or the bridge.
//! - [`OutOfServiceUi`] (`out_of_service`): the window's out-of-service mode while the kiosk
//!   cannot start, retrying the start on a thread until it can.
//! - [`WindowMode`] (`window_mode`): full screen or a window, the pointer shown or hidden.
//! - `blanking` dims and blanks the screen after a quiet period (`backlight` where the
//!   panel's backlight can be written, drawn black otherwise) and wakes it.
//! - [`badge_reader`] tells a badge reader's keystrokes from stray keys; `badge_keys` queues
//!   the presses of a reader read directly (`crate::badge_input`) for the UI thread.

mod admin;
mod backlight;
mod badge_keys;
pub mod badge_reader;
mod blanking;
mod bridge;
mod context;
mod history;
mod idle;
mod kitchen;
mod menu;
pub mod models;
mod out_of_service;
mod reading;
mod screenshot;
mod week;
mod window_mode;

pub use bridge::{KioskUi, LOGOUT_WARNING_SECONDS};
pub use idle::NOTICE_SECONDS;
pub use out_of_service::{OutOfServiceInfo, OutOfServiceUi, RETRY_EVERY};
pub use screenshot::{SHOT_LANGUAGES, SHOT_SIZES, render_screenshots, render_screenshots_at};
pub use window_mode::{WindowMode, WindowSize};

/// The code generated from `ui/app.slint`: `AppWindow`, the `Api`, `KitchenApi` and `AdminApi`
/// globals and their types.
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_qualifications)]
pub mod generated {
    slint::include_modules!();
}

use crate::kiosk::Kiosk;
use crate::reload::ReloadState;
use crate::store::OpenReport;
use crate::sync::{Listeners, SharedStatus};
use std::sync::Arc;

/// What the window needs besides the kiosk service.
pub struct RunContext {
    /// The sync worker's changes (applied on the UI thread).
    pub listeners: Listeners,
    /// Feeds the offline / clock banners.
    pub status: SharedStatus,
    /// Where SIGHUP reloads leave a new config or its problems.
    pub reload: Arc<ReloadState>,
    /// How the store was opened (a database moved aside shows on the admin screen).
    pub open_report: OpenReport,
}

/// The kiosk screen on `window` (a new one when `None`), wired to the worker: keep it alive
/// while the event loop runs.
pub fn open(
    window: Option<generated::AppWindow>,
    kiosk: Kiosk,
    ctx: RunContext,
) -> Result<KioskUi, slint::PlatformError> {
    let ui = match window {
        Some(w) => KioskUi::with_window(w, kiosk, ctx.status),
        None => KioskUi::new(kiosk, ctx.status)?,
    };
    ui.listen(&ctx.listeners);
    ui.set_reload_state(ctx.reload);
    ui.set_open_report(ctx.open_report);
    Ok(ui)
}
