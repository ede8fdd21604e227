//! `metrics-hub admin create --email E [--name N] [--password-stdin]` and
//! `metrics-hub admin promote EMAIL`.
//!
//! The password is never an argument (it would show in `ps` and shell history): on a terminal
//! it is asked for twice without echo (`rpassword`); otherwise, or with `--password-stdin`, it is
//! the first line of standard input.

use std::io::{BufRead, IsTerminal};

use clap::Subcommand;
use persistence::PgPool;

use crate::admin::{self, AdminError};

/// What `metrics-hub admin` can do.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Register a new user as an administrator (the first one of a fresh hub). The password is
    /// prompted for on a terminal, else read from the first line of standard input.
    Create {
        /// The administrator's email address.
        #[arg(long)]
        email: String,
        /// How the administrator is addressed (optional, shown in the nav).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input, even on a terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a registered user the admin role.
    Promote {
        /// The user's email, as registered.
        email: String,
    },
}

/// Why the command failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminCliError {
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error("could not read the password: {0}")]
    Password(#[from] std::io::Error),
    #[error("the two passwords differ; nothing was created")]
    Mismatch,
    #[error("no password given: standard input was empty")]
    NoPassword,
}

/// Runs `command` against the hub's database; returns what to print on success.
pub async fn run(pool: &PgPool, command: AdminCommand) -> Result<String, AdminCliError> {
    match command {
        AdminCommand::Create {
            email,
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let user = admin::create(pool, &email, name.as_deref(), password).await?;
            tracing::info!(user_id = user.id, email = %user.email, "administrator created");
            Ok(format!(
                "created administrator {} (user {}); log in with that email and password",
                user.email, user.id
            ))
        }
        AdminCommand::Promote { email } => {
            let user = admin::promote(pool, &email).await?;
            tracing::info!(user_id = user.id, email = %user.email, "user is now an administrator");
            Ok(format!("{} is now an administrator", user.email))
        }
    }
}

/// The password: prompted twice on a terminal, else the first line of standard input (its
/// line ending removed, nothing else: spaces are part of a password).
fn read_password(from_stdin: bool) -> Result<String, AdminCliError> {
    let stdin = std::io::stdin();
    if !from_stdin && stdin.is_terminal() {
        let first = rpassword::prompt_password("Password for the new administrator: ")?;
        let second = rpassword::prompt_password("The same password again: ")?;
        return if first == second {
            Ok(first)
        } else {
            Err(AdminCliError::Mismatch)
        };
    }
    let mut line = String::new();
    if stdin.lock().read_line(&mut line)? == 0 {
        return Err(AdminCliError::NoPassword);
    }
    let line = line.strip_suffix('\n').unwrap_or(&line);
    Ok(line.strip_suffix('\r').unwrap_or(line).to_owned())
}
