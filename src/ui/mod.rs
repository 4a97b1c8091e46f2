//! The Rust side of the kiosk screen (the .slint files are in `ui/`).
//!
//! - [`run`] opens the window and blocks in the event loop.
//! - [`render_screenshots`] renders every screen state to PNG files (fixed demo data, fixed
//!   clock), for the docs and for reviewing changes.
//! - [`KioskUi`] is the bridge between the `Api` global and the kiosk service; the tests drive
//!   it headless.
//! - [`badge_reader`] tells a badge reader's keystrokes from stray keys.

pub mod badge_reader;
mod bridge;
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
use crate::sync::{Listeners, SharedStatus};

/// Opens the kiosk window and runs until it is closed. The sync worker's changes arrive
/// through `listeners` (they are applied on the UI thread); `status` feeds the banners.
pub fn run(
    kiosk: Kiosk,
    listeners: Listeners,
    status: SharedStatus,
) -> Result<(), slint::PlatformError> {
    let ui = KioskUi::new(kiosk, status)?;
    ui.listen(&listeners);
    ui.run()
}
