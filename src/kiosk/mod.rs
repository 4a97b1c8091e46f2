//! The kiosk service: what the UI and the CLI both do, in one place. It reads menus and
//! orders from the store and writes orders and cancellations (with their outbox rows) in one
//! transaction; it never talks to a vendor — it wakes the sync worker instead.

pub mod export;
mod history;
mod peer_views;
mod prefs;
pub mod status;
mod views;
mod watches;
mod week;

pub use crate::store::{BadgePrefs, DishWatch};
pub use views::*;
pub use watches::{FreedDish, WatchOutcome};
pub use week::*;

use crate::config::{Badge, Config, Role, Venue};
use crate::domain::clock::{ClockDoubt, build_floor, judge_clock};
use crate::domain::{Article, Clock, Deadlines, Order, OrderEvent, OrderLine, OrderState, Window};
use crate::store::{OrderFilter, OutboxChange, OutboxKind, OutboxStatus, Store, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use std::fmt;
use std::sync::Arc;

/// Something that wants to know when there is new work (the sync worker).
pub trait Waker: Send + Sync {
    fn wake(&self);
}

/// Why an order or a cancellation was not taken. Each says what the employee can do.
#[derive(Debug, thiserror::Error)]
pub enum KioskError {
    #[error("this badge is not registered at this kiosk")]
    UnknownBadge,
    #[error("no venue {0:?} in the config")]
    UnknownVenue(String),
    /// The dish is not (or no longer) on that day's menu.
    #[error("that dish is not on this day's menu")]
    NoSuchDish,
    #[error("that dish is sold out")]
    SoldOut,
    /// The order cutoff passed at this instant.
    #[error("ordering for that day closed at {until}")]
    OrderClosed { until: Timestamp },
    #[error(fmt = cancel_closed)]
    CancelClosed { until: Option<Timestamp> },
    /// The order cannot be cancelled in its state (already cancelled, rejected, …).
    #[error("an order that is {0} cannot be cancelled")]
    NotCancellable(OrderState),
    #[error("no such order")]
    NoSuchOrder,
    /// The order was placed at another kiosk of the canteen: only that kiosk sends for it.
    #[error("that order was placed at {0}: cancel it there")]
    PlacedElsewhere(String),
    /// The badge does not own the order.
    #[error("that order belongs to another badge")]
    NotYours,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The day's menu or serving time could not be computed (bad config).
    #[error("{0}")]
    Cutoff(String),
    /// An admin tried to accept a clock earlier than this program's build.
    #[error(
        "the clock says {now}, earlier than this program was built ({build}): set the system \
         time (timedatectl set-time, or let it synchronise) instead"
    )]
    ClockBeforeBuild { now: Timestamp, build: Timestamp },
}

/// No cutoff at all means the canteen never takes a cancellation.
/// When a venue's day closes, by the one cutoff rule (`domain::cutoff`).
fn deadlines_of(venue: &Venue, day: Date) -> Result<Deadlines> {
    venue
        .rules
        .deadlines(day)
        .map_err(|e| KioskError::Cutoff(e.to_string()))
}

fn cancel_closed(until: &Option<Timestamp>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match until {
        Some(t) => write!(f, "cancelling closed at {t}"),
        None => f.write_str("this canteen does not allow cancelling"),
    }
}

pub type Result<T> = std::result::Result<T, KioskError>;

pub struct Kiosk {
    config: Arc<Config>,
    store: Store,
    clock: Arc<dyn Clock>,
    /// No trustworthy clock can be earlier (the build time; tests set their own).
    clock_floor: Timestamp,
    waker: Option<Arc<dyn Waker>>,
}

impl Kiosk {
    pub fn new(config: Arc<Config>, store: Store, clock: Arc<dyn Clock>) -> Kiosk {
        Kiosk {
            config,
            store,
            clock,
            clock_floor: build_floor(),
            waker: None,
        }
    }

    pub fn with_waker(mut self, waker: Arc<dyn Waker>) -> Kiosk {
        self.waker = Some(waker);
        self
    }

    pub fn with_clock_floor(mut self, floor: Timestamp) -> Kiosk {
        self.clock_floor = floor;
        self
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Swaps in a reloaded (already checked) config.
    pub fn set_config(&mut self, config: Arc<Config>) {
        self.config = config;
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Whether the clock can be trusted for cutoffs; records a trusted time as seen.
    pub fn clock_trust(&self) -> std::result::Result<(), ClockDoubt> {
        let now = self.clock.now();
        let seen = self.store.last_seen().ok().flatten();
        let trusted = judge_clock(now, seen, self.clock_floor, self.clock.os_synced())?;
        if let Err(e) = self.store.note_trusted(now, &trusted) {
            log::warn!("could not record the time seen: {e}");
        }
        Ok(())
    }

    /// An admin vouches for the clock as it is now (admin screen, `clock accept`): the time
    /// seen is lowered to now. The build time stays a floor: no right clock is earlier.
    pub fn accept_clock(&self, by: &str) -> Result<Timestamp> {
        let now = self.clock.now();
        if now < self.clock_floor {
            return Err(KioskError::ClockBeforeBuild {
                now,
                build: self.clock_floor,
            });
        }
        let seen = self.store.last_seen()?;
        self.store.lower_seen(now)?;
        log::warn!(
            "{by} accepted the clock as it is: {now} (the time seen before was {})",
            seen.map_or_else(|| "none".to_string(), |s| s.to_string())
        );
        Ok(now)
    }

    /// The same judgement as [`Kiosk::clock_trust`] without recording the time: an order or a
    /// cancel commits exactly one transaction (one fsync).
    fn clock_is_trusted(&self) -> bool {
        let seen = self.store.last_seen().ok().flatten();
        judge_clock(
            self.clock.now(),
            seen,
            self.clock_floor,
            self.clock.os_synced(),
        )
        .is_ok()
    }

    /// Who a badge belongs to.
    pub fn badge_in(&self, number: &str) -> Result<Badge> {
        match self.config.badge(number.trim()) {
            Some(b) => Ok(b.clone()),
            None => Err(KioskError::UnknownBadge),
        }
    }

    pub fn venue(&self, key: &str) -> Result<&Venue> {
        self.config
            .venue(key)
            .ok_or_else(|| KioskError::UnknownVenue(key.to_string()))
    }

    /// The venue's local date today.
    pub fn today(&self, venue: &Venue) -> Date {
        venue.rules.local_date(self.clock.now())
    }

    /// Places an order for one dish: checks the dish and the cutoff, then saves the order and
    /// its outbox row in one transaction. When this returns Ok, the order is saved.
    pub fn place_order(
        &mut self,
        badge: &Badge,
        venue_key: &str,
        day: Date,
        article_id: &str,
    ) -> Result<Order> {
        let venue = self.venue(venue_key)?.clone();
        let article = self.dish_on(&venue.key, day, article_id)?;
        if !article.is_available() {
            return Err(KioskError::SoldOut);
        }
        let deadlines = deadlines_of(&venue, day)?;
        let now = self.clock.now();
        self.check_order_open(&deadlines, now)?;
        let order = Order::new_queued(
            uuid::Uuid::new_v4().to_string(),
            &venue.key,
            &badge.number,
            day,
            deadlines.serving,
            vec![OrderLine::one_of(&article)],
            now,
        );
        self.store
            .insert_order(&order, OutboxChange::Enqueue(OutboxKind::Place))?;
        log::info!(
            "order {} saved: badge {} venue {} day {day} article {article_id}",
            order.id,
            crate::domain::masked_badge(&badge.number),
            venue.key
        );
        self.wake();
        Ok(order)
    }

    /// A dish of a venue's cached menu of `day`.
    fn dish_on(&self, venue: &str, day: Date, article_id: &str) -> Result<Article> {
        self.store
            .menu_day(venue, day)?
            .and_then(|cached| {
                cached
                    .menu
                    .articles
                    .into_iter()
                    .find(|a| a.vendor_id == article_id)
            })
            .ok_or(KioskError::NoSuchDish)
    }

    /// Refuses what needs the order window once it closed. With a doubtful clock it is let
    /// through: an order is saved and waits, and the worker decides once the clock is trusted
    /// again (and expires it if the cutoff passed meanwhile).
    fn check_order_open(&self, deadlines: &Deadlines, now: Timestamp) -> Result<()> {
        if self.clock_is_trusted() && !deadlines.order_window(now).is_open() {
            return Err(KioskError::OrderClosed {
                until: deadlines.order_until,
            });
        }
        Ok(())
    }

    /// Asks to cancel an order. A not-yet-sent order is cancelled at once; a sent one gets a
    /// cancel outbox row. Both in one transaction with the order's new state.
    pub fn cancel_order(&mut self, badge: &Badge, order_id: &str) -> Result<Order> {
        let Some(mut order) = self.store.order(order_id)? else {
            return Err(match self.peer_order_place(badge, order_id)? {
                Some(place) => KioskError::PlacedElsewhere(place),
                None => KioskError::NoSuchOrder,
            });
        };
        if order.badge != badge.number && badge.role != Role::Admin {
            return Err(KioskError::NotYours);
        }
        if !order.state.can_cancel() {
            return Err(KioskError::NotCancellable(order.state));
        }
        let venue = self.venue(&order.venue)?.clone();
        let deadlines = venue
            .rules
            .deadlines(order.day)
            .map_err(|e| KioskError::Cutoff(e.to_string()))?;
        let now = self.clock.now();
        if self.clock_is_trusted() && !deadlines.cancel_window(now).is_open() {
            return Err(KioskError::CancelClosed {
                until: deadlines.cancel_until,
            });
        }
        if deadlines.cancel_until.is_none() {
            return Err(KioskError::CancelClosed { until: None });
        }
        let from = order.state;
        order
            .apply(OrderEvent::CancelAsked, now)
            .map_err(|_| KioskError::NotCancellable(from))?;
        let outbox = if order.state == OrderState::CancelRequested {
            OutboxChange::Enqueue(OutboxKind::Cancel)
        } else {
            OutboxChange::None
        };
        if !self
            .store
            .save_transition(&order, from, Some("cancel asked at the kiosk"), outbox)?
        {
            // The worker changed it meanwhile: look again with the fresh state.
            return self.cancel_order(badge, order_id);
        }
        self.wake();
        Ok(order)
    }

    /// The employee's orders from today on, all venues, by day.
    pub fn my_orders(&self, badge: &str) -> Result<Vec<Order>> {
        let from = self.config.venues.iter().map(|v| self.today(v)).min();
        Ok(self.store.orders(&OrderFilter {
            badge: Some(badge),
            from_day: from,
            ..OrderFilter::default()
        })?)
    }

    /// The employee's live orders of one day (to ask before ordering the same day twice).
    pub fn live_orders_on(&self, badge: &str, venue: &str, day: Date) -> Result<Vec<Order>> {
        let live: Vec<Order> = self
            .store
            .orders(&OrderFilter {
                badge: Some(badge),
                venue: Some(venue),
                from_day: Some(day),
                to_day: Some(day),
                states: None,
            })?
            .into_iter()
            .filter(|o| o.state.is_live())
            .collect();
        Ok(live)
    }

    /// The order and cancel windows of an order right now (what the UI offers).
    pub fn windows(&self, order: &Order) -> Result<(Window, Window)> {
        let venue = self.venue(&order.venue)?;
        let d = venue
            .rules
            .deadlines(order.day)
            .map_err(|e| KioskError::Cutoff(e.to_string()))?;
        let now = self.clock.now();
        Ok((d.order_window(now), d.cancel_window(now)))
    }

    /// An admin sends a parked outbox row again: it is pending and due at once, and the worker
    /// is woken. Only a parked row can be retried.
    pub fn retry_parked(&mut self, row: i64) -> Result<()> {
        let r = self.parked_row(row)?;
        let now = self.clock.now();
        self.store.change_outbox(
            &r.order_id,
            OutboxChange::Retry {
                row,
                at: now,
                error: "retried by admin".into(),
            },
            now,
        )?;
        log::info!(
            "parked outbox row {row} (order {}) retried by an admin",
            r.order_id
        );
        self.wake();
        Ok(())
    }

    /// An admin gives up a parked outbox row for good: the row is settled, and an order that
    /// never (knowingly) reached the vendor (queued / unknown) becomes rejected with the reason
    /// "discarded by an admin"; a parked cancellation leaves the order as it was before the
    /// cancel was asked. Logged with the admin's badge.
    pub fn discard_parked(&mut self, row: i64, admin_badge: &str) -> Result<()> {
        let r = self.parked_row(row)?;
        let now = self.clock.now();
        let done = OutboxChange::Done { row };
        let Some(mut order) = self.store.order(&r.order_id)? else {
            self.store.change_outbox(&r.order_id, done, now)?;
            log::warn!(
                "admin badge {admin_badge} discarded parked outbox row {row} (order {} missing)",
                r.order_id
            );
            return Ok(());
        };
        let from = order.state;
        let event = match (r.kind, from) {
            (OutboxKind::Place, OrderState::Queued | OrderState::Unknown) => {
                Some(OrderEvent::Discarded)
            }
            (OutboxKind::Cancel, OrderState::CancelRequested) => Some(OrderEvent::CancelRefused {
                back_to: order.state_to_restore_after_cancel(),
            }),
            _ => None,
        };
        match event {
            Some(ev) if order.apply(ev, now).is_ok() => {
                if order.state == OrderState::Rejected {
                    order.reason = Some("discarded by an admin".into());
                }
                if !self
                    .store
                    .save_transition(&order, from, Some("discarded by an admin"), done)?
                {
                    // The worker moved the order meanwhile: look again.
                    return self.discard_parked(row, admin_badge);
                }
            }
            _ => self.store.change_outbox(&order.id, done, now)?,
        }
        log::warn!(
            "admin badge {admin_badge} discarded parked outbox row {row} ({} of order {}): order {} → {}",
            r.kind.as_str(),
            order.id,
            from,
            order.state
        );
        self.wake();
        Ok(())
    }

    fn parked_row(&self, row: i64) -> Result<crate::store::OutboxRow> {
        match self.store.outbox_row(row)? {
            Some(r) if r.status == OutboxStatus::Parked => Ok(r),
            _ => Err(KioskError::NoSuchOrder),
        }
    }

    fn wake(&self) {
        if let Some(w) = &self.waker {
            w.wake();
        }
    }
}
