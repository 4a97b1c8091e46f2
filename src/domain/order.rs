//! An order and the one state machine for its whole life.
//!
//! ```text
//!   Queued ──send──▶ Sending ──ok──▶ Sent ──kitchen──▶ Confirmed ──▶ Done
//!     │  ▲             │  │            │ ╲                 │
//!     │  └─not arrived─┤  └─no answer─▶ Unknown ─arrived─▶ Sent
//!     │                └─refused──▶ Rejected
//!     ├─cutoff passed──▶ Expired
//!     └─cancel (not yet sent)──▶ Cancelled
//!   Sent/Confirmed ──cancel──▶ CancelRequested ──ok──▶ Cancelled
//!                                   └─refused──▶ back to Sent/Confirmed
//!   Sent/Confirmed/CancelRequested ──kitchen cancels──▶ KitchenCancelled
//!   Queued/Unknown ──an admin discards its parked outbox row──▶ Rejected
//! ```
//! Every change of state goes through [`OrderState::apply`]; an illegal one is an error and
//! is never applied.

use super::money::{Money, Percent};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kiosk's own id for an order: a UUID it generates, also used as the idempotency /
/// reference id at vendors that accept one (Order Mesa `data.id`, Liefersoft `orderId`).
pub type OrderId = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Saved on the kiosk, waiting for the sync worker.
    Queued,
    /// The worker is sending it right now.
    Sending,
    /// The vendor accepted it.
    Sent,
    /// The kitchen confirmed it.
    Confirmed,
    /// Served / processed.
    Done,
    /// The employee asked to cancel; waiting for the vendor.
    CancelRequested,
    /// Cancelled at the employee's request.
    Cancelled,
    /// Cancelled by the kitchen (sold out, closed, …).
    KitchenCancelled,
    /// The vendor refused it.
    Rejected,
    /// The order cutoff passed before it could be sent: never sent.
    Expired,
    /// Sent, but no answer came back: it may or may not have arrived.
    Unknown,
}

pub const ALL_STATES: [OrderState; 11] = [
    OrderState::Queued,
    OrderState::Sending,
    OrderState::Sent,
    OrderState::Confirmed,
    OrderState::Done,
    OrderState::CancelRequested,
    OrderState::Cancelled,
    OrderState::KitchenCancelled,
    OrderState::Rejected,
    OrderState::Expired,
    OrderState::Unknown,
];

/// Something that happens to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEvent {
    /// The worker starts sending.
    SendStarted,
    /// The vendor accepted the order.
    Accepted,
    /// The vendor refused it for good.
    Refused,
    /// The send got no answer (timeout, dropped connection, crash mid-request).
    AnswerLost,
    /// A transient failure before anything could have arrived: try again later.
    SendFailed,
    /// Reconciliation found the order at the vendor.
    FoundAtVendor,
    /// Reconciliation showed it never arrived: it may be sent again.
    NotAtVendor,
    /// The order cutoff passed while it waited.
    CutoffPassed,
    /// The kitchen confirmed it.
    KitchenConfirmed,
    /// Served / processed.
    Served,
    /// The employee asks to cancel.
    CancelAsked,
    /// The vendor confirmed the cancellation.
    CancelConfirmed,
    /// The cancellation was refused (cutoff passed, vendor said no); the order stands.
    CancelRefused { back_to: OrderState },
    /// The kitchen cancelled the order.
    KitchenCancelled,
    /// An admin discarded the order's parked outbox row: it will never be sent. Only for an
    /// order that has not (knowingly) reached the vendor.
    Discarded,
}

impl OrderEvent {
    /// The event in words, for messages a person reads.
    pub fn words(self) -> &'static str {
        match self {
            OrderEvent::SendStarted => "a send",
            OrderEvent::Accepted => "the vendor's acceptance",
            OrderEvent::Refused => "the vendor's refusal",
            OrderEvent::AnswerLost => "a lost answer",
            OrderEvent::SendFailed => "a failed send",
            OrderEvent::FoundAtVendor => "being found at the vendor",
            OrderEvent::NotAtVendor => "being missing at the vendor",
            OrderEvent::CutoffPassed => "the order cutoff",
            OrderEvent::KitchenConfirmed => "the kitchen's confirmation",
            OrderEvent::Served => "being served",
            OrderEvent::CancelAsked => "a cancellation",
            OrderEvent::CancelConfirmed => "a confirmed cancellation",
            OrderEvent::CancelRefused { .. } => "a refused cancellation",
            OrderEvent::KitchenCancelled => "the kitchen's cancellation",
            OrderEvent::Discarded => "being discarded",
        }
    }
}

/// A refused state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalTransition {
    pub from: OrderState,
    pub event: OrderEvent,
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an order that is {} cannot take {}",
            self.from.as_str(),
            self.event.words()
        )
    }
}

impl std::error::Error for IllegalTransition {}

impl OrderState {
    /// The next state after `event`, or an error if that event is illegal in this state.
    pub fn apply(self, event: OrderEvent) -> Result<OrderState, IllegalTransition> {
        use OrderEvent as E;
        use OrderState as S;
        let next = match (self, event) {
            (S::Queued, E::SendStarted) => S::Sending,
            (S::Queued, E::CutoffPassed) => S::Expired,
            // Not yet at the vendor: cancelling is purely local.
            (S::Queued, E::CancelAsked) => S::Cancelled,
            (S::Sending, E::Accepted) => S::Sent,
            (S::Sending, E::Refused) => S::Rejected,
            (S::Sending, E::AnswerLost) => S::Unknown,
            (S::Sending, E::SendFailed) => S::Queued,
            (S::Unknown, E::FoundAtVendor) => S::Sent,
            (S::Unknown, E::NotAtVendor) => S::Queued,
            (S::Unknown, E::CutoffPassed) => S::Unknown,
            (S::Unknown, E::Refused) => S::Rejected,
            // A vendor status may overtake our own bookkeeping (webhook before the 202).
            (S::Unknown | S::Sent, E::KitchenConfirmed) => S::Confirmed,
            (S::Confirmed, E::KitchenConfirmed) => S::Confirmed,
            (S::Sent | S::Confirmed, E::Served) => S::Done,
            (S::Sent | S::Confirmed, E::CancelAsked) => S::CancelRequested,
            (S::CancelRequested, E::CancelConfirmed) => S::Cancelled,
            (
                S::CancelRequested,
                E::CancelRefused {
                    back_to: b @ (S::Sent | S::Confirmed),
                },
            ) => b,
            (S::Sent | S::Confirmed | S::CancelRequested | S::Unknown, E::KitchenCancelled) => {
                S::KitchenCancelled
            }
            (S::Sent, E::Accepted) => S::Sent,
            // Given up by an admin: never (knowingly) reached the vendor, will not be served.
            (S::Queued | S::Unknown, E::Discarded) => S::Rejected,
            // The vendor gave up on an order it had accepted (Liefersoft PROCESSING_ERROR).
            (S::Sent | S::Confirmed, E::Refused) => S::Rejected,
            _ => return Err(IllegalTransition { from: self, event }),
        };
        Ok(next)
    }

    /// No further change will come from the kiosk's side.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Done
                | OrderState::Cancelled
                | OrderState::KitchenCancelled
                | OrderState::Rejected
                | OrderState::Expired
        )
    }

    /// Payroll deducts it: the order will be (or was) served, or may still be: every live
    /// state, and done. A queued, sending or unknown order counts because the employee
    /// was told "saved" and the worker may still send it; one whose cancel is asked counts
    /// until the vendor confirms the cancel (it may be refused and served). Cancelled,
    /// cancelled by the kitchen, rejected and expired orders are never served and never
    /// charged. The one rule the monthly totals go by (`domain::history`).
    pub fn is_charged(self) -> bool {
        self.is_live() || self == OrderState::Done
    }

    /// Nothing more will come for the order once its day lies before the retention period:
    /// it is final, or a vendor accepted it. Bessa and Order Mesa never report an order as
    /// served, so there an accepted order stays sent or confirmed for good; months after its
    /// day it is history, not work. What is still owed (queued, sending, unknown, a
    /// cancellation asked for) never counts. The one rule pruning goes by.
    pub fn is_settled_once_past(self) -> bool {
        self.is_final() || matches!(self, OrderState::Sent | OrderState::Confirmed)
    }

    /// The order will (or may) be served: it counts for the kitchen and for "ordered twice".
    pub fn is_live(self) -> bool {
        matches!(
            self,
            OrderState::Queued
                | OrderState::Sending
                | OrderState::Sent
                | OrderState::Confirmed
                | OrderState::CancelRequested
                | OrderState::Unknown
        )
    }

    /// Whether an employee may ask to cancel (the cutoff is checked separately).
    pub fn can_cancel(self) -> bool {
        matches!(
            self,
            OrderState::Queued | OrderState::Sent | OrderState::Confirmed
        )
    }

    /// The stable name used in the database, the CLI and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Queued => "queued",
            OrderState::Sending => "sending",
            OrderState::Sent => "sent",
            OrderState::Confirmed => "confirmed",
            OrderState::Done => "done",
            OrderState::CancelRequested => "cancel_requested",
            OrderState::Cancelled => "cancelled",
            OrderState::KitchenCancelled => "kitchen_cancelled",
            OrderState::Rejected => "rejected",
            OrderState::Expired => "expired",
            OrderState::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<OrderState> {
        ALL_STATES.iter().copied().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// The vendor's article id / item code.
    pub article_id: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub vat: Option<Percent>,
}

impl OrderLine {
    pub fn total(&self) -> Money {
        self.unit_price.saturating_mul_qty(self.quantity)
    }
}

/// An order as the kiosk keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    /// The config key of the venue.
    pub venue: String,
    pub badge: String,
    /// The local menu day.
    pub day: Date,
    /// The serving instant (pickup time) in UTC.
    pub serving: Timestamp,
    pub lines: Vec<OrderLine>,
    pub state: OrderState,
    /// The state before a cancel was requested, to return to if it is refused.
    pub state_before_cancel: Option<OrderState>,
    /// The vendor's id once known (Bessa order id, Liefersoft platform id).
    pub vendor_ref: Option<String>,
    /// A second vendor handle (Bessa `hash_id`).
    pub vendor_hash: Option<String>,
    /// The vendor's own status code or word, kept as received (also unknown ones).
    pub vendor_status: Option<String>,
    /// Why it is in its state, in words for a person (vendor message, cutoff, kitchen reason).
    pub reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl OrderLine {
    /// One portion of a dish from the menu.
    pub fn one_of(article: &super::menu::Article) -> OrderLine {
        OrderLine {
            article_id: article.vendor_id.clone(),
            name: article.name.clone(),
            quantity: 1,
            unit_price: article.price,
            vat: article.vat,
        }
    }
}

impl Order {
    /// A new order as the kiosk saves it: queued, nothing known from the vendor yet.
    pub fn new_queued(
        id: OrderId,
        venue: &str,
        badge: &str,
        day: Date,
        serving: Timestamp,
        lines: Vec<OrderLine>,
        now: Timestamp,
    ) -> Order {
        Order {
            id,
            venue: venue.to_string(),
            badge: badge.to_string(),
            day,
            serving,
            lines,
            state: OrderState::Queued,
            state_before_cancel: None,
            vendor_ref: None,
            vendor_hash: None,
            vendor_status: None,
            reason: None,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn total(&self) -> Money {
        self.lines.iter().map(OrderLine::total).sum()
    }

    /// The state a refused or discarded cancellation returns the order to: the one it was in
    /// when the cancel was asked. Sent is the fallback when that state is not recorded (the
    /// store's column may be empty): a cancel is only ever asked of an order the vendor
    /// accepted, and Sent claims no more than that (not the kitchen's confirmation).
    pub fn state_to_restore_after_cancel(&self) -> OrderState {
        self.state_before_cancel.unwrap_or(OrderState::Sent)
    }

    /// Applies an event through the state machine; the order is unchanged on error.
    pub fn apply(
        &mut self,
        event: OrderEvent,
        at: Timestamp,
    ) -> Result<OrderState, IllegalTransition> {
        let next = self.state.apply(event)?;
        if event == OrderEvent::CancelAsked && next == OrderState::CancelRequested {
            self.state_before_cancel = Some(self.state);
        }
        if next != OrderState::CancelRequested {
            self.state_before_cancel = None;
        }
        self.state = next;
        self.updated_at = at;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderEvent as E;
    use OrderState as S;

    const ALL_EVENTS: [OrderEvent; 17] = [
        E::SendStarted,
        E::Accepted,
        E::Refused,
        E::AnswerLost,
        E::SendFailed,
        E::FoundAtVendor,
        E::NotAtVendor,
        E::CutoffPassed,
        E::KitchenConfirmed,
        E::Served,
        E::CancelAsked,
        E::CancelConfirmed,
        E::CancelRefused { back_to: S::Sent },
        E::CancelRefused {
            back_to: S::Confirmed,
        },
        E::CancelRefused { back_to: S::Queued },
        E::KitchenCancelled,
        E::Discarded,
    ];

    #[test]
    fn the_happy_path() {
        let mut s = S::Queued;
        for (e, want) in [
            (E::SendStarted, S::Sending),
            (E::Accepted, S::Sent),
            (E::KitchenConfirmed, S::Confirmed),
            (E::Served, S::Done),
        ] {
            s = s.apply(e).unwrap();
            assert_eq!(s, want);
        }
    }

    #[test]
    fn a_lost_answer_is_reconciled_before_any_resend() {
        let s = S::Sending.apply(E::AnswerLost).unwrap();
        assert_eq!(s, S::Unknown);
        // Unknown can never go straight to Sending: it must be reconciled first.
        assert!(s.apply(E::SendStarted).is_err());
        assert_eq!(s.apply(E::FoundAtVendor).unwrap(), S::Sent);
        assert_eq!(s.apply(E::NotAtVendor).unwrap(), S::Queued);
    }

    #[test]
    fn cancel_paths() {
        assert_eq!(S::Queued.apply(E::CancelAsked).unwrap(), S::Cancelled);
        let c = S::Confirmed.apply(E::CancelAsked).unwrap();
        assert_eq!(c, S::CancelRequested);
        assert_eq!(c.apply(E::CancelConfirmed).unwrap(), S::Cancelled);
        assert_eq!(
            c.apply(E::CancelRefused {
                back_to: S::Confirmed
            })
            .unwrap(),
            S::Confirmed
        );
        assert!(c.apply(E::CancelRefused { back_to: S::Queued }).is_err());
        assert_eq!(c.apply(E::KitchenCancelled).unwrap(), S::KitchenCancelled);
        assert!(S::Sending.apply(E::CancelAsked).is_err());
        assert!(S::Unknown.apply(E::CancelAsked).is_err());
    }

    #[test]
    fn final_states_take_no_event_at_all() {
        for s in ALL_STATES.into_iter().filter(|s| s.is_final()) {
            for e in ALL_EVENTS {
                assert!(s.apply(e).is_err(), "{s} must refuse {e:?}");
            }
        }
    }

    /// Long past its day, an order goes once nothing is owed for it: what a vendor accepted
    /// counts (Bessa and Order Mesa never say "served"), what still waits for a send, an
    /// answer or a cancellation does not.
    #[test]
    fn an_accepted_order_is_settled_once_past_and_owed_work_never_is() {
        let settled: Vec<S> = ALL_STATES
            .into_iter()
            .filter(|s| s.is_settled_once_past())
            .collect();
        for s in ALL_STATES.into_iter().filter(|s| s.is_final()) {
            assert!(settled.contains(&s), "{s}");
        }
        assert!(settled.contains(&S::Sent) && settled.contains(&S::Confirmed));
        for s in [S::Queued, S::Sending, S::Unknown, S::CancelRequested] {
            assert!(!settled.contains(&s), "{s} is still owed");
        }
    }

    /// What may still be served is charged; what never will be is not.
    #[test]
    fn charged_is_what_is_or_may_be_served() {
        let charged: Vec<S> = ALL_STATES.into_iter().filter(|s| s.is_charged()).collect();
        assert_eq!(
            charged,
            [
                S::Queued,
                S::Sending,
                S::Sent,
                S::Confirmed,
                S::Done,
                S::CancelRequested,
                S::Unknown
            ]
        );
    }

    #[test]
    fn only_a_queued_order_expires_and_expired_is_never_sent() {
        assert_eq!(S::Queued.apply(E::CutoffPassed).unwrap(), S::Expired);
        for s in [S::Sending, S::Sent, S::Confirmed, S::CancelRequested] {
            assert!(s.apply(E::CutoffPassed).is_err());
        }
        assert!(S::Expired.apply(E::SendStarted).is_err());
    }

    #[test]
    fn only_an_unsent_or_unknown_order_is_discarded() {
        assert_eq!(S::Queued.apply(E::Discarded).unwrap(), S::Rejected);
        assert_eq!(S::Unknown.apply(E::Discarded).unwrap(), S::Rejected);
        for s in [S::Sending, S::Sent, S::Confirmed, S::CancelRequested] {
            assert!(s.apply(E::Discarded).is_err(), "{s} must refuse Discarded");
        }
    }

    #[test]
    fn every_state_name_round_trips() {
        for s in ALL_STATES {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(S::parse("lost"), None);
    }

    #[test]
    fn order_apply_remembers_where_a_cancel_came_from() {
        let t: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let mut o = Order {
            id: "o1".into(),
            venue: "v".into(),
            badge: "1".into(),
            day: "2026-11-23".parse().unwrap(),
            serving: t,
            lines: vec![OrderLine {
                article_id: "1".into(),
                name: "Soup".into(),
                quantity: 2,
                unit_price: Money::from_cents(250),
                vat: None,
            }],
            state: S::Confirmed,
            state_before_cancel: None,
            vendor_ref: None,
            vendor_hash: None,
            vendor_status: None,
            reason: None,
            created_at: t,
            updated_at: t,
        };
        assert_eq!(o.total(), Money::from_cents(500));
        o.apply(E::CancelAsked, t).unwrap();
        assert_eq!(o.state_before_cancel, Some(S::Confirmed));
        let err = o.apply(E::Served, t).unwrap_err();
        assert_eq!(err.from, S::CancelRequested);
        assert_eq!(
            o.state,
            S::CancelRequested,
            "a refused event changes nothing"
        );
        o.apply(
            E::CancelRefused {
                back_to: S::Confirmed,
            },
            t,
        )
        .unwrap();
        assert_eq!(o.state, S::Confirmed);
        assert_eq!(o.state_before_cancel, None);
    }

    #[test]
    fn a_cancel_returns_to_where_it_came_from_else_to_sent() {
        let t: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let mut o = Order::new_queued(
            "o1".into(),
            "v",
            "1",
            "2026-11-23".parse().unwrap(),
            t,
            Vec::new(),
            t,
        );
        o.state = S::Confirmed;
        o.apply(E::CancelAsked, t).unwrap();
        assert_eq!(o.state_to_restore_after_cancel(), S::Confirmed);
        o.state_before_cancel = None;
        assert_eq!(o.state_to_restore_after_cancel(), S::Sent);
    }
}
