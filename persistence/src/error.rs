//! The one error type of the persistence crate, and its sort into the hub's [`StoreError`]
//! (by [`postgres::failure`] and [`redis::failure`], the one place per store that knows which
//! failures a retry can cure).

use diesel_async::pooled_connection::deadpool::{BuildError, PoolError};
use hub::store::StoreError;

use crate::{postgres, redis};

/// Anything that can go wrong talking to PostgreSQL or Redis.
#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    /// A query failed (including constraint violations the caller may want to inspect).
    #[error("database query failed")]
    Query(#[from] diesel::result::Error),
    /// No connection could be had from the pool in time.
    #[error("no database connection available")]
    Pool(#[from] PoolError),
    /// The pool itself could not be built (bad settings).
    #[error("could not build the database pool")]
    PoolBuild(#[from] BuildError),
    /// Connecting outside the pool failed (migrations, admin tasks).
    #[error("could not connect to the database")]
    Connect(#[from] diesel::ConnectionError),
    /// A migration failed to apply.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Redis did not answer or answered with an error.
    #[error("cache unavailable")]
    Cache(#[from] ::redis::RedisError),
}

impl PersistenceError {
    /// What the failure means for a caller: retry later, reject the data, or a bug.
    pub fn store_error(&self) -> StoreError {
        match self {
            Self::Query(error) => postgres::failure::of_query(error),
            Self::Pool(error) => postgres::failure::of_pool(error),
            Self::Connect(error) => postgres::failure::of_connect(error),
            Self::Cache(error) => redis::failure::of_redis(error),
            Self::PoolBuild(_) | Self::Migration(_) => StoreError::failed(error_text(self)),
        }
    }

    /// Whether the failure is a value PostgreSQL cannot hold (a sum past 64 bits, a date past
    /// its range): a refusal whose cause the caller may want to name.
    pub fn is_out_of_range(&self) -> bool {
        matches!(
            self,
            Self::Query(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("out of range")
        )
    }

    /// Whether this is a unique-constraint violation (e.g. an email already registered).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            Self::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

impl From<PersistenceError> for StoreError {
    fn from(error: PersistenceError) -> Self {
        error.store_error()
    }
}

/// `error: cause: cause ...`, for logs and for errors that cross into the hub as text.
pub fn error_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
