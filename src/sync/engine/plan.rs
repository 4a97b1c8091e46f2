//! The engine's decisions, without I/O: given what the store, the clock and a vendor said,
//! what happens next. The other files of the engine fetch the inputs and carry the answers
//! out; the rules are tested here on plain values.

use crate::config::DEFAULT_MENU_REFRESH;
use crate::domain::order::IllegalTransition;
use crate::domain::{Order, OrderEvent, OrderState};
use crate::store::OutboxChange;
use crate::sync::backoff::RetryPolicy;
use crate::vendors::{RemoteOrder, RemoteState, VendorError};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp, ToSpan};
use std::time::Duration;

/// The states whose orders the worker asks vendors about (status polls and order lists).
pub(super) const POLLED_STATES: [OrderState; 2] = [OrderState::Sent, OrderState::Confirmed];

/// How soon a menu that could not be fetched is tried again (sooner than the full interval).
pub(super) const MENU_RETRY: SignedDuration = SignedDuration::from_secs(60);

/// How long an order's serving time may lie in the past for its state still to be asked.
const POLL_AFTER_SERVING: SignedDuration = SignedDuration::from_hours(12);

/// What may happen to an outbox row (an order to send, a cancel to ask) now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gate {
    /// Its cutoff passed: settle it without contacting the vendor (the order expires, the
    /// cancel is refused).
    Closed,
    /// Not now; the row stays due and is looked at again in a later pass.
    Wait,
    /// Contact the vendor.
    Send,
}

/// Whether a row may be sent now. Nothing happens on a clock that is not trusted (not even
/// expiring: the cutoff itself could be misjudged). A passed cutoff is settled even while the
/// venue is unreachable; only the sending waits for the venue's backoff to end.
pub(super) fn gate(clock_trusted: bool, cutoff_passed: bool, venue_backed_off: bool) -> Gate {
    if !clock_trusted {
        Gate::Wait
    } else if cutoff_passed {
        Gate::Closed
    } else if venue_backed_off {
        Gate::Wait
    } else {
        Gate::Send
    }
}

/// What a failed attempt does to its row: one that needs an admin (credentials, config) is
/// parked at once; one that could not reach the vendor is retried at `at` and never parked;
/// one the vendor answered badly is retried up to the policy's bound, then parked.
pub(super) fn after_failure(
    policy: &RetryPolicy,
    row: i64,
    attempts: u32,
    at: Timestamp,
    e: &VendorError,
) -> OutboxChange {
    if !e.is_transient() {
        OutboxChange::Park {
            row,
            error: e.to_string(),
        }
    } else if e.is_unreachable() {
        retry(row, at, e)
    } else {
        retry_or_park(policy, row, attempts, at, e)
    }
}

/// Retried at `at`, unless this was the last attempt the policy allows.
pub(super) fn retry_or_park(
    policy: &RetryPolicy,
    row: i64,
    attempts: u32,
    at: Timestamp,
    e: &VendorError,
) -> OutboxChange {
    if attempts >= policy.park_after {
        OutboxChange::Park {
            row,
            error: format!("gave up after {attempts} attempts: {e}"),
        }
    } else {
        retry(row, at, e)
    }
}

fn retry(row: i64, at: Timestamp, e: &VendorError) -> OutboxChange {
    OutboxChange::Retry {
        row,
        at,
        error: e.to_string(),
    }
}

/// The event a vendor's state means for an order in `current` state (None: nothing to do).
pub fn remote_event(current: OrderState, remote: &RemoteState) -> Option<OrderEvent> {
    use OrderState as S;
    Some(match (remote, current) {
        (RemoteState::Sent, S::Unknown) => OrderEvent::FoundAtVendor,
        (RemoteState::Sent, _) => return None,
        (RemoteState::Confirmed, _) => OrderEvent::KitchenConfirmed,
        (RemoteState::Done, _) => OrderEvent::Served,
        (RemoteState::Cancelled, S::CancelRequested) => OrderEvent::CancelConfirmed,
        (RemoteState::Cancelled | RemoteState::KitchenCancelled, _) => OrderEvent::KitchenCancelled,
        (RemoteState::Rejected, _) => OrderEvent::Refused,
        (RemoteState::Unrecognised, _) => return None,
    })
}

/// What a vendor's answer about an order (status poll, webhook, list) does to it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    /// Nothing to write: the vendor says what the kiosk knows.
    Unchanged,
    /// The state machine refuses the vendor's state for this order (e.g. a late "confirmed"
    /// after the kitchen cancelled): ignored.
    Refused(IllegalTransition),
    /// A vendor status the kiosk does not know, seen for the first time: kept on the order,
    /// whose state stays.
    NewUnknownStatus(Order),
    /// The order moved on (its `state`; it was `from`), with what the vendor told about it.
    Moved { order: Order, from: OrderState },
}

/// Decides [`Answer`] for `order` given the vendor's `remote` view, at `now`.
pub(super) fn answer(mut order: Order, remote: &RemoteOrder, now: Timestamp) -> Answer {
    let from = order.state;
    let Some(event) = remote_event(from, &remote.state) else {
        let unknown_news = remote.state == RemoteState::Unrecognised
            && order.vendor_status.as_deref() != Some(remote.raw_status.as_str());
        if !unknown_news {
            return Answer::Unchanged;
        }
        order.vendor_status = Some(remote.raw_status.clone());
        return Answer::NewUnknownStatus(order);
    };
    match order.apply(event, now) {
        Ok(to) if to == from => Answer::Unchanged,
        Ok(_) => {
            absorb_remote(&mut order, remote);
            Answer::Moved { order, from }
        }
        Err(e) => Answer::Refused(e),
    }
}

/// Copies what the vendor told about an order into it.
pub(super) fn absorb_remote(order: &mut Order, remote: &RemoteOrder) {
    if remote.vendor_ref.is_some() {
        order.vendor_ref = remote.vendor_ref.clone();
    }
    if remote.vendor_hash.is_some() {
        order.vendor_hash = remote.vendor_hash.clone();
    }
    order.vendor_status = Some(remote.raw_status.clone());
    if remote.reason.is_some() {
        order.reason = remote.reason.clone();
    }
}

/// Whether a timer in a schedule has come (no time yet: it is due).
/// How long after a lost answer the kiosk asks the vendor whether the order arrived: the next
/// pass, with a moment for a vendor that was still finishing the request the kiosk gave up on.
pub(super) const LOOK_UP_AFTER: SignedDuration = SignedDuration::from_secs(2);

/// When to look up an order whose create got no answer.
pub(super) fn look_up_at(now: Timestamp) -> Timestamp {
    now.checked_add(LOOK_UP_AFTER).unwrap_or(now)
}

pub(super) fn due(next: Option<&Timestamp>, now: Timestamp) -> bool {
    next.is_none_or(|t| *t <= now)
}

/// Whether an order's state may be asked again: never asked, or `interval` has passed.
pub(super) fn status_poll_due(
    last: Option<&Timestamp>,
    interval: SignedDuration,
    now: Timestamp,
) -> bool {
    last.is_none_or(|t| t.checked_add(interval).is_ok_and(|n| n <= now))
}

/// Whether an order is still worth asking about: served less than 12 hours ago or later.
pub(super) fn worth_polling(order: &Order, now: Timestamp) -> bool {
    order.serving > now.checked_sub(POLL_AFTER_SERVING).unwrap_or(now)
}

/// How often a vendor may be asked about an order's state (its documented limit; two minutes
/// where that cannot be a duration).
pub(super) fn status_interval(min_status_interval: Duration) -> SignedDuration {
    SignedDuration::try_from(min_status_interval).unwrap_or(SignedDuration::from_secs(120))
}

/// The days a venue's order list covers: from yesterday to the last menu day.
pub(super) fn list_days(today: Date, days_ahead: u32) -> Vec<Date> {
    (-1..i64::from(days_ahead.max(1)))
        .filter_map(|d| today.checked_add(d.days()).ok())
        .collect()
}

/// The menu refresh interval from the config (the config's default where it cannot be one).
/// The time old menus are pruned relative to: now, but never more than a day past the time
/// seen before this pass, so one reading far in the future (a bad clock) prunes nothing that
/// a right clock would keep. A kiosk that was off for weeks catches up at its next pass.
pub(super) fn prune_floor(now: Timestamp, seen_before: Option<Timestamp>) -> Timestamp {
    let cap = seen_before.and_then(|s| s.checked_add(SignedDuration::from_hours(24)).ok());
    match cap {
        Some(cap) if cap < now => cap,
        _ => now,
    }
}

pub(super) fn menu_interval(configured: Duration) -> SignedDuration {
    SignedDuration::try_from(configured)
        .or_else(|_| SignedDuration::try_from(DEFAULT_MENU_REFRESH))
        .unwrap_or(SignedDuration::MAX)
}

/// When the worker should look again: the earliest of `times`. While a venue is backed off,
/// its overdue rows would make that "now" again and again; then the worker waits for the
/// first backoff to end (`backed_off_until`), a minute at the most.
pub(super) fn wake_at(
    now: Timestamp,
    times: impl IntoIterator<Item = Timestamp>,
    backed_off_until: Option<Timestamp>,
) -> Option<Timestamp> {
    let earliest = times.into_iter().min()?;
    Some(match backed_off_until {
        Some(b) if earliest < now && b > now => b.min(
            now.checked_add(SignedDuration::from_secs(60))
                .unwrap_or(now),
        ),
        _ => earliest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Deadlines, Window};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn order(state: OrderState) -> Order {
        let t = ts("2026-11-23T08:00:00Z");
        let mut o = Order::new_queued(
            "o1".into(),
            "v",
            "1",
            "2026-11-23".parse().unwrap(),
            ts("2026-11-23T11:30:00Z"),
            Vec::new(),
            t,
        );
        o.state = state;
        o
    }

    fn remote(state: RemoteState, raw: &str) -> RemoteOrder {
        RemoteOrder {
            vendor_ref: Some("r1".into()),
            vendor_hash: None,
            state,
            raw_status: raw.into(),
            reason: None,
        }
    }

    #[test]
    fn a_row_is_sent_up_to_and_including_the_cutoff_second() {
        let cutoff = ts("2026-11-23T10:00:00Z");
        let d = Deadlines {
            serving: ts("2026-11-23T11:30:00Z"),
            order_until: cutoff,
            cancel_until: None,
        };
        let passed = |now: Timestamp| d.order_window(now) == Window::Closed;
        assert_eq!(gate(true, passed(cutoff), false), Gate::Send);
        let after = cutoff.checked_add(SignedDuration::from_secs(1)).unwrap();
        assert_eq!(gate(true, passed(after), false), Gate::Closed);
    }

    #[test]
    fn a_passed_cutoff_settles_even_while_the_venue_is_backed_off() {
        assert_eq!(gate(true, true, true), Gate::Closed);
        assert_eq!(gate(true, false, true), Gate::Wait);
    }

    #[test]
    fn an_untrusted_clock_neither_sends_nor_settles() {
        for (passed, backed_off) in [(false, false), (true, false), (true, true)] {
            assert_eq!(gate(false, passed, backed_off), Gate::Wait);
        }
    }

    fn is_park(c: &OutboxChange) -> bool {
        matches!(c, OutboxChange::Park { .. })
    }

    #[test]
    fn credential_and_config_errors_park_at_once() {
        let p = RetryPolicy::default();
        let at = ts("2026-11-23T09:00:10Z");
        for e in [
            VendorError::Auth("expired".into()),
            VendorError::Config("no token".into()),
            VendorError::Rejected(vec!["no".into()]),
            VendorError::Unsupported("cancel"),
        ] {
            let c = after_failure(&p, 7, 1, at, &e);
            assert_eq!(
                c,
                OutboxChange::Park {
                    row: 7,
                    error: e.to_string()
                }
            );
        }
    }

    #[test]
    fn unreachability_never_parks() {
        let p = RetryPolicy::default();
        let at = ts("2026-11-23T09:00:10Z");
        for e in [
            VendorError::Unreachable("refused".into()),
            VendorError::RateLimited { retry_after: None },
        ] {
            let c = after_failure(&p, 7, 1_000, at, &e);
            assert_eq!(
                c,
                OutboxChange::Retry {
                    row: 7,
                    at,
                    error: e.to_string()
                }
            );
        }
    }

    #[test]
    fn bad_answers_are_retried_then_parked_after_twelve_attempts() {
        let p = RetryPolicy::default();
        let at = ts("2026-11-23T09:00:10Z");
        let e = VendorError::NoAnswer("HTTP 502".into());
        assert!(!is_park(&after_failure(&p, 7, 11, at, &e)));
        assert_eq!(
            after_failure(&p, 7, 12, at, &e),
            OutboxChange::Park {
                row: 7,
                error: "gave up after 12 attempts: no usable answer from the vendor: HTTP 502"
                    .into()
            }
        );
        // The lost answer of a create counts the same way, whatever the error kind.
        let down = VendorError::Unreachable("refused".into());
        assert!(is_park(&retry_or_park(&p, 7, 12, at, &down)));
        assert!(!is_park(&retry_or_park(&p, 7, 11, at, &down)));
    }

    #[test]
    fn remote_events_follow_the_current_state() {
        use OrderState as S;
        assert_eq!(
            remote_event(S::Unknown, &RemoteState::Sent),
            Some(OrderEvent::FoundAtVendor)
        );
        assert_eq!(remote_event(S::Sent, &RemoteState::Sent), None);
        assert_eq!(
            remote_event(S::CancelRequested, &RemoteState::Cancelled),
            Some(OrderEvent::CancelConfirmed)
        );
        assert_eq!(
            remote_event(S::Confirmed, &RemoteState::Cancelled),
            Some(OrderEvent::KitchenCancelled)
        );
        assert_eq!(remote_event(S::Sent, &RemoteState::Unrecognised), None);
    }

    #[test]
    fn a_poll_moves_an_order_and_keeps_what_the_vendor_said() {
        let now = ts("2026-11-23T09:00:00Z");
        let mut r = remote(RemoteState::KitchenCancelled, "CANCELLED");
        r.reason = Some("sold out".into());
        let Answer::Moved { order, from } = answer(order(OrderState::Confirmed), &r, now) else {
            panic!("expected a move");
        };
        assert_eq!(from, OrderState::Confirmed);
        assert_eq!(order.state, OrderState::KitchenCancelled);
        assert_eq!(order.vendor_status.as_deref(), Some("CANCELLED"));
        assert_eq!(order.vendor_ref.as_deref(), Some("r1"));
        assert_eq!(order.reason.as_deref(), Some("sold out"));
        assert_eq!(order.updated_at, now);
    }

    #[test]
    fn a_poll_that_says_what_is_known_changes_nothing() {
        let now = ts("2026-11-23T09:00:00Z");
        let r = remote(RemoteState::Confirmed, "CONFIRMED");
        assert_eq!(
            answer(order(OrderState::Confirmed), &r, now),
            Answer::Unchanged
        );
        let r = remote(RemoteState::Sent, "NEW");
        assert_eq!(answer(order(OrderState::Sent), &r, now), Answer::Unchanged);
    }

    #[test]
    fn an_unknown_status_is_kept_once_and_the_state_stays() {
        let now = ts("2026-11-23T09:00:00Z");
        let r = remote(RemoteState::Unrecognised, "ON_HOLD");
        let Answer::NewUnknownStatus(o) = answer(order(OrderState::Sent), &r, now) else {
            panic!("expected the status to be kept");
        };
        assert_eq!(o.state, OrderState::Sent);
        assert_eq!(o.vendor_status.as_deref(), Some("ON_HOLD"));
        assert_eq!(answer(o, &r, now), Answer::Unchanged);
    }

    #[test]
    fn a_state_the_machine_refuses_is_ignored() {
        let now = ts("2026-11-23T09:00:00Z");
        let r = remote(RemoteState::Confirmed, "CONFIRMED");
        let Answer::Refused(e) = answer(order(OrderState::KitchenCancelled), &r, now) else {
            panic!("a final order takes no confirmation");
        };
        assert_eq!(e.from, OrderState::KitchenCancelled);
    }

    #[test]
    fn status_polls_keep_the_vendors_interval() {
        let now = ts("2026-11-23T09:00:00Z");
        let every = SignedDuration::from_secs(60);
        let at = |s: &str| ts(s);
        assert!(status_poll_due(None, every, now));
        assert!(status_poll_due(
            Some(&at("2026-11-23T08:59:00Z")),
            every,
            now
        ));
        assert!(!status_poll_due(
            Some(&at("2026-11-23T08:59:01Z")),
            every,
            now
        ));
        assert!(due(None, now) && due(Some(&now), now));
        assert!(!due(Some(&at("2026-11-23T09:00:01Z")), now));
        assert_eq!(
            status_interval(Duration::MAX),
            SignedDuration::from_secs(120)
        );
    }

    #[test]
    fn orders_served_more_than_twelve_hours_ago_are_not_polled() {
        let o = order(OrderState::Sent); // served 11:30
        assert!(worth_polling(&o, ts("2026-11-23T23:29:59Z")));
        assert!(!worth_polling(&o, ts("2026-11-23T23:30:00Z")));
    }

    #[test]
    fn order_lists_cover_yesterday_to_the_last_menu_day() {
        let today: Date = "2026-11-23".parse().unwrap();
        let days = list_days(today, 3);
        let want: Vec<Date> = ["2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25"]
            .iter()
            .map(|d| d.parse().unwrap())
            .collect();
        assert_eq!(days, want);
        assert_eq!(list_days(today, 0).len(), 2, "today at least");
    }

    #[test]
    fn menus_refresh_at_the_configured_interval() {
        assert_eq!(
            menu_interval(Duration::from_secs(600)),
            SignedDuration::from_mins(10)
        );
        assert_eq!(menu_interval(Duration::MAX), SignedDuration::from_mins(30));
    }

    #[test]
    fn the_worker_wakes_for_the_earliest_timer() {
        let now = ts("2026-11-23T09:00:00Z");
        let later = ts("2026-11-23T09:05:00Z");
        let soon = ts("2026-11-23T09:00:30Z");
        assert_eq!(wake_at(now, [later, soon], None), Some(soon));
        assert_eq!(wake_at(now, [], None), None);
        // Overdue rows of a backed-off venue: wait for the backoff, a minute at most.
        let overdue = ts("2026-11-23T08:59:00Z");
        assert_eq!(wake_at(now, [overdue], Some(soon)), Some(soon));
        let far = ts("2026-11-23T09:10:00Z");
        assert_eq!(
            wake_at(now, [overdue], Some(far)),
            Some(ts("2026-11-23T09:01:00Z"))
        );
    }

    #[test]
    fn a_jump_far_ahead_prunes_as_if_it_had_not_happened() {
        let seen: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let future: Timestamp = "2099-06-01T09:00:00Z".parse().unwrap();
        let cap: Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
        assert_eq!(prune_floor(future, Some(seen)), cap);
        let soon: Timestamp = "2026-12-01T12:00:00Z".parse().unwrap();
        assert_eq!(prune_floor(soon, Some(seen)), soon, "an ordinary pass: now");
        assert_eq!(prune_floor(future, None), future, "nothing seen yet: now");
    }
}
