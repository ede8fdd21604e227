//! Who is calling: password hashing, access tokens and the `AuthUser` extractor that every
//! protected handler takes, plus the ownership rules built on it and the check that the
//! token's user is still enabled (`status`).

pub mod access;
pub mod extractor;
pub mod ingest_key;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod status;

pub use extractor::AuthUser;
pub use jwt::JwtKeys;
pub use rate_limit::PasswordAttempts;
