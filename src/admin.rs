//! Admin commands that talk to a vendor directly: the one-time Bessa login and the
//! Liefersoft webhook registration. They print what they did, never a secret. What went wrong
//! comes back as an [`AdminError`]; the command line decides what exit code it is.

use crate::config::{Config, Secret, Secrets, VendorSettings};
use crate::domain::SystemClock;
use crate::vendors::http::Http;
use crate::vendors::{VendorError, bessa, liefersoft};
use std::fmt;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Arc;

/// Why an admin command did not do its job.
#[derive(Debug)]
pub enum AdminError {
    /// The config has no venue of that key.
    NoVenue(String),
    /// The venue is served by another vendor than the command talks to.
    WrongVendor {
        venue: String,
        vendor: &'static str,
    },
    NotInRoster(String),
    /// The badge has no e-mail and the venue's pattern cannot make one.
    NoEmail(VendorError),
    NoSecretsFile,
    ReadPassword(std::io::Error),
    WriteSecret {
        path: PathBuf,
        error: std::io::Error,
    },
    NoWebhookSection(String),
    /// Bessa answered the login, and not with a key (wrong password, unknown e-mail, …).
    LoginRefused {
        email: String,
        error: VendorError,
    },
    /// The Liefersoft webhook call failed; [`VendorError::is_transient`] says whether trying
    /// again later may help.
    Webhook(VendorError),
}

impl fmt::Display for AdminError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminError::NoVenue(v) => write!(f, "no venue {v:?} in the config"),
            AdminError::WrongVendor { venue, vendor } => {
                write!(f, "venue {venue:?} is not a {vendor} venue")
            }
            AdminError::NotInRoster(b) => write!(
                f,
                "badge {} is not in the roster",
                crate::domain::masked_badge(b)
            ),
            AdminError::NoEmail(e) => write!(f, "{e}"),
            AdminError::NoSecretsFile => {
                f.write_str("the config names no secrets_file to store the token in")
            }
            AdminError::ReadPassword(e) => write!(f, "reading the password: {e}"),
            AdminError::WriteSecret { path, error } => write!(f, "{}: {error}", path.display()),
            AdminError::NoWebhookSection(v) => {
                write!(f, "venue {v:?} has no [venues.{v}.webhook] section")
            }
            AdminError::LoginRefused { email, error } => {
                write!(f, "Bessa login for {email} failed: {error}")
            }
            AdminError::Webhook(e) => write!(f, "webhooks: {e}"),
        }
    }
}

impl std::error::Error for AdminError {}

/// `bessa-login`: performs the documented login for one employee and stores the key under
/// `bessa.<venue>.<badge>` in the secrets file (mode 0600). The password comes from `input`.
pub fn bessa_login(
    config: &Config,
    venue_key: &str,
    badge_no: &str,
    input: &mut dyn BufRead,
) -> Result<(), AdminError> {
    let venue = config
        .venue(venue_key)
        .ok_or_else(|| AdminError::NoVenue(venue_key.into()))?;
    let VendorSettings::Bessa(settings) = &venue.vendor else {
        return Err(AdminError::WrongVendor {
            venue: venue_key.into(),
            vendor: "Bessa",
        });
    };
    let badge = config
        .badge(badge_no)
        .ok_or_else(|| AdminError::NotInRoster(badge_no.into()))?;
    let email = bessa::badge_email(badge, &settings.email_pattern).map_err(AdminError::NoEmail)?;
    let secrets_path = config
        .secrets
        .path
        .clone()
        .ok_or(AdminError::NoSecretsFile)?;
    eprintln!("Bessa password for {email} (read from standard input, not stored):");
    let mut password = String::new();
    input
        .read_line(&mut password)
        .map_err(AdminError::ReadPassword)?;
    let password = Secret::new(password.trim_end_matches(['\r', '\n']));
    let http = Http::new(&config.http);
    let key = bessa::login(&http, settings, &email, &password)
        .map_err(|error| AdminError::LoginRefused { email, error })?;
    let name = Secrets::bessa_employee_key(venue_key, badge_no);
    crate::config::write_secret(&secrets_path, &name, key.expose()).map_err(|error| {
        AdminError::WriteSecret {
            path: secrets_path.clone(),
            error,
        }
    })?;
    log::info!(
        "bessa-login: stored the Bessa token of badge {}",
        crate::domain::masked_badge(badge_no)
    );
    println!(
        "stored the Bessa token of {} as {name} in {}",
        badge.name,
        secrets_path.display()
    );
    Ok(())
}

/// What `webhooks` does with a Liefersoft venue's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookAction {
    List,
    /// Registers the venue's `[venues.X.webhook]` public URL and secret.
    Register,
    Delete(String),
}

/// `webhooks --venue V list|register|delete ID` for a Liefersoft venue.
pub fn webhooks(
    config: &Config,
    venue_key: &str,
    action: &WebhookAction,
) -> Result<(), AdminError> {
    let venue = config
        .venue(venue_key)
        .ok_or_else(|| AdminError::NoVenue(venue_key.into()))?;
    let VendorSettings::Liefersoft(settings) = &venue.vendor else {
        return Err(AdminError::WrongVendor {
            venue: venue_key.into(),
            vendor: "Liefersoft",
        });
    };
    let mut client = liefersoft::LiefersoftVendor::new(
        Http::new(&config.http),
        venue,
        settings.clone(),
        Arc::new(SystemClock::new()),
    );
    match action {
        WebhookAction::List => client.list_webhooks().map(|hooks| {
            for h in hooks {
                println!("{}  {}", h.id, h.url);
            }
        }),
        WebhookAction::Register => {
            let Some(w) = &settings.webhook else {
                return Err(AdminError::NoWebhookSection(venue_key.into()));
            };
            client
                .register_webhook(w)
                .map(|h| println!("registered {}  {}", h.id, h.url))
        }
        WebhookAction::Delete(id) => client.delete_webhook(id).map(|()| println!("deleted {id}")),
    }
    .map_err(AdminError::Webhook)
}
