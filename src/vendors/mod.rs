//! The vendor adapters behind one small interface that the sync worker uses.
//!
//! Only the sync worker (and the admin CLI) call these; the UI never waits on a vendor.

pub mod bessa;
pub mod demo;
pub mod http;
pub mod liefersoft;
pub mod order_mesa;
pub mod webhook;

use crate::config::{Badge, Config, Venue};
use crate::domain::{MenuDay, Order, OrderState};
use jiff::civil::Date;
use std::time::Duration;

/// What a vendor said about an order, mapped onto the kiosk's states in each adapter's one
/// mapping table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteState {
    /// Arrived, not yet confirmed by the kitchen.
    Sent,
    Confirmed,
    Done,
    /// Cancelled at the employee's request.
    Cancelled,
    KitchenCancelled,
    Rejected,
    /// A status code the kiosk does not know: kept and shown as received, no state change.
    Unrecognised,
}

/// An order as the vendor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteOrder {
    /// The vendor's id (Bessa order id, Liefersoft platform id, Order Mesa `data.id`).
    pub vendor_ref: Option<String>,
    /// A second handle (Bessa `hash_id`).
    pub vendor_hash: Option<String>,
    pub state: RemoteState,
    /// The status exactly as received ("5", "PROCESSING", …).
    pub raw_status: String,
    /// A reason for a person (kitchen cancellation reason, vendor message).
    pub reason: Option<String>,
}

/// An update about one of the kiosk's orders that a vendor pushed or a poll found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUpdate {
    /// The kiosk's order id where the vendor echoes it, else found via `vendor_ref`.
    pub order_id: Option<String>,
    pub remote: RemoteOrder,
}

/// Why a vendor call failed. The sync worker decides retries from the kind alone. The
/// messages carry what the adapters put in them and never a secret (tests check this).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VendorError {
    /// Nothing reached the vendor (connection refused, DNS, TLS before the request): retry.
    #[error("vendor unreachable: {0}")]
    Unreachable(String),
    /// The request may have arrived but no usable answer came back (timeout after sending,
    /// dropped connection, truncated or malformed body, 5xx): reconcile before any resend.
    #[error("no usable answer from the vendor: {0}")]
    NoAnswer(String),
    /// The vendor is overloaded or asked us to slow down (429, 503 with Retry-After).
    #[error("{}", wait_message(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// The vendor refused the request for good (4xx validation); its messages, for a person.
    #[error("vendor refused: {}", .0.join("; "))]
    Rejected(Vec<String>),
    /// Credentials are missing, wrong or expired even after a renewal: an admin must act.
    #[error("vendor credentials: {0}")]
    Auth(String),
    /// The config is wrong (403 "Missing Authentication Token" = wrong URL, 404 unknown
    /// integration id, no token for this employee): an admin must act.
    #[error("vendor configuration: {0}")]
    Config(String),
    /// The vendor has no such call (e.g. no menu API).
    #[error("vendor does not support {0}")]
    Unsupported(&'static str),
}

impl VendorError {
    /// Whether a later attempt may succeed without anyone acting.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            VendorError::Unreachable(_)
                | VendorError::NoAnswer(_)
                | VendorError::RateLimited { .. }
        )
    }

    /// Whether the vendor could not be reached or asked us to wait: nothing arrived, and
    /// nobody needs to act (such a failure never parks a row; the venue is left alone for a
    /// while instead).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            VendorError::Unreachable(_) | VendorError::RateLimited { .. }
        )
    }

    /// Whether a create request may have arrived although it failed.
    pub fn may_have_arrived(&self) -> bool {
        matches!(self, VendorError::NoAnswer(_))
    }
}

fn wait_message(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("vendor asks to wait {} s", d.as_secs()),
        None => "vendor asks to slow down".into(),
    }
}

/// The vendor ids (`vendor_ref`) that kiosk orders already own, for [`Vendor::find_order`].
pub type Claimed = std::collections::HashSet<String>;

/// One vendor connection for one venue. Calls block; only the sync worker makes them.
pub trait Vendor: Send {
    /// "bessa", "order_mesa", "liefersoft", "demo".
    fn kind(&self) -> &'static str;

    /// The menu of `days` days from `from` (local dates). `Unsupported` where the vendor has
    /// no menu call and the menu comes from a file.
    fn fetch_menu(&mut self, from: Date, days: u32) -> Result<Vec<MenuDay>, VendorError>;

    /// Sends a new order. The kiosk's `order.id` goes out as the vendor's idempotency or
    /// reference id where the vendor has one.
    fn place_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError>;

    /// Cancels an order that the vendor accepted.
    fn cancel_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError>;

    /// Looks for an order whose create got no answer: `Some` if it arrived, `None` if it
    /// certainly did not. Only after `None` may it be sent again. `claimed` holds the vendor
    /// ids other kiosk orders already own: a vendor without an idempotency key (Bessa), whose
    /// look-up matches by content, never hands one of them out a second time.
    fn find_order(
        &mut self,
        order: &Order,
        who: &Badge,
        claimed: &Claimed,
    ) -> Result<Option<RemoteOrder>, VendorError>;

    /// The current state of a sent order (`None` where the vendor has no status call).
    fn order_status(
        &mut self,
        order: &Order,
        who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError>;

    /// The shortest interval between two status polls of one order that the vendor allows.
    fn min_status_interval(&self) -> Duration {
        Duration::from_secs(60)
    }

    /// Updates for many orders at once (Order Mesa cancelled items, Liefersoft restaurant
    /// orders), given the kiosk's live orders of this venue. Default: none.
    fn poll_updates(&mut self, _live: &[Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        Ok(Vec::new())
    }

    /// Every order of the venue served on `days` (local dates), also those placed elsewhere,
    /// where the vendor lists them (Liefersoft `GET /{restaurantId}/orders`); for the kitchen
    /// view. `None`: the vendor has no such list (the kitchen sees the kiosk's own orders).
    fn venue_orders(&mut self, _days: &[Date]) -> Result<Option<VenueOrders>, VendorError> {
        Ok(None)
    }
}

/// A vendor's list of a venue's orders (see [`Vendor::venue_orders`]).
#[derive(Debug, Clone, Default)]
pub struct VenueOrders {
    pub orders: Vec<crate::domain::ListedOrder>,
    /// False when there were more pages than the kiosk reads.
    pub complete: bool,
    /// What the list says about the kiosk's own orders too (applied like a status poll).
    pub updates: Vec<RemoteUpdate>,
}

/// How a vendor status is shown where it is not applied to an order of the kiosk (the
/// kitchen's list of orders placed elsewhere).
pub fn listed_state(state: &RemoteState) -> OrderState {
    match state {
        RemoteState::Sent => OrderState::Sent,
        RemoteState::Confirmed => OrderState::Confirmed,
        RemoteState::Done => OrderState::Done,
        RemoteState::Cancelled => OrderState::Cancelled,
        RemoteState::KitchenCancelled => OrderState::KitchenCancelled,
        RemoteState::Rejected => OrderState::Rejected,
        RemoteState::Unrecognised => OrderState::Unknown,
    }
}

/// Builds the adapter for a venue, on the process-wide HTTP client (built once from
/// `config.http`) and the system clock.
pub fn connect(config: &Config, venue: &Venue) -> Box<dyn Vendor> {
    let http = http::Http::shared(&config.http);
    let clock = std::sync::Arc::new(crate::domain::SystemClock::new());
    connect_with(config, venue, &http, clock)
}

/// Builds the adapter for a venue on a given HTTP client and clock (tests, or a worker that
/// owns its client). Bessa takes the employees' tokens from `config.secrets`.
pub fn connect_with(
    config: &Config,
    venue: &Venue,
    http: &http::Http,
    clock: std::sync::Arc<dyn crate::domain::Clock>,
) -> Box<dyn Vendor> {
    use crate::config::VendorSettings as V;
    let h = http.clone();
    match &venue.vendor {
        V::Demo => Box::new(demo::DemoVendor::new(venue)),
        V::Bessa(s) => Box::new(bessa::BessaVendor::new(
            h,
            venue,
            s.clone(),
            &config.secrets,
        )),
        V::OrderMesa(s) => Box::new(order_mesa::OrderMesaVendor::new(h, venue, s.clone(), clock)),
        V::Liefersoft(s) => Box::new(liefersoft::LiefersoftVendor::new(
            h,
            venue,
            s.clone(),
            clock,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::VendorError as E;
    use std::time::Duration;

    #[test]
    fn messages_read_as_before() {
        let cases = [
            (
                E::Unreachable("refused".into()),
                "vendor unreachable: refused",
            ),
            (
                E::NoAnswer("timeout".into()),
                "no usable answer from the vendor: timeout",
            ),
            (
                E::RateLimited {
                    retry_after: Some(Duration::from_millis(30_500)),
                },
                "vendor asks to wait 30 s",
            ),
            (
                E::RateLimited { retry_after: None },
                "vendor asks to slow down",
            ),
            (
                E::Rejected(vec!["sold out".into(), "closed".into()]),
                "vendor refused: sold out; closed",
            ),
            (E::Auth("expired".into()), "vendor credentials: expired"),
            (
                E::Config("no token".into()),
                "vendor configuration: no token",
            ),
            (E::Unsupported("menus"), "vendor does not support menus"),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn only_unreachable_and_rate_limited_are_unreachable() {
        assert!(E::Unreachable(String::new()).is_unreachable());
        assert!(E::RateLimited { retry_after: None }.is_unreachable());
        assert!(!E::NoAnswer(String::new()).is_unreachable());
        assert!(!E::Auth(String::new()).is_unreachable());
        assert!(!E::Rejected(Vec::new()).is_unreachable());
    }
}
