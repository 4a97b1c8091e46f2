//! Pure rules: no I/O, no threads, fully unit-tested.

pub mod badge;
pub mod blanking;
pub mod clock;
pub mod cutoff;
pub mod history;
pub mod listed;
pub mod menu;
pub mod menu_text;
pub mod money;
pub mod order;

pub use badge::masked_badge;
pub use blanking::{BlankPolicy, ServiceHours, Stage};
pub use clock::{Clock, ClockDoubt, ManualClock, SystemClock};
pub use cutoff::{CutoffRules, Deadlines, Window};
pub use listed::{DayList, ListedLine, ListedOrder};
pub use menu::{Article, CachedMenuDay, MenuDay};
pub use money::{Money, Percent};
pub use order::{
    ALL_STATES as ALL_ORDER_STATES, Order, OrderEvent, OrderId, OrderLine, OrderState,
};
