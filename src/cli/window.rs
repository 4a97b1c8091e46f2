//! No command: the kiosk window (`[--kitchen]`), or every screen rendered to PNG
//! (`--screenshot DIR`).

use super::error::{CliError, CliResult};
use super::setup::system_clock;
use canteen_kiosk::app::{self, WindowOptions};
use std::path::Path;

pub fn exec(options: &WindowOptions) -> CliResult {
    app::run_window(options, system_clock())?;
    Ok(())
}

/// Renders every screen to PNG files in `dir` and prints their paths.
pub fn screenshots(dir: &Path) -> CliResult {
    let files = canteen_kiosk::ui::render_screenshots(dir)
        .map_err(|e| CliError::failed(format!("screenshots failed: {e}")))?;
    for f in files {
        println!("{}", f.display());
    }
    Ok(())
}
