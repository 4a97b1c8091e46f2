//! The one error type of the command line and the exit codes it stands for: 0 done; 1 refused
//! (a config with problems, an order or cancel the rules refuse, an unknown badge); 2 wrong
//! usage (clap reports it before a command runs); 3 could not run (database, files, network).
//! The library says what went wrong; only this file turns it into an exit code.

use canteen_kiosk::admin::AdminError;
use canteen_kiosk::app::WindowError;
use canteen_kiosk::kiosk::KioskError;
use std::fmt::Display;
use std::process::ExitCode;

pub const EXIT_REFUSED: u8 = 1;
pub const EXIT_FAILED: u8 = 3;

pub type CliResult = Result<(), CliError>;

/// An exit code and the line that explains it (none when the command printed it already).
#[derive(Debug)]
pub struct CliError {
    code: u8,
    message: Option<String>,
}

impl CliError {
    /// The rules or the admin said no: exit 1, "refused: …".
    pub fn refused(why: impl Display) -> CliError {
        CliError::new(EXIT_REFUSED, format!("refused: {why}"))
    }

    /// Something needed could not be used (database, files, network): exit 3.
    pub fn failed(why: impl Display) -> CliError {
        CliError::new(EXIT_FAILED, why)
    }

    /// An exit code whose explanation the command has printed itself.
    pub fn quiet(code: u8) -> CliError {
        CliError {
            code,
            message: None,
        }
    }

    fn new(code: u8, message: impl Display) -> CliError {
        CliError {
            code,
            message: Some(message.to_string()),
        }
    }

    /// Prints the explanation to standard error and gives the exit code.
    pub fn report(self) -> ExitCode {
        if let Some(message) = &self.message {
            eprintln!("canteen-kiosk: {message}");
        }
        ExitCode::from(self.code)
    }
}

/// A refusal of the kiosk rules is exit 1; a database failure under them is exit 3.
pub fn kiosk_refusal(e: KioskError) -> CliError {
    match e {
        KioskError::Store(e) => CliError::failed(e),
        e => CliError::refused(e),
    }
}

impl From<AdminError> for CliError {
    fn from(e: AdminError) -> CliError {
        let code = match &e {
            AdminError::LoginRefused { .. } => EXIT_REFUSED,
            AdminError::Webhook(v) if !v.is_transient() => EXIT_REFUSED,
            _ => EXIT_FAILED,
        };
        CliError::new(code, e)
    }
}

impl From<WindowError> for CliError {
    fn from(e: WindowError) -> CliError {
        let code = match &e {
            WindowError::Config(_) => EXIT_REFUSED,
            WindowError::Start(_) | WindowError::StartPanicked | WindowError::Window(_) => {
                EXIT_FAILED
            }
        };
        CliError::new(code, e)
    }
}
