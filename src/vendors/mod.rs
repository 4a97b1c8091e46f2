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
use std::fmt;
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

/// Why a vendor call failed. The sync worker decides retries from the kind alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorError {
    /// Nothing reached the vendor (connection refused, DNS, TLS before the request): retry.
    Unreachable(String),
    /// The request may have arrived but no usable answer came back (timeout after sending,
    /// dropped connection, truncated or malformed body, 5xx): reconcile before any resend.
    NoAnswer(String),
    /// The vendor is overloaded or asked us to slow down (429, 503 with Retry-After).
    RateLimited { retry_after: Option<Duration> },
    /// The vendor refused the request for good (4xx validation); its messages, for a person.
    Rejected(Vec<String>),
    /// Credentials are missing, wrong or expired even after a renewal: an admin must act.
    Auth(String),
    /// The config is wrong (403 "Missing Authentication Token" = wrong URL, 404 unknown
    /// integration id, no token for this employee): an admin must act.
    Config(String),
    /// The vendor has no such call (e.g. no menu API).
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

    /// Whether a create request may have arrived although it failed.
    pub fn may_have_arrived(&self) -> bool {
        matches!(self, VendorError::NoAnswer(_))
    }
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VendorError::Unreachable(m) => write!(f, "vendor unreachable: {m}"),
            VendorError::NoAnswer(m) => write!(f, "no usable answer from the vendor: {m}"),
            VendorError::RateLimited { retry_after } => match retry_after {
                Some(d) => write!(f, "vendor asks to wait {} s", d.as_secs()),
                None => f.write_str("vendor asks to slow down"),
            },
            VendorError::Rejected(msgs) => write!(f, "vendor refused: {}", msgs.join("; ")),
            VendorError::Auth(m) => write!(f, "vendor credentials: {m}"),
            VendorError::Config(m) => write!(f, "vendor configuration: {m}"),
            VendorError::Unsupported(what) => write!(f, "vendor does not support {what}"),
        }
    }
}

impl std::error::Error for VendorError {}

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
    /// certainly did not. Only after `None` may it be sent again.
    fn find_order(
        &mut self,
        order: &Order,
        who: &Badge,
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

/// The kiosk state a remote state moves an order to, if any.
pub fn target_state(remote: &RemoteState) -> Option<OrderState> {
    match remote {
        RemoteState::Sent => Some(OrderState::Sent),
        RemoteState::Confirmed => Some(OrderState::Confirmed),
        RemoteState::Done => Some(OrderState::Done),
        RemoteState::Cancelled => Some(OrderState::Cancelled),
        RemoteState::KitchenCancelled => Some(OrderState::KitchenCancelled),
        RemoteState::Rejected => Some(OrderState::Rejected),
        RemoteState::Unrecognised => None,
    }
}
