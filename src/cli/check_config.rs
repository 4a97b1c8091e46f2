//! `check-config [PATH]`: a summary and exit 0, or every problem and exit 1.

use super::error::{CliError, CliResult, EXIT_REFUSED};
use canteen_kiosk::config;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    path: Option<PathBuf>,
}

/// Checks `PATH`, else the `--config` file, else the default file.
pub fn exec(args: &Args, global_config: Option<&Path>) -> CliResult {
    let path = args
        .path
        .clone()
        .or_else(|| global_config.map(Path::to_path_buf))
        .unwrap_or_else(config::default_path);
    match config::load(&path) {
        Ok(c) => {
            println!("{}: OK\n{}", path.display(), config::summary(&c));
            warn_about_badge_reader(&c);
            Ok(())
        }
        Err(report) => {
            eprintln!("{report}");
            eprintln!("{}: {} problem(s)", path.display(), report.problems.len());
            Err(CliError::quiet(EXIT_REFUSED))
        }
    }
}

/// A reader that cannot be read now is no reason to refuse the config (it may be unplugged
/// for a moment; the kiosk keeps looking for it), but the admin should hear of it.
fn warn_about_badge_reader(c: &config::Config) {
    let Some(input) = &c.kiosk.badge_input else {
        return;
    };
    if let Err(why) = canteen_kiosk::badge_input::check(&input.path) {
        println!("Warning: badge_reader {} {why}", input.path.display());
    }
}
