//! The `[metrics]` table: where `GET /metrics` is served, and the token a scraper must send.

use super::model::MetricsSettings;
use super::reader::Section;
use super::report::Problems;
use super::secrets::{self, SecretSource};
use std::net::SocketAddr;

/// The path served when `path` is not set.
pub const DEFAULT_PATH: &str = "/metrics";

/// `[metrics]`, if the file has one: `listen` is required there, `path` and `token` optional.
pub(crate) fn read(
    root: &mut Section,
    p: &mut Problems,
    src: &SecretSource,
) -> Option<MetricsSettings> {
    let mut s = root.table(p, "metrics")?;
    let listen = s
        .req_string(p, "listen", "\"0.0.0.0:9470\"")
        .map(|v| v.into_inner())
        .unwrap_or_default();
    if !listen.is_empty() && listen.parse::<SocketAddr>().is_err() {
        let msg = format!("must be an address and port like \"0.0.0.0:9470\", not \"{listen}\"");
        p.at(s.key_span("listen"), &s.key("listen"), msg);
    }
    let path = match s.req_string_opt(p, "path") {
        Some(v) => check_path(v.get_ref()).unwrap_or_else(|msg| {
            p.at(Some(v.span()), &s.key("path"), msg);
            DEFAULT_PATH.to_string()
        }),
        None => DEFAULT_PATH.to_string(),
    };
    let token = secrets::credential(&mut s, p, src, "token", false);
    s.misplaced_top_level(p);
    s.finish(p);
    Some(MetricsSettings {
        listen,
        path,
        token,
    })
}

/// A path the server can match exactly: from "/", without a query or spaces.
fn check_path(path: &str) -> Result<String, String> {
    let path = path.trim();
    if !path.starts_with('/') || path.contains(['?', '#']) || path.contains(char::is_whitespace) {
        return Err(format!(
            "must be a path like \"/metrics\" (from \"/\", no query), not \"{path}\""
        ));
    }
    Ok(path.to_string())
}
