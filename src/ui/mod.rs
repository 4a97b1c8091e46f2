//! The Rust side of the kiosk screen (the .slint files are in `ui/`).
//!
//! - [`run`] opens the window and blocks in the event loop.
//! - [`render_screenshots`] renders every screen state to PNG files (fixed demo data, fixed
//!   clock), for the docs and for reviewing changes.
//! - [`KioskUi`] is the bridge between the `Api` global and the kiosk service; the tests drive
//!   it headless.
//! - [`badge_reader`] tells a badge reader's keystrokes from stray keys.
//! - `kitchen` and `admin` read the data of the kitchen display and the admin screen.

mod admin;
pub mod badge_reader;
mod bridge;
mod kitchen;
pub mod models;
mod screenshot;

pub use bridge::{KioskUi, LOGOUT_WARNING_SECONDS, NOTICE_SECONDS};
pub use screenshot::{SHOT_SIZES, render_screenshots};

/// The code generated from `ui/app.slint`: `AppWindow`, the `Api` global and its types.
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

/// Opens the kiosk window and runs until it is closed.
pub fn run(kiosk: Kiosk, ctx: RunContext) -> Result<(), slint::PlatformError> {
    let ui = KioskUi::new(kiosk, ctx.status)?;
    ui.listen(&ctx.listeners);
    ui.set_reload_state(ctx.reload);
    ui.set_open_report(ctx.open_report);
    ui.run()
}
