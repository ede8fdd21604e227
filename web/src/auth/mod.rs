//! Who is calling: password hashing, access tokens and the `AuthUser` extractor that every
//! protected handler takes, plus the ownership rules built on it.

pub mod access;
pub mod extractor;
pub mod ingest_key;
pub mod jwt;
pub mod password;
pub mod rate_limit;

pub use extractor::AuthUser;
pub use jwt::JwtKeys;
pub use rate_limit::PasswordAttempts;
