//! When a peer counts as heard from, and when as stale: one rule for the kitchen's footer,
//! the employee's view and the metrics.

use crate::store::PeerStatus;
use jiff::{SignedDuration, Timestamp};

/// A peer whose last answer is older than this is stale: its long polls answer every
/// [`READ_WAIT_SECS`](super::reader::READ_WAIT_SECS) at the latest, so this is two missed
/// answers and a margin.
pub const STALE_AFTER: SignedDuration = SignedDuration::from_secs(50);

/// What a screen says about one peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerHeard {
    /// The peer's URL as configured.
    pub url: String,
    /// Its kiosk name once it answered, else its URL.
    pub name: String,
    pub heard_at: Option<Timestamp>,
    /// Not heard from lately: what is shown of it may be old.
    pub stale: bool,
    /// Why the last try failed, while it is stale.
    pub error: Option<String>,
}

impl PeerHeard {
    /// A configured peer as of `now`, from what the store knows of it (None: never tried).
    pub fn of(url: &str, status: Option<&PeerStatus>, now: Timestamp) -> PeerHeard {
        let heard_at = status.and_then(|s| s.heard_at);
        let failed_since = status
            .and_then(|s| s.error.as_ref())
            .filter(|(_, at)| heard_at.is_none_or(|h| *at >= h));
        let old = heard_at.is_none_or(|h| now.duration_since(h) > STALE_AFTER);
        let stale = old || failed_since.is_some();
        PeerHeard {
            url: url.to_string(),
            name: status
                .and_then(|s| s.kiosk_name.clone())
                .unwrap_or_else(|| url.to_string()),
            heard_at,
            stale,
            error: failed_since.filter(|_| stale).map(|(e, _)| e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn status(heard: Option<i64>, error: Option<i64>) -> PeerStatus {
        PeerStatus {
            peer: "http://door:8470".into(),
            kiosk_name: heard.map(|_| "Door kiosk".into()),
            epoch: None,
            cursor: 0,
            heard_at: heard.map(at),
            error: error.map(|e| ("connection refused".to_string(), at(e))),
        }
    }

    #[test]
    fn a_peer_heard_lately_is_fresh() {
        let h = PeerHeard::of("http://door:8470", Some(&status(Some(0), None)), at(30));
        assert!(!h.stale);
        assert_eq!(h.name, "Door kiosk");
        assert_eq!(h.error, None);
    }

    #[test]
    fn a_peer_is_stale_when_old_failed_or_never_heard() {
        let url = "http://door:8470";
        assert!(PeerHeard::of(url, Some(&status(Some(0), None)), at(51)).stale);
        let failed = PeerHeard::of(url, Some(&status(Some(0), Some(5))), at(6));
        assert!(failed.stale);
        assert_eq!(failed.error.as_deref(), Some("connection refused"));
        let never = PeerHeard::of(url, None, at(0));
        assert!(never.stale);
        assert_eq!(never.name, url);
        // An error before the last answer is over.
        assert!(!PeerHeard::of(url, Some(&status(Some(10), Some(5))), at(11)).stale);
    }
}
