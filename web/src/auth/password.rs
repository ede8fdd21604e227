//! Argon2id password hashing, run on actix's blocking thread pool so a slow hash never stalls
//! the event loop.

use std::sync::LazyLock;

use actix_web::web;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::ApiError;

/// Shortest password accepted at registration, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in bytes (bounds the hashing work one request can ask for).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A real Argon2id hash of a random password, verified against when the email is unknown so that
/// "no such user" costs the same time as "wrong password".
static DUMMY_HASH: LazyLock<Option<String>> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(salt.as_str().as_bytes(), &salt)
        .ok()
        .map(|hash| hash.to_string())
});

/// Hashes `password` with Argon2id, default parameters and a random salt (PHC string format).
pub async fn hash(password: String) -> Result<String, ApiError> {
    web::block(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::BadRequest(format!("password cannot be hashed: {e}")))
}

/// Checks `password` against a stored hash, or against a dummy hash when `stored` is `None`
/// (unknown user), which always fails but takes the same time.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    web::block(move || {
        let known = stored.is_some();
        let Some(hash) = stored.or_else(|| DUMMY_HASH.clone()) else {
            return false;
        };
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && matches
    })
    .await
    .map_err(ApiError::internal)
}
