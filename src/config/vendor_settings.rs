//! The vendor-specific keys of a venue, with the defaults the vendor documents (or that this
//! project chose where a document is silent; see the README, "Configuration").

use super::checks;
use super::model::{BessaSettings, LiefersoftSettings, OrderMesaSettings, Secret, WebhookSettings};
use super::reader::Section;
use super::report::Problems;
use super::secrets::{SecretSource, credential};
use std::net::SocketAddr;
use std::time::Duration;

const BESSA: &str = "bessa";
const MESA: &str = "order_mesa";
const LIEFERSOFT: &str = "liefersoft";

pub(crate) const BESSA_URL: &str = "https://api.bessa.app/v1";
pub(crate) const BESSA_CLIENT_VERSION: &str = "1.7.0_prod/2026-01-26";
pub(crate) const LIEFERSOFT_URL: &str = "https://api.liefersoft.de";

/// Which vendors each vendor-specific key belongs to.
const VENDOR_KEYS: [(&str, &[&str]); 30] = [
    ("base_url", &[BESSA, MESA, LIEFERSOFT]),
    ("payment_method", &[BESSA, MESA, LIEFERSOFT]),
    ("order_type", &[BESSA, LIEFERSOFT]),
    ("venue_id", &[BESSA]),
    ("menu_type", &[BESSA]),
    ("client_version", &[BESSA]),
    ("token", &[BESSA]),
    ("guest_token", &[BESSA]),
    ("email_pattern", &[BESSA]),
    ("integration_hub_service_id", &[MESA]),
    ("merchant_id", &[MESA]),
    ("merchant_name", &[MESA]),
    ("new_order_path", &[MESA]),
    ("cancelled_items_path", &[MESA]),
    ("auth_header", &[MESA]),
    ("credential", &[MESA]),
    ("order_key_type", &[MESA]),
    ("table_number", &[MESA]),
    ("waiter_code", &[MESA]),
    ("payment_type", &[MESA]),
    ("payment_method_info", &[MESA]),
    ("cancelled_poll_tries", &[MESA]),
    ("cancelled_poll_delay", &[MESA]),
    ("company_id", &[LIEFERSOFT]),
    ("restaurant_id", &[LIEFERSOFT]),
    ("login", &[LIEFERSOFT]),
    ("password", &[LIEFERSOFT]),
    ("item_type", &[LIEFERSOFT]),
    ("webhook", &[LIEFERSOFT]),
    ("menu_file", &[MESA, LIEFERSOFT]),
];

/// Reports keys that belong to another vendor ("venue_id" on a Liefersoft venue). With an
/// unknown vendor they are only marked, to keep the report about the real mistake.
pub(crate) fn wrong_vendor_keys(s: &mut Section, p: &mut Problems, vendor: Option<&str>) {
    for (key, vendors) in VENDOR_KEYS {
        if !s.has(key) {
            continue;
        }
        match vendor {
            Some(v) if !vendors.contains(&v) => {
                s.mark(key);
                let msg = format!(
                    "is a setting of {} venues, not of a \"{v}\" venue; remove it",
                    vendors.join(" and ")
                );
                p.at(s.key_span(key), &s.key(key), msg);
            }
            None => s.mark(key),
            Some(_) => {}
        }
    }
}

pub(crate) fn bessa(s: &mut Section, p: &mut Problems, src: &SecretSource) -> BessaSettings {
    BessaSettings {
        base_url: url(s, p, "base_url", Some(BESSA_URL)),
        venue_id: required_int(s, p, "venue_id", 1..=i64::MAX, "591") as u64,
        order_type: s.int(p, "order_type", 0..=9999).unwrap_or(7) as u32,
        menu_type: s.int(p, "menu_type", 0..=9999).unwrap_or(7) as u32,
        payment_method: nonempty(s, p, "payment_method", "payroll"),
        client_version: nonempty(s, p, "client_version", BESSA_CLIENT_VERSION),
        token: credential(s, p, src, "token", false),
        guest_token: credential(s, p, src, "guest_token", false),
        email_pattern: checked(s, p, "email_pattern", "knapp-{n}@bessa.app", email_pattern),
    }
}

fn email_pattern(text: &str) -> Result<String, String> {
    if text.contains("{n}") && checks::email(&text.replace("{n}", "1")).is_ok() {
        Ok(text.to_string())
    } else {
        Err(format!(
            "must be an e-mail address with {{n}} for the employee number, like \"knapp-{{n}}@bessa.app\", not \"{text}\""
        ))
    }
}

pub(crate) fn order_mesa(
    s: &mut Section,
    p: &mut Problems,
    src: &SecretSource,
) -> OrderMesaSettings {
    let guid_example = "\"3fea8768-bbd9-454b-9e7b-40841e9a6812\"";
    OrderMesaSettings {
        base_url: url(s, p, "base_url", None),
        integration_hub_service_id: required_checked(
            s,
            p,
            "integration_hub_service_id",
            guid_example,
            checks::guid,
        ),
        merchant_id: required(
            s,
            p,
            "merchant_id",
            "\"c312d2ff-1a8f-40ad-8eed-9ae9a908df6e\"",
        ),
        merchant_name: required(s, p, "merchant_name", "\"BOTECO DO ALBINO\""),
        new_order_path: checked(s, p, "new_order_path", "/order/newOrder", checks::url_path),
        cancelled_items_path: checked(
            s,
            p,
            "cancelled_items_path",
            "/order/cancelledItems",
            checks::url_path,
        ),
        auth_header: checked(s, p, "auth_header", "x-api-key", header_name),
        credential: credential(s, p, src, "credential", true).unwrap_or_else(|| Secret::new("")),
        order_key_type: word(s, p, "order_key_type", &["ORDER_ID", "TABLE"]),
        table_number: required(s, p, "table_number", "\"8\""),
        waiter_code: s.text(p, "waiter_code", ""),
        payment_type: nonempty(s, p, "payment_type", "PREPAID"),
        payment_method: required(s, p, "payment_method", "\"credit\""),
        payment_method_info: s.text(p, "payment_method_info", ""),
        cancelled_poll_tries: s.int(p, "cancelled_poll_tries", 1..=100).unwrap_or(10) as u32,
        cancelled_poll_delay: s
            .duration(
                p,
                "cancelled_poll_delay",
                Duration::from_secs(1)..=Duration::from_secs(600),
            )
            .unwrap_or(Duration::from_secs(3)),
    }
}

fn header_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "must be an HTTP header name like \"x-api-key\", not \"{text}\""
        ))
    }
}

pub(crate) fn liefersoft(
    s: &mut Section,
    p: &mut Problems,
    src: &SecretSource,
) -> LiefersoftSettings {
    LiefersoftSettings {
        base_url: url(s, p, "base_url", Some(LIEFERSOFT_URL)),
        company_id: required(s, p, "company_id", "\"4711\""),
        restaurant_id: required(s, p, "restaurant_id", "\"0815\""),
        login: required(s, p, "login", "\"kiosk-hall-b\""),
        password: credential(s, p, src, "password", true).unwrap_or_else(|| Secret::new("")),
        order_type: word(
            s,
            p,
            "order_type",
            &["PICKUP", "COUNTER", "DELIVERY", "RESTAURANT"],
        ),
        payment_method: word(
            s,
            p,
            "payment_method",
            &[
                "MEAL_VOUCHER",
                "CASH",
                "ONLINE",
                "CREDIT_CARD_AT_DOORSTEP",
                "EC_AT_DOORSTEP",
            ],
        ),
        item_type: word(
            s,
            p,
            "item_type",
            &["MAIN_DISH", "TOPPING", "BEVERAGE", "BOTTLE_DEPOSIT", "MENU"],
        ),
        webhook: webhook(s, p, src),
    }
}

fn webhook(s: &mut Section, p: &mut Problems, src: &SecretSource) -> Option<WebhookSettings> {
    let mut w = s.table(p, "webhook")?;
    let listen = required(&mut w, p, "listen", "\"0.0.0.0:8443\"");
    if !listen.is_empty() && listen.parse::<SocketAddr>().is_err() {
        let msg = format!("must be an address and port like \"0.0.0.0:8443\", not \"{listen}\"");
        p.at(w.key_span("listen"), &w.key("listen"), msg);
    }
    let public_url = required_checked(
        &mut w,
        p,
        "public_url",
        "\"https://kiosk.example.com/liefersoft\"",
        checks::webhook_url,
    );
    let secret = credential(&mut w, p, src, "secret", true);
    if let Some(secret) = &secret
        && !(16..=1024).contains(&secret.expose().chars().count())
    {
        let msg =
            "must be 16 to 1024 characters long (a Liefersoft rule); the referenced value is not";
        p.at(w.key_span("secret"), &w.key("secret"), msg);
    }
    w.finish(p);
    Some(WebhookSettings {
        listen,
        public_url,
        secret: secret.unwrap_or_else(|| Secret::new("")),
    })
}

fn url(s: &mut Section, p: &mut Problems, key: &'static str, default: Option<&str>) -> String {
    let value = match default {
        Some(d) if !s.has(key) => {
            s.mark(key);
            return d.to_string();
        }
        _ => s.req_string(p, key, "\"https://…\""),
    };
    let Some(value) = value else {
        return String::new();
    };
    checks::base_url(value.get_ref()).unwrap_or_else(|msg| {
        p.at(Some(value.span()), &s.key(key), msg);
        String::new()
    })
}

fn required(s: &mut Section, p: &mut Problems, key: &'static str, example: &str) -> String {
    s.req_string(p, key, example)
        .map(|v| v.into_inner())
        .unwrap_or_default()
}

/// An optional string with a default, checked by `check`.
pub(crate) fn checked(
    s: &mut Section,
    p: &mut Problems,
    key: &'static str,
    default: &str,
    check: fn(&str) -> Result<String, String>,
) -> String {
    let Some(v) = s.string(p, key) else {
        return default.to_string();
    };
    check(v.get_ref()).unwrap_or_else(|msg| {
        p.at(Some(v.span()), &s.key(key), msg);
        default.to_string()
    })
}

fn required_checked(
    s: &mut Section,
    p: &mut Problems,
    key: &'static str,
    example: &str,
    check: fn(&str) -> Result<String, String>,
) -> String {
    let Some(v) = s.req_string(p, key, example) else {
        return String::new();
    };
    check(v.get_ref()).unwrap_or_else(|msg| {
        p.at(Some(v.span()), &s.key(key), msg);
        String::new()
    })
}

fn required_int(
    s: &mut Section,
    p: &mut Problems,
    key: &'static str,
    range: std::ops::RangeInclusive<i64>,
    example: &str,
) -> i64 {
    if !s.has(key) {
        s.mark(key);
        s.missing(p, key, example);
        return 0;
    }
    s.int(p, key, range).unwrap_or(0)
}

fn nonempty(s: &mut Section, p: &mut Problems, key: &'static str, default: &str) -> String {
    if !s.has(key) {
        s.mark(key);
        return default.to_string();
    }
    let example = format!("\"{default}\"");
    required(s, p, key, &example)
}

/// One of a vendor's fixed words; the first is the default.
fn word(s: &mut Section, p: &mut Problems, key: &'static str, options: &[&str]) -> String {
    s.choice(p, key, options)
        .map(|v| v.into_inner())
        .unwrap_or_else(|| options[0].to_string())
}
