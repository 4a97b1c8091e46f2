//! The validated admin config: what the rest of the program reads. Parsing, line numbers and
//! error messages live in the sibling modules; nothing here can be invalid once loaded.

use crate::domain::CutoffRules;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for the built-in demo.
    pub path: Option<PathBuf>,
    pub kiosk: KioskSettings,
    pub http: HttpSettings,
    pub venues: Vec<Venue>,
    pub badges: Vec<Badge>,
    pub secrets: Secrets,
    /// `[peers]`: the order feed shared with the canteen's other screens.
    pub peers: Option<PeerSettings>,
    /// `[metrics]`: the Prometheus endpoint, off without the table.
    pub metrics: Option<MetricsSettings>,
    /// `[screen]`: when the screen dims and goes black, and how.
    pub screen: ScreenSettings,
}

/// `[screen]`: blanking after a quiet period (`domain::blanking` has the rule).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreenSettings {
    /// `blank = false` keeps the screen on for good.
    pub blank: bool,
    pub blanking: crate::domain::BlankPolicy,
    pub backlight: BacklightSetting,
}

/// `[screen] backlight`: what turns the screen dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BacklightSetting {
    /// The first of `/sys/class/backlight/*` that the kiosk may write; drawn black without.
    Auto,
    /// Never touch a backlight: the kiosk draws black.
    Drawn,
    /// This backlight directory (e.g. `/sys/class/backlight/10-0045`).
    Path(PathBuf),
}

impl Default for ScreenSettings {
    fn default() -> Self {
        ScreenSettings {
            blank: true,
            blanking: crate::domain::BlankPolicy {
                blank_after: Duration::from_secs(600),
                blank_after_outside_service: Duration::from_secs(120),
                service_hours: crate::domain::ServiceHours {
                    start: jiff::civil::time(7, 0, 0, 0),
                    end: jiff::civil::time(18, 0, 0, 0),
                },
                dim_for: Duration::from_secs(30),
            },
            backlight: BacklightSetting::Auto,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    De,
    En,
    PtBr,
}

impl Language {
    /// The language for a code of [`Language::code`]. Anything else is German, the kiosk's
    /// default language (the config refuses other codes before they get here).
    pub fn from_code(code: &str) -> Language {
        match code {
            "en" => Language::En,
            "pt-BR" => Language::PtBr,
            _ => Language::De,
        }
    }

    /// The code used by `@tr()` translations and the config: "de", "en", "pt-BR".
    pub fn code(self) -> &'static str {
        match self {
            Language::De => "de",
            Language::En => "en",
            Language::PtBr => "pt-BR",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The employee kiosk by the door.
    Employee,
    /// A permanent kitchen display.
    Kitchen,
}

/// How often menus are refreshed when `[kiosk] menu_refresh` is not set.
pub const DEFAULT_MENU_REFRESH: Duration = Duration::from_secs(1800);

/// Days of menus fetched when `days_ahead` is not set: this week and next from any day (a
/// Monday's next Friday is 11 days on), so the week view shows both weeks' menus.
pub const DEFAULT_DAYS_AHEAD: u32 = 14;

/// How long settled orders are kept when `[kiosk] retention_days` is not set.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

#[derive(Debug, Clone)]
pub struct KioskSettings {
    pub id: String,
    /// Shown on the idle screen, e.g. "Canteen Hall B".
    pub name: String,
    pub language: Language,
    pub data_dir: PathBuf,
    pub idle_logout: Duration,
    pub mode: Mode,
    /// How many days ahead (today included) menus are fetched and shown (the day menu's tabs
    /// show at most a working week of them).
    pub days_ahead: u32,
    /// How often menus are refreshed from the vendor.
    pub menu_refresh: Duration,
    /// Settled orders (with their lines, history and outbox rows) are deleted this many days
    /// after their day (`store::prune`).
    pub retention_days: u32,
    /// `fullscreen` and `pointer`: how the window takes the screen.
    pub display: DisplaySettings,
    /// `badge_reader`: the reader's own input device, read directly; `None`: the window's
    /// keys are the badge reader.
    pub badge_input: Option<BadgeInput>,
}

/// A badge reader read as an evdev device (`[kiosk] badge_reader`, `badge_reader_layout`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeInput {
    /// e.g. `/dev/input/by-id/usb-…-event-kbd`; it may be missing (unplugged) at any time.
    pub path: PathBuf,
    /// The keyboard layout the reader types for.
    pub layout: KeyboardLayout,
}

/// The keyboard layout a badge reader is set up for: the digits are the same keys on both;
/// letters and punctuation differ (German swaps Y and Z).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyboardLayout {
    Us,
    De,
}

impl KeyboardLayout {
    /// The config's word for it: "us", "de".
    pub fn code(self) -> &'static str {
        match self {
            KeyboardLayout::Us => "us",
            KeyboardLayout::De => "de",
        }
    }
}

/// How the kiosk window takes the screen (`[kiosk] fullscreen`, `pointer`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplaySettings {
    /// The window fills the screen (default); `--windowed` overrides it for development.
    pub fullscreen: bool,
    /// `None`: hidden when full screen (a touch kiosk), shown in a window.
    pub pointer: Option<Pointer>,
}

impl Default for DisplaySettings {
    fn default() -> Self {
        DisplaySettings {
            fullscreen: true,
            pointer: None,
        }
    }
}

impl DisplaySettings {
    /// Whether the pointer is hidden on a window that is (or is not) full screen.
    pub fn pointer_hidden(&self, fullscreen: bool) -> bool {
        match self.pointer {
            Some(p) => p == Pointer::Hidden,
            None => fullscreen,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pointer {
    Hidden,
    Shown,
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(15),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Venue {
    /// The config key (`[venues.<key>]`), used in the database and the CLI.
    pub key: String,
    pub name: String,
    /// ISO 4217 code shown on screen and sent where a vendor wants one ("EUR", "BRL").
    pub currency: String,
    pub rules: CutoffRules,
    pub vendor: VendorSettings,
    pub menu: MenuSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuSource {
    /// The vendor's menu API (Bessa, demo).
    Vendor,
    /// A menu file the admin provides (TOML or CSV), for vendors without a menu call.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub enum VendorSettings {
    /// The built-in simulated vendor of the demo.
    Demo,
    Bessa(BessaSettings),
    OrderMesa(OrderMesaSettings),
    Liefersoft(LiefersoftSettings),
}

impl VendorSettings {
    pub fn kind(&self) -> &'static str {
        match self {
            VendorSettings::Demo => "demo",
            VendorSettings::Bessa(_) => "bessa",
            VendorSettings::OrderMesa(_) => "order_mesa",
            VendorSettings::Liefersoft(_) => "liefersoft",
        }
    }
}

#[derive(Debug, Clone)]
pub struct BessaSettings {
    /// e.g. `https://api.bessa.app/v1` (no trailing slash).
    pub base_url: String,
    pub venue_id: u64,
    /// 7 = canteen.
    pub order_type: u32,
    /// The menu type in `/venues/{venue}/menu/{menu_type}/{date}/`; 7 = canteen.
    pub menu_type: u32,
    pub payment_method: String,
    /// Sent as `X-Client-Version`.
    pub client_version: String,
    /// The venue's token (used for menus, and for orders of employees without their own).
    pub token: Option<Secret>,
    /// The web app's guest token used for `POST /auth/login/` by `bessa-login`.
    pub guest_token: Option<Secret>,
    /// Employee number n → login email, `{n}` replaced: "knapp-{n}@bessa.app".
    pub email_pattern: String,
}

#[derive(Debug, Clone)]
pub struct OrderMesaSettings {
    pub base_url: String,
    pub integration_hub_service_id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    /// Default `/order/newOrder`.
    pub new_order_path: String,
    /// Default `/order/cancelledItems` (an open point of the vendor document).
    pub cancelled_items_path: String,
    /// The header that carries the credential (an open point); default `x-api-key`.
    pub auth_header: String,
    pub credential: Secret,
    /// How Get Cancelled Items finds our orders: `ORDER_ID` (default: exact, by the kiosk's
    /// order ids) or `TABLE` (all kiosk orders share the configured table). `CARD` orders are
    /// not documented by the vendor and are refused by the config check.
    pub order_key_type: String,
    pub table_number: String,
    pub waiter_code: String,
    /// Payment method fields of `payments.methods[0]`.
    pub payment_type: String,
    pub payment_method: String,
    pub payment_method_info: String,
    /// How often Get Cancelled Items is polled, and its 202/208 → 226 retry bounds.
    pub cancelled_poll_tries: u32,
    pub cancelled_poll_delay: Duration,
}

#[derive(Debug, Clone)]
pub struct LiefersoftSettings {
    pub base_url: String,
    pub company_id: String,
    pub restaurant_id: String,
    pub login: String,
    pub password: Secret,
    /// COUNTER | PICKUP | DELIVERY | RESTAURANT.
    pub order_type: String,
    /// CASH | MEAL_VOUCHER | ONLINE | CREDIT_CARD_AT_DOORSTEP | EC_AT_DOORSTEP.
    pub payment_method: String,
    /// MAIN_DISH etc. for menu items.
    pub item_type: String,
    pub webhook: Option<WebhookSettings>,
}

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Where the kiosk listens, e.g. `0.0.0.0:8443` (behind a TLS-terminating proxy).
    pub listen: String,
    /// The public https URL registered at Liefersoft.
    pub public_url: String,
    pub secret: Secret,
}

/// `[peers]`: this kiosk's order feed for the other screens of its canteen, and the kiosks
/// whose feeds it reads.
#[derive(Debug, Clone)]
pub struct PeerSettings {
    /// Where this kiosk serves its feed, e.g. `0.0.0.0:8470`; none: it serves none.
    pub listen: Option<String>,
    /// The kiosks whose feeds this one reads, e.g. `http://door-kiosk:8470`.
    pub from: Vec<String>,
    /// The canteen's shared token: asked of every request, sent with every read.
    pub token: Secret,
}

/// Where the kiosk serves its Prometheus metrics.
#[derive(Debug, Clone)]
pub struct MetricsSettings {
    /// e.g. `0.0.0.0:9470`; may be the address of a webhook receiver (another path).
    pub listen: String,
    /// Default `/metrics`.
    pub path: String,
    /// When set, a scrape must send `Authorization: Bearer <token>`.
    pub token: Option<Secret>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Employee,
    Kitchen,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Kitchen => "kitchen",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    /// The digits the reader types.
    pub number: String,
    pub name: String,
    pub email: Option<String>,
    pub employee_number: Option<String>,
    pub role: Role,
}

impl Badge {
    /// "Michael Kaufmann" → ("Michael", "Kaufmann").
    pub fn first_last(&self) -> (&str, &str) {
        match self.name.trim().rsplit_once(' ') {
            Some((first, last)) => (first.trim(), last.trim()),
            None => (self.name.trim(), ""),
        }
    }
}

/// A secret value (token, password, webhook secret). Its Debug and Display never show it, so
/// it cannot reach a log line or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    /// The value, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The secrets file (TOML, `key = "value"`, mode 0600), loaded with the config. Per-employee
/// Bessa tokens live here under `bessa.<venue key>.<badge number>`.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    pub path: Option<PathBuf>,
    pub values: BTreeMap<String, Secret>,
}

impl Secrets {
    pub fn get(&self, key: &str) -> Option<&Secret> {
        self.values.get(key)
    }

    /// The key of an employee's own Bessa token.
    pub fn bessa_employee_key(venue: &str, badge: &str) -> String {
        format!("bessa.{venue}.{badge}")
    }
}

impl Config {
    pub fn venue(&self, key: &str) -> Option<&Venue> {
        self.venues.iter().find(|v| v.key == key)
    }

    /// The earliest date any venue has at `at`, a day less: yesterday wherever a venue is,
    /// for data of a venue or peer whose zone is not known (UTC without venues).
    pub fn day_before_any_venue(&self, at: jiff::Timestamp) -> Option<jiff::civil::Date> {
        self.venues
            .iter()
            .map(|v| v.rules.local_date(at))
            .min()
            .unwrap_or_else(|| at.to_zoned(jiff::tz::TimeZone::UTC).date())
            .yesterday()
            .ok()
    }

    pub fn badge(&self, number: &str) -> Option<&Badge> {
        self.badges.iter().find(|b| b.number == number)
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn language_codes_round_trip_and_unknown_codes_are_german() {
        for lang in [Language::De, Language::En, Language::PtBr] {
            assert_eq!(Language::from_code(lang.code()), lang);
        }
        assert_eq!(Language::from_code("fr"), Language::De);
        assert_eq!(Language::from_code("pt"), Language::De);
        assert_eq!(Language::from_code(""), Language::De);
    }
}
