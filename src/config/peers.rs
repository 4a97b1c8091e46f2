//! `[peers]`: the screens of one canteen sharing their orders over the LAN. A kiosk may serve
//! its orders to its peers (`listen`), read the orders of other kiosks (`from`, a kitchen
//! display), or both; one token, shared by the canteen's screens, guards the feed.

use super::model::{PeerSettings, Secret};
use super::reader::{Section, Value};
use super::report::Problems;
use super::secrets::{SecretSource, credential};
use std::net::SocketAddr;

/// The feed's path on a peer, after the peer's URL.
pub const FEED_PATH: &str = "/peer/v1/orders";

pub(crate) fn read(
    root: &mut Section,
    p: &mut Problems,
    src: &SecretSource,
) -> Option<PeerSettings> {
    let mut s = root.table(p, "peers")?;
    let neither = !s.has("listen") && !s.has("from");
    let listen = listen(&mut s, p);
    let from = from(&mut s, p);
    let token = credential(&mut s, p, src, "token", true);
    if let Some(t) = &token
        && t.expose().chars().count() < 16
    {
        let msg = "must be at least 16 characters long (anyone on the LAN who guesses it reads \
                   the canteen's orders); the referenced value is shorter";
        p.at(s.key_span("token"), &s.key("token"), msg);
    }
    if neither {
        let msg = "needs `listen` (serve this kiosk's orders to its peers) or `from` (read \
                   other kiosks' orders), or both";
        p.at(s.span(), "peers", msg);
    }
    s.finish(p);
    Some(PeerSettings {
        listen,
        from,
        token: token.unwrap_or_else(|| Secret::new("")),
    })
}

fn listen(s: &mut Section, p: &mut Problems) -> Option<String> {
    let listen = s.req_string_opt(p, "listen")?;
    let text = listen.get_ref().trim().to_string();
    if text.parse::<SocketAddr>().is_err() {
        let msg = format!("must be an address and port like \"0.0.0.0:8470\", not \"{text}\"");
        p.at(Some(listen.span()), &s.key("listen"), msg);
        return None;
    }
    Some(text)
}

/// `from = ["http://door-kiosk:8470", …]`: each a kiosk's base URL, once.
fn from(s: &mut Section, p: &mut Problems) -> Vec<String> {
    let Some(items) = s.array(p, "from") else {
        s.mark("from");
        return Vec::new();
    };
    let key = s.key("from");
    let mut urls: Vec<String> = Vec::new();
    for item in items {
        let Some(url) = peer_url(p, &key, item) else {
            continue;
        };
        if urls.contains(&url) {
            p.at(Some(item.span()), &key, format!("lists {url} twice"));
            continue;
        }
        urls.push(url);
    }
    urls
}

fn peer_url(p: &mut Problems, key: &str, item: &Value) -> Option<String> {
    let Some(text) = item.get_ref().as_str() else {
        p.at(
            Some(item.span()),
            key,
            "must hold strings like \"http://door-kiosk:8470\"",
        );
        return None;
    };
    match check_url(text) {
        Ok(url) => Some(url),
        Err(msg) => {
            p.at(Some(item.span()), key, msg);
            None
        }
    }
}

/// A peer's base URL: http:// or https://, a host, and a port or path at most (the feed's
/// path is appended). Plain http is allowed on the LAN; the README says what that means.
pub(crate) fn check_url(text: &str) -> Result<String, String> {
    let url = text.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            format!(
                "\"{text}\" must start with http:// or https://, e.g. \"http://door-kiosk:8470\""
            )
        })?;
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host.is_empty() || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
        return Err(format!(
            "\"{text}\" is not a kiosk's address; e.g. \"http://door-kiosk:8470\""
        ));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn peer_urls_need_a_scheme_and_a_host() {
        assert_eq!(
            check_url("http://door-kiosk:8470/").unwrap(),
            "http://door-kiosk:8470"
        );
        assert_eq!(
            check_url(" https://10.0.0.5/kiosk ").unwrap(),
            "https://10.0.0.5/kiosk"
        );
        assert!(check_url("door-kiosk:8470").is_err());
        assert!(check_url("http://").is_err());
        assert!(check_url("http://door kiosk").is_err());
        assert!(check_url("http://door?x=1").is_err());
    }
}
