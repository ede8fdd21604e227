//! Naming administrators from the command line: `metrics-hub admin create` registers the first
//! administrator, `metrics-hub admin promote EMAIL` gives a registered user the role.
//!
//! Registration never grants `admin` (anyone who can reach the hub may register), so a fresh
//! deployment needs an operator with access to the hub's settings to name one; from then on
//! that administrator manages users, prices and storage from the API or the `/admin` page.

use persistence::postgres::models::{NewUser, Role, User};
use persistence::postgres::queries::users;
use persistence::{PersistenceError, PgPool};

use crate::error::ApiError;
use crate::routes::accounts::{check_registration, normalise_email};

/// Why an administrator could not be named.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(
        "no user is registered as {0}: register first (POST /api/v1/users) or create the \
         administrator with `metrics-hub admin create --email {0}`"
    )]
    NotRegistered(String),
    #[error(
        "{0} is already registered: make that user an administrator with \
         `metrics-hub admin promote {0}`"
    )]
    AlreadyRegistered(String),
    /// The email, name or password breaks the registration rules.
    #[error("{0}")]
    Invalid(String),
    #[error("could not hash the password")]
    Hashing(#[source] ApiError),
    #[error("could not reach the database")]
    Storage(#[from] PersistenceError),
}

/// Gives the user registered as `email` (any case, surrounding spaces ignored) the admin role;
/// promoting an administrator again changes nothing.
pub async fn promote(pool: &PgPool, email: &str) -> Result<User, AdminError> {
    let email = normalise_email(email);
    let mut conn = pool.get().await.map_err(PersistenceError::from)?;
    users::set_role(&mut conn, &email, Role::Admin.as_str())
        .await
        .map_err(PersistenceError::from)?
        .ok_or(AdminError::NotRegistered(email))
}

/// Registers a new user as an administrator, under the rules of `POST /users` (email, name,
/// password); an email already registered is refused (promote that user instead).
pub async fn create(
    pool: &PgPool,
    email: &str,
    name: Option<&str>,
    password: String,
) -> Result<User, AdminError> {
    let email = normalise_email(email);
    let name = name.map(str::trim);
    check_registration(name, &email, &password).map_err(|e| AdminError::Invalid(invalid(&e)))?;
    let password_hash = crate::auth::password::hash(password)
        .await
        .map_err(AdminError::Hashing)?;
    let mut conn = pool.get().await.map_err(PersistenceError::from)?;
    let new = NewUser {
        email: &email,
        password_hash: &password_hash,
        role: Role::Admin.as_str(),
        name,
    };
    users::insert(&mut conn, &new).await.map_err(|e| {
        let e = PersistenceError::from(e);
        if e.is_unique_violation() {
            AdminError::AlreadyRegistered(email.clone())
        } else {
            AdminError::Storage(e)
        }
    })
}

/// A registration refusal in words: each bad field and what is wrong with it.
fn invalid(error: &ApiError) -> String {
    match error {
        ApiError::Validation(errors) => errors
            .errors()
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
