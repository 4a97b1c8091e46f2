//! Bessa (canteen pre-ordering): wire types, client and mapping.
//!
//! Built from the capture in `seeds/bessa-capture.json` (web app 1.7.0) and the calls of public
//! Bessa clients (see the README, "Vendors"). Every call sends `Accept`, `Authorization: Token …`
//! and `X-Client-Version`. Orders go out with the employee's own token when the secrets file
//! has one (`bessa.<venue>.<badge>`), else with the venue's token.
//!
//! Bessa has no idempotency key: a create whose answer was lost is looked up among the day's
//! orders ([`Vendor::find_order`]) before it may be sent again, and the look-up counts: a
//! Bessa order another kiosk order owns is never matched again ([`unclaimed_match`]).

mod mapping;
mod wire;

pub use mapping::*;
use wire::*;

use super::http::{self, Http, Reply, Req};
use super::{Claimed, RemoteOrder, RemoteState, Vendor, VendorError};
use crate::config::{Badge, BessaSettings, Secret, Secrets, Venue};
use crate::domain::{MenuDay, Order};
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use std::collections::BTreeMap;
use ureq::http::Method;

/// The most pages of a paginated list the adapter follows (a day has a handful of orders).
const MAX_PAGES: usize = 20;

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/// The Bessa adapter of one venue.
pub struct BessaVendor {
    http: Http,
    venue_key: String,
    tz: TimeZone,
    settings: BessaSettings,
    /// Badge number → the employee's own token (`bessa.<venue>.<badge>` in the secrets).
    employee_tokens: BTreeMap<String, Secret>,
}

impl BessaVendor {
    pub fn new(
        http: Http,
        venue: &Venue,
        settings: BessaSettings,
        secrets: &Secrets,
    ) -> BessaVendor {
        let prefix = Secrets::bessa_employee_key(&venue.key, "");
        let employee_tokens = secrets
            .values
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.to_string(), v.clone())))
            .collect();
        BessaVendor {
            http,
            venue_key: venue.key.clone(),
            tz: venue.rules.time_zone.clone(),
            settings,
            employee_tokens,
        }
    }

    /// The token orders of this badge go out with: the employee's own, else the venue's.
    fn token_for(&self, who: &Badge) -> Result<&Secret, VendorError> {
        self.employee_tokens
            .get(&who.number)
            .or(self.settings.token.as_ref())
            .ok_or_else(|| {
                VendorError::Config(format!(
                    "no Bessa token for {} (badge {}): add {} to the secrets file (bessa-login) or set the venue token",
                    who.name,
                    crate::domain::masked_badge(&who.number),
                    Secrets::bessa_employee_key(&self.venue_key, "<badge number>")
                ))
            })
    }

    fn venue_token(&self) -> Result<&Secret, VendorError> {
        self.settings.token.as_ref().ok_or_else(|| {
            VendorError::Config(format!(
                "venue {}: Bessa menus need the venue token",
                self.venue_key
            ))
        })
    }

    fn req(&self, method: Method, url: String, call: &str, token: &Secret) -> Req<'_> {
        self.http
            .request(method, url, call)
            .header("Accept", "application/json")
            .secret_header("Authorization", "Token ", token)
            .header("X-Client-Version", &self.settings.client_version)
    }

    fn url(&self, path: &str) -> String {
        http::join(&self.settings.base_url, path)
    }

    /// All pages of a paginated list, following `next` only within our base URL (the token
    /// must never travel to another host).
    fn get_pages<T: serde::de::DeserializeOwned>(
        &self,
        first: String,
        call: &str,
        token: &Secret,
    ) -> Result<Vec<T>, VendorError> {
        let mut out = Vec::new();
        let mut url = Some(first);
        for _ in 0..MAX_PAGES {
            let Some(u) = url.take() else { break };
            let reply = self.req(Method::GET, u, call, token).send()?;
            let page: Page<T> = ok_json(&reply)?;
            out.extend(page.results);
            url = match page.next {
                Some(next) => Some(rebase(&self.settings.base_url, &next).ok_or_else(|| {
                    VendorError::Config(format!(
                        "{call}: Bessa's next page is outside the base URL"
                    ))
                })?),
                None => None,
            };
        }
        Ok(out)
    }

    fn dates(&self, token: &Secret) -> Result<Vec<DateEntry>, VendorError> {
        let path = format!("/venues/{}/menu/dates/", self.settings.venue_id);
        self.get_pages(self.url(&path), "GET /venues/{venue}/menu/dates/", token)
    }

    fn menu_items(&self, day: Date, token: &Secret) -> Result<Vec<MenuItem>, VendorError> {
        let path = format!(
            "/venues/{}/menu/{}/{}/",
            self.settings.venue_id, self.settings.menu_type, day
        );
        let call = "GET /venues/{venue}/menu/{menu_type}/{date}/";
        let entries: Vec<MenuEntry> = self.get_pages(self.url(&path), call, token)?;
        Ok(entries.into_iter().flat_map(|e| e.items).collect())
    }

    /// The caller's orders from `from` on (the orders list of the public clients).
    fn user_orders(&self, from: Date, token: &Secret) -> Result<Vec<WireOrder>, VendorError> {
        let url = format!(
            "{}?venue={}&deleted__isnull=true&date__gte={}&ordering=-date",
            self.url("/user/orders"),
            self.settings.venue_id,
            from
        );
        self.get_pages(url, "GET /user/orders", token)
    }

    /// The local menu day of an instant Bessa sends ("2026-02-13T10:00:00Z").
    fn local_day(&self, instant: &str) -> Option<Date> {
        let t: jiff::Timestamp = instant.parse().ok()?;
        Some(t.to_zoned(self.tz.clone()).date())
    }

    /// The orders Bessa lists for the order's day: from menu/dates if it lists the day, else
    /// from the orders list. Also says whether menu/dates still lists the day.
    fn day_orders(
        &self,
        order: &Order,
        token: &Secret,
    ) -> Result<(Vec<WireOrder>, bool), VendorError> {
        let day = order.day.to_string();
        if let Some(entry) = self.dates(token)?.into_iter().find(|d| d.date == day) {
            return Ok((entry.orders, true));
        }
        let list = self.user_orders(order.day, token)?;
        let on_day = list
            .into_iter()
            .filter(|o| o.date.as_deref().and_then(|d| self.local_day(d)) == Some(order.day))
            .collect();
        Ok((on_day, false))
    }
}

/// A 2xx answer read as `T`; anything else classified.
fn ok_json<T: serde::de::DeserializeOwned>(reply: &Reply) -> Result<T, VendorError> {
    if reply.is_success() {
        reply.json()
    } else {
        Err(bessa_error(reply, None))
    }
}

/// Bessa's errors: 401 → Auth (log in again), other 4xx → Rejected with the Django REST
/// messages, the rest as usual.
fn bessa_error(reply: &Reply, who: Option<&Badge>) -> VendorError {
    if reply.status == 401 {
        let whose = who.map_or("the venue".to_string(), |b| {
            format!("badge {}", crate::domain::masked_badge(&b.number))
        });
        return VendorError::Auth(format!(
            "{}: Bessa refused the token of {whose} (401): log in again (bessa-login)",
            reply.call
        ));
    }
    let messages = reply
        .json_value()
        .map(|v| drf_messages(&v))
        .unwrap_or_default();
    reply.error_with(messages)
}

/// The `next` link of a page, moved onto our base URL (same path below the base path).
fn rebase(base: &str, next: &str) -> Option<String> {
    fn split(url: &str) -> Option<(&str, &str)> {
        let after_scheme = url.find("://")? + 3;
        match url[after_scheme..].find('/') {
            Some(i) => Some(url.split_at(after_scheme + i)),
            None => Some((url, "")),
        }
    }
    let (origin, base_path) = split(base)?;
    let (_, next_path) = split(next)?;
    next_path
        .starts_with(base_path.trim_end_matches('/'))
        .then(|| format!("{origin}{next_path}"))
}

impl Vendor for BessaVendor {
    fn kind(&self) -> &'static str {
        "bessa"
    }

    fn fetch_menu(&mut self, from: Date, days: u32) -> Result<Vec<MenuDay>, VendorError> {
        let token = self.venue_token()?.clone();
        let last = from.saturating_add(i64::from(days.saturating_sub(1)).days());
        let mut out = Vec::new();
        for entry in self.dates(&token)? {
            let Ok(day) = entry.date.parse::<Date>() else {
                log::warn!(
                    "Bessa menu/dates: skipping unreadable date {:?}",
                    entry.date
                );
                continue;
            };
            if day < from || day > last {
                continue;
            }
            let articles = self
                .menu_items(day, &token)?
                .iter()
                .map(article_from)
                .collect();
            out.push(MenuDay {
                venue: self.venue_key.clone(),
                day,
                vendor_day_id: Some(entry.id.text()),
                articles,
            });
        }
        out.sort_by_key(|m| m.day);
        Ok(out)
    }

    fn place_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError> {
        let token = self.token_for(who)?;
        let body = order_body(order, who, &self.settings)?;
        let reply = self
            .req(
                Method::POST,
                self.url("/user/orders/"),
                "POST /user/orders/",
                token,
            )
            .json(&body)
            .send()?;
        if !reply.is_success() {
            return Err(bessa_error(&reply, Some(who)));
        }
        let created: WireOrder = reply.json()?;
        let mut remote = remote_from(&created);
        if created.state_code().is_none() {
            // A 201 without a state is still a created order.
            remote.state = RemoteState::Sent;
            remote.raw_status = reply.status.to_string();
        }
        Ok(remote)
    }

    fn cancel_order(&mut self, order: &Order, who: &Badge) -> Result<RemoteOrder, VendorError> {
        // Only an order Bessa answered (or a look-up matched) can be cancelled: guessing its
        // id from the day's list could cancel another order of the same dish.
        let Some(id) = order.vendor_ref.clone() else {
            return Err(VendorError::Rejected(vec![
                "the kiosk has no Bessa id for this order, so it cannot cancel it there".into(),
            ]));
        };
        let token = self.token_for(who)?;
        let url = self.url(&format!("/user/orders/{}/cancel/", http::segment(&id)));
        let reply = self
            .req(Method::PATCH, url, "PATCH /user/orders/{id}/cancel/", token)
            .json(&serde_json::json!({}))
            .send()?;
        if !reply.is_success() {
            return Err(bessa_error(&reply, Some(who)));
        }
        let answer: CancelAnswer = reply.json()?;
        Ok(RemoteOrder {
            vendor_ref: Some(id),
            vendor_hash: answer.order_id.or_else(|| order.vendor_hash.clone()),
            state: RemoteState::Cancelled,
            raw_status: answer.state.unwrap_or_else(|| "cancelled".into()),
            reason: None,
        })
    }

    fn find_order(
        &mut self,
        order: &Order,
        who: &Badge,
        claimed: &Claimed,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        // The day's orders are the caller's own: ask with the token the order went out with.
        let token = self.token_for(who)?.clone();
        let (orders, _) = self.day_orders(order, &token)?;
        Ok(unclaimed_match(&orders, order, claimed).map(remote_from))
    }

    fn order_status(
        &mut self,
        order: &Order,
        who: &Badge,
    ) -> Result<Option<RemoteOrder>, VendorError> {
        // An order without a Bessa id was never answered: the outbox's look-up settles it.
        let Some(id) = order.vendor_ref.as_deref() else {
            return Ok(None);
        };
        let token = self.token_for(who)?.clone();
        let (orders, day_listed) = self.day_orders(order, &token)?;
        if let Some(o) = orders.iter().find(|o| o.id.text() == id) {
            return Ok(Some(remote_from(o)));
        }
        // The kitchen's cancellations show only as an order gone from a day that is still on
        // the menu. A day no longer listed (past) says nothing.
        Ok(day_listed.then(|| RemoteOrder {
            vendor_ref: Some(id.to_string()),
            vendor_hash: order.vendor_hash.clone(),
            state: RemoteState::KitchenCancelled,
            raw_status: "missing".into(),
            reason: Some("Bessa no longer lists this order for its day".into()),
        }))
    }
}

/// `POST /auth/login/` with the web app's guest token: the employee's own token, for the
/// secrets file (`bessa.<venue>.<badge>`). For the admin `bessa-login` command.
pub fn login(
    http: &Http,
    settings: &BessaSettings,
    email: &str,
    password: &Secret,
) -> Result<Secret, VendorError> {
    let guest = settings.guest_token.as_ref().ok_or_else(|| {
        VendorError::Config("bessa-login needs the guest token (guest_token)".into())
    })?;
    let reply = http
        .post(
            http::join(&settings.base_url, "/auth/login/"),
            "POST /auth/login/",
        )
        .header("Accept", "application/json")
        .secret_header("Authorization", "Token ", guest)
        .header("X-Client-Version", &settings.client_version)
        .scrub(password)
        .json(&LoginBody {
            email,
            password: password.expose(),
        })
        .send()?;
    if !reply.is_success() {
        return Err(bessa_error(&reply, None));
    }
    let answer: LoginAnswer = reply.json()?;
    if answer.key.trim().is_empty() {
        return Err(VendorError::Auth(
            "POST /auth/login/: Bessa answered an empty key".into(),
        ));
    }
    Ok(Secret::new(answer.key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_code_maps_without_panic() {
        assert_eq!(map_state(5).0, RemoteState::Sent);
        assert_eq!(map_state(8).0, RemoteState::Confirmed);
        assert_eq!(map_state(9).0, RemoteState::Cancelled);
        assert_eq!(map_state(12).0, RemoteState::Rejected);
        for code in [-1, 0, 14, 99, i64::MAX] {
            assert_eq!(map_state(code).0, RemoteState::Unrecognised);
        }
    }

    #[test]
    fn serving_instant_has_milliseconds_and_z() {
        let t: jiff::Timestamp = "2026-02-13T10:00:00Z".parse().unwrap();
        assert_eq!(wire_instant(t), "2026-02-13T10:00:00.000Z");
    }

    #[test]
    fn drf_errors_become_messages() {
        let v = serde_json::json!({"non_field_errors": ["Too late"], "email": ["Invalid"], "detail": "Nope"});
        let mut m = drf_messages(&v);
        m.sort();
        assert_eq!(m, vec!["Nope", "Too late", "email: Invalid"]);
    }

    #[test]
    fn allergens_from_the_bracket_and_the_array() {
        let item: MenuItem = serde_json::from_value(serde_json::json!({
            "article": 1, "name": "M1", "description": " Schnitzel / schnitzel (ACG)",
            "price": "5.50", "available_amount": "0", "amount_tracking": true,
            "allergens": ["M", {"shortcut": "L"}, "zz"]
        }))
        .unwrap();
        let a = article_from(&item);
        assert_eq!(a.allergens, "ACGLM");
        assert_eq!(a.description, "Schnitzel / schnitzel (ACG)");
        assert_eq!(a.portions_left, Some(0));
        assert!(a.sold_out);
    }

    #[test]
    fn next_links_stay_on_our_host() {
        assert_eq!(
            rebase(
                "https://api.bessa.app/v1",
                "http://api.bessa.app/v1/user/orders?page=2"
            )
            .as_deref(),
            Some("https://api.bessa.app/v1/user/orders?page=2")
        );
        assert_eq!(
            rebase("https://api.bessa.app/v1", "https://evil.example/x"),
            None
        );
    }
}
