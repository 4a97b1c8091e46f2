//! The admin config: one TOML file, checked with clear errors before it is used.
//!
//! `load` reads and validates everything (including the secrets, menu and badge files it
//! refers to) and returns either a `Config` or a `ConfigReport` listing every problem with
//! file, line and key. The format is documented in the README ("Configuration") and shown in
//! full in `data/sample-kiosk.toml`.

mod badges;
mod checks;
mod csv;
mod kiosk;
pub mod menu_file;
mod metrics;
mod model;
pub mod peers;
mod reader;
mod report;
mod screen;
mod secrets;
mod summary;
mod validate;
mod vendor_settings;
mod venue;

pub use model::*;
pub use report::{ConfigReport, Problem};
pub use secrets::write_secret;
pub use summary::summary;
pub use validate::load;

use std::path::{Path, PathBuf};

/// Where the config lives on a kiosk.
pub fn default_path() -> PathBuf {
    PathBuf::from("/etc/canteen-kiosk/kiosk.toml")
}

/// The embedded demo config (`data/demo-kiosk.toml`).
pub const DEMO_TOML: &str = include_str!("../../data/demo-kiosk.toml");

/// The built-in demo: two simulated venues and a few badges, no files, no network. Its data
/// lives in `data_dir` (normally `user_data_dir()`), never in the system directory.
pub fn demo(data_dir: PathBuf) -> Config {
    let mut config = validate::parse(DEMO_TOML, Path::new("demo-kiosk.toml"), Path::new(""))
        .unwrap_or_else(|report| panic!("the embedded demo config is invalid:\n{report}"));
    config.kiosk.data_dir = data_dir;
    config.path = None;
    config
}

/// The per-user data directory for the demo: `$XDG_DATA_HOME/canteen-kiosk`, else
/// `~/.local/share/canteen-kiosk` (relative `canteen-kiosk-data` if there is no home).
pub fn user_data_dir() -> PathBuf {
    let xdg = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    let home = || std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share"));
    match xdg.or_else(home) {
        Some(base) => base.join("canteen-kiosk"),
        None => PathBuf::from("canteen-kiosk-data"),
    }
}
