//! The screens of one canteen sharing their orders over the LAN (`[peers]`): a kiosk serves
//! its own store's orders ([`feed`]), and reads those of the kiosks it is told of
//! ([`reader`]) into its store, where the kitchen view and the employee's orders find them.
//! The feed speaks for the serving kiosk's store only: nothing is ever sent to a vendor for a
//! peer's order.

pub mod feed;
pub mod heard;
pub mod reader;
mod watch;
pub mod wire;

pub use heard::{PeerHeard, STALE_AFTER};
