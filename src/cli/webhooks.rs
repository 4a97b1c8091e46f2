//! `webhooks --venue V list|register|delete ID`: the Liefersoft webhook of a venue.

use super::error::CliResult;
use canteen_kiosk::admin::{self, WebhookAction};
use canteen_kiosk::config::Config;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long)]
    venue: String,
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand, Debug)]
enum Action {
    List,
    /// Registers the venue's `[venues.X.webhook]` public URL and secret.
    Register,
    Delete {
        id: String,
    },
}

pub fn exec(config: Config, args: &Args) -> CliResult {
    let action = match &args.action {
        Action::List => WebhookAction::List,
        Action::Register => WebhookAction::Register,
        Action::Delete { id } => WebhookAction::Delete(id.clone()),
    };
    admin::webhooks(&config, &args.venue, &action)?;
    Ok(())
}
