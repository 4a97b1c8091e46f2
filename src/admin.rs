//! Admin commands that talk to a vendor directly: the one-time Bessa login and the
//! Liefersoft webhook registration. They print what they did, never a secret.

use crate::cli::{EXIT_FAILED, EXIT_REFUSED, WebhookAction};
use crate::config::{Config, Secret, Secrets, VendorSettings};
use crate::domain::SystemClock;
use crate::vendors::http::Http;
use crate::vendors::{bessa, liefersoft};
use std::io::BufRead;
use std::sync::Arc;

/// `bessa-login`: performs the documented login for one employee and stores the key under
/// `bessa.<venue>.<badge>` in the secrets file (mode 0600). The password comes from `input`.
pub fn bessa_login(
    config: &Config,
    venue_key: &str,
    badge_no: &str,
    input: &mut dyn BufRead,
) -> Result<u8, String> {
    let venue = config
        .venue(venue_key)
        .ok_or_else(|| format!("no venue {venue_key:?} in the config"))?;
    let VendorSettings::Bessa(settings) = &venue.vendor else {
        return Err(format!("venue {venue_key:?} is not a Bessa venue"));
    };
    let badge = config
        .badge(badge_no)
        .ok_or_else(|| format!("badge {badge_no} is not in the roster"))?;
    let email = bessa::badge_email(badge, &settings.email_pattern).map_err(|e| e.to_string())?;
    let secrets_path = config
        .secrets
        .path
        .clone()
        .ok_or("the config names no secrets_file to store the token in")?;
    eprintln!("Bessa password for {email} (read from standard input, not stored):");
    let mut password = String::new();
    input
        .read_line(&mut password)
        .map_err(|e| format!("reading the password: {e}"))?;
    let password = Secret::new(password.trim_end_matches(['\r', '\n']));
    let http = Http::new(&config.http);
    match bessa::login(&http, settings, &email, &password) {
        Ok(key) => {
            let name = Secrets::bessa_employee_key(venue_key, badge_no);
            crate::config::write_secret(&secrets_path, &name, key.expose())
                .map_err(|e| format!("{}: {e}", secrets_path.display()))?;
            log::info!("bessa-login: stored the token of badge {badge_no} as {name}");
            println!(
                "stored the Bessa token of {} as {name} in {}",
                badge.name,
                secrets_path.display()
            );
            Ok(0)
        }
        Err(e) => {
            eprintln!("canteen-kiosk: Bessa login for {email} failed: {e}");
            Ok(EXIT_REFUSED)
        }
    }
}

/// `webhooks --venue V list|register|delete ID` for a Liefersoft venue.
pub fn webhooks(config: &Config, venue_key: &str, action: &WebhookAction) -> Result<u8, String> {
    let venue = config
        .venue(venue_key)
        .ok_or_else(|| format!("no venue {venue_key:?} in the config"))?;
    let VendorSettings::Liefersoft(settings) = &venue.vendor else {
        return Err(format!("venue {venue_key:?} is not a Liefersoft venue"));
    };
    let mut client = liefersoft::LiefersoftVendor::new(
        Http::new(&config.http),
        venue,
        settings.clone(),
        Arc::new(SystemClock::new()),
    );
    let result = match action {
        WebhookAction::List => client.list_webhooks().map(|hooks| {
            for h in hooks {
                println!("{}  {}", h.id, h.url);
            }
        }),
        WebhookAction::Register => {
            let Some(w) = &settings.webhook else {
                return Err(format!(
                    "venue {venue_key:?} has no [venues.{venue_key}.webhook] section"
                ));
            };
            client
                .register_webhook(w)
                .map(|h| println!("registered {}  {}", h.id, h.url))
        }
        WebhookAction::Delete { id } => {
            client.delete_webhook(id).map(|()| println!("deleted {id}"))
        }
    };
    match result {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("canteen-kiosk: webhooks: {e}");
            Ok(if e.is_transient() {
                EXIT_FAILED
            } else {
                EXIT_REFUSED
            })
        }
    }
}
