//! Liefersoft platform API: wire types, client and mapping.
//!
//! Built from `seeds/liefersoft-platform-api.txt`. A JWT from `POST /login` (valid 5 minutes)
//! goes in `Authorization: Bearer …`; it is reused until shortly before its `exp`, renewed then,
//! and renewed once more on a 401 (the call is then repeated once). The kiosk's order id is the
//! platform's `orderId` (its ref id), so `GET /orders/{orderId}/ref` tells whether a create
//! whose answer was lost arrived. Status changes come by webhook (see `webhook.rs`) or by
//! polling no more often than every 2 minutes.

mod mapping;
mod wire;

pub use mapping::*;
pub use wire::*;

use super::http::{self, Http, Reply};
use super::{Claimed, RemoteOrder, RemoteState, RemoteUpdate, Vendor, VendorError, VenueOrders};
use crate::config::{Badge, LiefersoftSettings, Secret, Venue, WebhookSettings};
use crate::domain::{Clock, MenuDay, Order, OrderState};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use ureq::http::Method;

/// A token is renewed this long before its `exp`, so a call never goes out with one that
/// expires on the way.
const RENEW_MARGIN: SignedDuration = SignedDuration::from_secs(30);
/// The documented lifetime, assumed when a token's `exp` cannot be read.
const TOKEN_LIFETIME: SignedDuration = SignedDuration::from_secs(5 * 60);
/// Page size and page limit for the restaurant's order list in `poll_updates`.
const POLL_PAGE_SIZE: u32 = 50;
const POLL_MAX_PAGES: u32 = 10;
/// The kitchen's list reads at most this many pages of this size (2 000 orders, about a
/// week of a busy canteen); beyond that the list is marked incomplete and the view says so.
const LIST_PAGE_SIZE: u32 = 100;
const LIST_MAX_PAGES: u32 = 20;

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

struct Token {
    value: Secret,
    renew_at: Timestamp,
}

/// The Liefersoft adapter of one venue (one integration's credentials).
pub struct LiefersoftVendor {
    http: Http,
    settings: LiefersoftSettings,
    clock: Arc<dyn Clock>,
    token: Option<Token>,
    /// The venue's zone: a listed order's `preOrder` becomes a local service day in it.
    zone: TimeZone,
}

impl LiefersoftVendor {
    pub fn new(
        http: Http,
        venue: &Venue,
        settings: LiefersoftSettings,
        clock: Arc<dyn Clock>,
    ) -> LiefersoftVendor {
        LiefersoftVendor {
            http,
            settings,
            clock,
            token: None,
            zone: venue.rules.time_zone.clone(),
        }
    }

    /// `POST /login`: a fresh token, kept until shortly before its `exp`.
    fn login(&mut self) -> Result<Secret, VendorError> {
        let s = &self.settings;
        let reply = self
            .http
            .post(http::join(&s.base_url, "/login"), "POST /login")
            .header("Accept", "application/json")
            .scrub(&s.password)
            .json(&LoginBody {
                login: &s.login,
                password: s.password.expose(),
                company_id: &s.company_id,
            })
            .send()?;
        if matches!(reply.status, 400 | 401 | 403) {
            return Err(VendorError::Auth(format!(
                "POST /login: Liefersoft refused the login ({}): check login, password and company_id",
                reply.status
            )));
        }
        if !reply.is_success() {
            return Err(reply.error());
        }
        let answer: LoginAnswer = reply.json()?;
        let value = Secret::new(answer.access_token);
        let now = self.clock.now();
        let exp = jwt_exp(value.expose())
            .unwrap_or_else(|| now.saturating_add(TOKEN_LIFETIME).unwrap_or(now));
        self.token = Some(Token {
            value: value.clone(),
            renew_at: exp.saturating_sub(RENEW_MARGIN).unwrap_or(exp),
        });
        Ok(value)
    }

    fn valid_token(&mut self) -> Result<Secret, VendorError> {
        let now = self.clock.now();
        match &self.token {
            Some(t) if now < t.renew_at => Ok(t.value.clone()),
            _ => self.login(),
        }
    }

    /// One authorised call; on a 401 it logs in again and repeats the call once.
    fn call(
        &mut self,
        method: Method,
        path: &str,
        call: &str,
        body: Option<&[u8]>,
    ) -> Result<Reply, VendorError> {
        let mut token = self.valid_token()?;
        for attempt in 0..2 {
            let mut req = self
                .http
                .request(
                    method.clone(),
                    http::join(&self.settings.base_url, path),
                    call,
                )
                .header("Accept", "application/json")
                .secret_header("Authorization", "Bearer ", &token);
            if let Some(b) = body {
                req = req.json_bytes(b.to_vec());
            }
            let reply = req.send()?;
            if reply.status != 401 {
                return Ok(reply);
            }
            self.token = None;
            if attempt == 0 {
                token = self.login()?;
            }
        }
        Err(VendorError::Auth(format!(
            "{call}: Liefersoft refused a fresh token (401)"
        )))
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &mut self,
        path: &str,
        call: &str,
    ) -> Result<T, VendorError> {
        let reply = self.call(Method::GET, path, call, None)?;
        if !reply.is_success() {
            return Err(reply.error_with(spring_messages(&reply)));
        }
        reply.json()
    }

    /// `GET /orders/{orderId}/ref`: the order the kiosk sent under its own id; `None` on 404.
    fn by_ref(&mut self, order_id: &str) -> Result<Option<LiefersoftOrder>, VendorError> {
        let path = format!("/orders/{}/ref", http::segment(order_id));
        let reply = self.call(Method::GET, &path, "GET /orders/{orderId}/ref", None)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => reply.json().map(Some),
            _ => Err(reply.error_with(spring_messages(&reply))),
        }
    }

    /// One page of the restaurant's orders (`GET /{restaurantId}/orders?page=&size=`), newest
    /// paging as the platform does; for the sync worker and a kitchen view.
    pub fn restaurant_orders(
        &mut self,
        page: u32,
        size: u32,
    ) -> Result<RestaurantPage, VendorError> {
        let path = format!(
            "/{}/orders?page={page}&size={size}",
            http::segment(&self.settings.restaurant_id)
        );
        let p: SpringPage = self.get_json(&path, "GET /{restaurantId}/orders")?;
        let last = p
            .last
            .unwrap_or(p.content.is_empty() || p.number + 1 >= p.total_pages);
        Ok(RestaurantPage {
            orders: p.content,
            number: p.number,
            total_pages: p.total_pages,
            total_elements: p.total_elements,
            last,
        })
    }

    pub fn list_webhooks(&mut self) -> Result<Vec<Webhook>, VendorError> {
        self.get_json("/webhooks", "GET /webhooks")
    }

    pub fn create_webhook(&mut self, url: &str, secret: &Secret) -> Result<Webhook, VendorError> {
        self.send_webhook(
            Method::POST,
            "/webhooks".into(),
            "POST /webhooks",
            url,
            secret,
        )
    }

    pub fn update_webhook(
        &mut self,
        id: &str,
        url: &str,
        secret: &Secret,
    ) -> Result<Webhook, VendorError> {
        let path = format!("/webhooks/{}", http::segment(id));
        self.send_webhook(Method::PUT, path, "PUT /webhooks/{id}", url, secret)
    }

    pub fn delete_webhook(&mut self, id: &str) -> Result<(), VendorError> {
        let path = format!("/webhooks/{}", http::segment(id));
        let reply = self.call(Method::DELETE, &path, "DELETE /webhooks/{id}", None)?;
        if reply.is_success() {
            Ok(())
        } else {
            Err(reply.error_with(spring_messages(&reply)))
        }
    }

    /// Registers the kiosk's webhook: updates the one with the same URL (so its secret is the
    /// configured one) or creates it. For the admin command.
    pub fn register_webhook(&mut self, w: &WebhookSettings) -> Result<Webhook, VendorError> {
        check_webhook(&w.public_url, &w.secret)?;
        let existing = self
            .list_webhooks()?
            .into_iter()
            .find(|h| h.url == w.public_url);
        match existing {
            Some(h) => self.update_webhook(&h.id, &w.public_url, &w.secret),
            None => self.create_webhook(&w.public_url, &w.secret),
        }
    }

    fn send_webhook(
        &mut self,
        method: Method,
        path: String,
        call: &str,
        url: &str,
        secret: &Secret,
    ) -> Result<Webhook, VendorError> {
        check_webhook(url, secret)?;
        let body = serde_json::to_vec(&WebhookBody {
            secret: secret.expose(),
            url,
        })
        .expect("wire types serialise");
        let reply = self.call(method, &path, call, Some(&body))?;
        if !reply.is_success() {
            let messages = spring_messages(&reply)
                .iter()
                .map(|m| m.replace(secret.expose(), "***"))
                .collect();
            return Err(reply.error_with(messages));
        }
        reply.json()
    }
}

impl Vendor for LiefersoftVendor {
    fn kind(&self) -> &'static str {
        "liefersoft"
    }

    fn fetch_menu(&mut self, _from: Date, _days: u32) -> Result<Vec<MenuDay>, VendorError> {
        Err(VendorError::Unsupported(
            "a menu call (Liefersoft menus come from a menu file)",
        ))
    }

    fn place_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError> {
        let d = draft(order, who, &self.settings);
        check_rules(&d, self.clock.now())?;
        let body = serde_json::to_vec(&create_body(&d, is_prepaid(&d.payment_method)))
            .expect("wire types serialise");
        let reply = self.call(Method::POST, "/orders", "POST /orders", Some(&body))?;
        if !reply.is_success() {
            return Err(reply.error_with(spring_messages(&reply)));
        }
        let answer: CreateAnswer = reply.json()?;
        Ok(RemoteOrder {
            vendor_ref: Some(answer.remote_response.id),
            vendor_hash: None,
            state: RemoteState::Sent,
            raw_status: reply.status.to_string(),
            reason: None,
        })
    }

    fn cancel_order(&mut self, _order: &Order, _who: &Badge) -> Result<RemoteOrder, VendorError> {
        Err(VendorError::Unsupported(
            "cancelling an order (the platform API has no cancel call)",
        ))
    }

    fn find_order(
        &mut self,
        order: &Order,
        _who: &Badge,
        _claimed: &Claimed,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        Ok(self.by_ref(&order.id)?.as_ref().map(remote_from))
    }

    fn order_status(
        &mut self,
        order: &Order,
        who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        let Some(id) = order.vendor_ref.as_deref() else {
            return self.find_order(order, who, &Claimed::new());
        };
        let path = format!("/orders/{}", http::segment(id));
        let reply = self.call(Method::GET, &path, "GET /orders/{id}", None)?;
        match reply.status {
            404 => Ok(None),
            _ if reply.is_success() => Ok(Some(remote_from(&reply.json::<LiefersoftOrder>()?))),
            _ => Err(reply.error_with(spring_messages(&reply))),
        }
    }

    /// "Poll no more often than every 2 minutes" (webhooks are preferred).
    fn min_status_interval(&self) -> Duration {
        Duration::from_secs(120)
    }

    /// The restaurant's order list, paged until every sent order was seen (or the last page).
    fn poll_updates(&mut self, live: &[Order]) -> Result<Vec<RemoteUpdate>, VendorError> {
        let mut wanted: HashSet<&str> = live
            .iter()
            .filter(|o| !matches!(o.state, OrderState::Queued | OrderState::Sending))
            .map(|o| o.id.as_str())
            .collect();
        let mut updates = Vec::new();
        for page in 0..POLL_MAX_PAGES {
            if wanted.is_empty() {
                break;
            }
            let p = self.restaurant_orders(page, POLL_PAGE_SIZE)?;
            for o in &p.orders {
                if wanted.remove(o.order_id.as_str()) {
                    updates.push(RemoteUpdate {
                        order_id: Some(o.order_id.clone()),
                        remote: remote_from(o),
                    });
                }
            }
            if p.last {
                break;
            }
        }
        Ok(updates)
    }

    /// The restaurant's order list, read page by page (at most [`LIST_MAX_PAGES`]), kept for
    /// the days asked. The platform does not document its sort order, so every page up to the
    /// limit is read; orders without a readable `preOrder` cannot be placed on a day and are
    /// left out (logged).
    fn venue_orders(&mut self, days: &[Date]) -> Result<Option<VenueOrders>, VendorError> {
        let mut out = VenueOrders::default();
        let mut undated = 0usize;
        for page in 0..LIST_MAX_PAGES {
            let p = self.restaurant_orders(page, LIST_PAGE_SIZE)?;
            for o in &p.orders {
                out.updates.push(RemoteUpdate {
                    order_id: Some(o.order_id.clone()),
                    remote: remote_from(o),
                });
                match service_day(o, &self.zone) {
                    Some(day) if days.contains(&day) => out.orders.push(listed_from(o, day)),
                    Some(_) => {}
                    None => undated += 1,
                }
            }
            if p.last {
                out.complete = true;
                break;
            }
        }
        if undated > 0 {
            log::warn!(
                "{undated} restaurant orders have no readable preOrder and are not in the \
                 kitchen list"
            );
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Percent;

    #[test]
    fn statuses_map_in_one_table() {
        assert_eq!(map_status("ACCEPTED"), RemoteState::Sent);
        assert_eq!(map_status("PROCESSING"), RemoteState::Confirmed);
        assert_eq!(map_status("PROCESSED"), RemoteState::Done);
        assert_eq!(map_status("CANCELED"), RemoteState::KitchenCancelled);
        assert_eq!(map_status("PROCESSING_ERROR"), RemoteState::Rejected);
        assert_eq!(map_status("LOST_IN_SPACE"), RemoteState::Unrecognised);
    }

    #[test]
    fn the_documents_jwt_expires_when_it_says() {
        // The document's token carries "exp":1917820800 (payload shortened here).
        let token = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJkMTIyZjY1YiIsImV4cCI6MTkxNzgyMDgwMCwiaWF0IjoxNjAzMTkwMjgwfQ.sig";
        assert_eq!(jwt_exp(token).unwrap().as_second(), 1_917_820_800);
        assert_eq!(jwt_exp("not-a-jwt"), None);
    }

    #[test]
    fn tax_type_by_rate() {
        assert_eq!(tax_type(Percent::parse("7").unwrap()), "REDUCED");
        assert_eq!(tax_type(Percent::parse("10").unwrap()), "REDUCED");
        assert_eq!(tax_type(Percent::parse("19").unwrap()), "NORMAL");
        assert_eq!(tax_type(Percent::parse("20").unwrap()), "NORMAL");
    }

    #[test]
    fn webhook_registrations_are_checked_first() {
        let good = Secret::new("0123456789abcdef");
        assert!(check_webhook("https://kiosk.example/hook", &good).is_ok());
        assert!(check_webhook("http://kiosk.example/hook", &good).is_err());
        assert!(check_webhook("https://a.b", &good).is_err());
        assert!(check_webhook("https://kiosk.example/hook", &Secret::new("short")).is_err());
        let err =
            check_webhook("https://kiosk.example/hook", &Secret::new("short-secret")).unwrap_err();
        assert!(!err.to_string().contains("short-secret"));
    }
}
