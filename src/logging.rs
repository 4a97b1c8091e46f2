//! Logging to stderr (env_logger, `RUST_LOG`, default `info`), with one rule on top that no
//! `RUST_LOG` can lift: records of other crates stop at info.
//!
//! At debug and trace, dependencies log what the kiosk must never log: ureq-proto hex-dumps
//! every request and answer at trace (headers with the Bessa token, the Order Mesa key, the
//! Liefersoft JWT; bodies with the Liefersoft password and badge numbers), ureq prints paths
//! and redirect targets, rustls its handshake. A filter directive cannot be relied on to keep
//! them out (`RUST_LOG=ureq_proto::util=trace` is more specific than any cap we could add), so
//! the cap sits in the logger itself, in front of env_logger's filter. Our own records keep
//! every level: they are written never to carry a secret.

use log::{Level, Log, Metadata, Record};

/// The crate whose records pass at any level (the library and the binary share the name).
const OWN_CRATE: &str = "canteen_kiosk";
/// The most detailed level a dependency's record may have.
const DEPENDENCY_MAX: Level = Level::Info;

/// Installs the logger. Called once, first thing in `main`.
pub fn init() {
    let inner =
        env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).build();
    let max = inner.filter();
    if log::set_boxed_logger(Box::new(Capped(inner))).is_ok() {
        log::set_max_level(max);
    }
}

/// env_logger behind the dependency cap.
struct Capped(env_logger::Logger);

impl Log for Capped {
    fn enabled(&self, metadata: &Metadata) -> bool {
        allowed(metadata) && self.0.enabled(metadata)
    }

    fn log(&self, record: &Record) {
        if allowed(record.metadata()) {
            self.0.log(record);
        }
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Whether a record may be written at all, whatever `RUST_LOG` says.
fn allowed(metadata: &Metadata) -> bool {
    metadata.level() <= DEPENDENCY_MAX || is_own(metadata.target())
}

/// `canteen_kiosk` or one of its modules (`canteen_kiosk::sync::worker`), not a crate whose
/// name merely starts the same.
fn is_own(target: &str) -> bool {
    target
        .strip_prefix(OWN_CRATE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
}

#[cfg(test)]
mod tests {
    use super::allowed;
    use log::{Level, Metadata};

    fn passes(target: &str, level: Level) -> bool {
        allowed(&Metadata::builder().target(target).level(level).build())
    }

    #[test]
    fn dependencies_stop_at_info() {
        assert!(!passes("ureq_proto::util", Level::Trace));
        assert!(!passes("ureq::run", Level::Debug));
        assert!(!passes("rustls::client::hs", Level::Debug));
        assert!(passes("ureq::unversioned::transport", Level::Warn));
        assert!(passes("rustls", Level::Info));
    }

    #[test]
    fn our_records_keep_every_level() {
        assert!(passes("canteen_kiosk", Level::Trace));
        assert!(passes("canteen_kiosk::sync::worker", Level::Debug));
        assert!(passes("canteen_kiosk::cli::sync", Level::Trace));
        assert!(!passes("canteen_kiosk_lookalike", Level::Trace));
    }
}
