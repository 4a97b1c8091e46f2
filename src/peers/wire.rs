//! The peer feed's wire format, one place for both ends: what a kiosk serves at
//! `GET /peer/v1/orders?since=N&wait=S` and what its peers read.
//!
//! An order names its employee by first name and initial ("Anna K.") and by a badge key, an
//! HMAC of the badge number under the canteen's shared token: another screen of the canteen
//! can tell "this employee's orders" without the badge number (the employee's credential at
//! the kiosk) ever crossing the LAN.

use crate::config::{Badge, Secret};
use crate::domain::{Money, Order, OrderLine, OrderState};
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The longest a reader may ask the feed to wait for a change (`wait`, seconds).
pub const MAX_WAIT_SECS: u64 = 25;

/// One answer of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    /// The serving kiosk's `[kiosk] id` and `name`.
    pub kiosk: String,
    pub name: String,
    /// Its database file: another epoch means the cursor started over (read anew).
    pub epoch: String,
    /// Ask `since` this next time.
    pub cursor: i64,
    /// True: `orders` are all of the kiosk's orders from today on (replace what you have);
    /// false: only those changed since the asked cursor.
    pub full: bool,
    pub orders: Vec<FeedOrder>,
}

/// An order as the feed shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedOrder {
    pub id: String,
    pub venue: String,
    pub day: Date,
    pub serving: Timestamp,
    /// "Anna K.": first name and the last name's initial.
    pub employee: String,
    pub badge_key: String,
    pub lines: Vec<FeedLine>,
    /// The order's state word (`OrderState::as_str`); a word this version does not know
    /// reads as "unknown".
    pub state: String,
    /// Its outbox row waits for an admin at the serving kiosk.
    pub parked: bool,
    pub reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedLine {
    pub dish: String,
    pub quantity: u32,
    pub unit_price_cents: i64,
}

/// The badge key of a badge number under the canteen's token (hex, 128 bits).
pub fn badge_key(token: &Secret, badge: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(token.expose().as_bytes())
        .expect("HMAC takes any key length");
    mac.update(b"canteen-kiosk badge\0");
    mac.update(badge.as_bytes());
    mac.finalize().into_bytes()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// "Anna Katharina Berger" → "Anna B."; a single name stays as it is.
pub fn short_name(badge: Option<&Badge>) -> String {
    let Some(badge) = badge else {
        return "?".to_string();
    };
    let (first, last) = badge.first_last();
    match last.chars().next() {
        Some(initial) => {
            let first = first.split_whitespace().next().unwrap_or(first);
            format!("{first} {initial}.")
        }
        None => first.to_string(),
    }
}

impl FeedOrder {
    /// The feed's form of one of the kiosk's orders.
    pub fn of(order: &Order, badge: Option<&Badge>, token: &Secret, parked: bool) -> FeedOrder {
        FeedOrder {
            id: order.id.clone(),
            venue: order.venue.clone(),
            day: order.day,
            serving: order.serving,
            employee: short_name(badge),
            badge_key: badge_key(token, &order.badge),
            lines: order
                .lines
                .iter()
                .map(|l| FeedLine {
                    dish: l.name.clone(),
                    quantity: l.quantity,
                    unit_price_cents: l.unit_price.cents(),
                })
                .collect(),
            state: order.state.as_str().to_string(),
            parked,
            reason: order.reason.clone(),
            created_at: order.created_at,
            updated_at: order.updated_at,
        }
    }

    /// Its state; a word of a newer version reads as unknown.
    pub fn state(&self) -> OrderState {
        OrderState::parse(&self.state).unwrap_or(OrderState::Unknown)
    }

    /// The order as this kiosk's views show it (read-only: no vendor handles, no badge).
    pub fn to_order(&self, badge: &str) -> Order {
        Order {
            id: self.id.clone(),
            venue: self.venue.clone(),
            badge: badge.to_string(),
            day: self.day,
            serving: self.serving,
            lines: self
                .lines
                .iter()
                .map(|l| OrderLine {
                    article_id: String::new(),
                    name: l.dish.clone(),
                    quantity: l.quantity,
                    unit_price: Money::from_cents(l.unit_price_cents),
                    vat: None,
                })
                .collect(),
            state: self.state(),
            state_before_cancel: None,
            vendor_ref: None,
            vendor_hash: None,
            vendor_status: None,
            reason: self.reason.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Role;

    fn badge(name: &str) -> Badge {
        Badge {
            number: "73915284".into(),
            name: name.into(),
            email: None,
            employee_number: None,
            role: Role::Employee,
        }
    }

    #[test]
    fn names_are_first_name_and_initial() {
        assert_eq!(short_name(Some(&badge("Anna Berger"))), "Anna B.");
        assert_eq!(short_name(Some(&badge("Anna Katharina Berger"))), "Anna B.");
        assert_eq!(short_name(Some(&badge("Cher"))), "Cher");
        assert_eq!(short_name(Some(&badge("Élodie Ørsted"))), "Élodie Ø.");
        assert_eq!(short_name(None), "?");
    }

    #[test]
    fn a_badge_key_depends_on_the_token_and_never_shows_the_number() {
        let a = Secret::new("canteen-token-aaaaaaaa");
        let b = Secret::new("canteen-token-bbbbbbbb");
        let key = badge_key(&a, "73915284");
        assert_eq!(key.len(), 32);
        assert_eq!(key, badge_key(&a, "73915284"));
        assert_ne!(key, badge_key(&b, "73915284"));
        assert_ne!(key, badge_key(&a, "73915285"));
        assert!(!key.contains("7391"));
    }
}
