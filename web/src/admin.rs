//! Making the first administrator: `metrics-hub make-admin EMAIL` promotes a registered user.
//!
//! Registration never grants `admin` (anyone who can reach the hub may register), so a fresh
//! deployment needs an operator with access to the hub's settings to name one; from then on
//! that administrator manages prices and sees every user's data.

use persistence::postgres::models::{Role, User};
use persistence::postgres::queries::users;
use persistence::{PersistenceError, PgPool};

use crate::routes::accounts::normalise_email;

/// Why a user could not be promoted.
#[derive(Debug, thiserror::Error)]
pub enum MakeAdminError {
    #[error(
        "no user is registered as {0}: register first (POST /api/v1/users), then run this again"
    )]
    NotRegistered(String),
    #[error("could not reach the database")]
    Storage(#[from] PersistenceError),
}

/// Gives the user registered as `email` (any case, surrounding spaces ignored) the admin role;
/// promoting an administrator again changes nothing.
pub async fn make_admin(pool: &PgPool, email: &str) -> Result<User, MakeAdminError> {
    let email = normalise_email(email);
    let mut conn = pool.get().await.map_err(PersistenceError::from)?;
    users::set_role(&mut conn, &email, Role::Admin.as_str())
        .await
        .map_err(PersistenceError::from)?
        .ok_or(MakeAdminError::NotRegistered(email))
}
