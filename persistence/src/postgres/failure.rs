//! The one place that sorts PostgreSQL failures into the hub's [`StoreError`]: the actors retry
//! or reject on it, and the web layer answers 503, 422 or 500 from it. A wrong sort is a false
//! "retry later" on a request that can never pass, or a rejected request that would have, so
//! every diesel, pool and connection error goes through here.
//!
//! diesel keeps only some SQLSTATEs as [`DatabaseErrorKind`]s (constraints, serialization
//! failures, lost connections) and files every other server error as `Unknown` with its
//! message; those are sorted by PostgreSQL's (stable, English) message texts below.

use std::time::Duration;

use diesel::result::{DatabaseErrorKind as Kind, Error};
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::PoolError;
use hub::store::StoreError;

use crate::error::error_text;

/// Server messages of failures that retrying can cure (deadlocks between concurrent batches,
/// cancelled statements and statement timeouts, a server shutting down or starting up)
/// although diesel files them as `Unknown`.
const TRANSIENT_MESSAGES: [&str; 6] = [
    "deadlock detected",
    "canceling statement",
    "terminating connection",
    "shutting down",
    "the database system is starting up",
    "too many connections",
];

/// Server messages of data exceptions (SQLSTATE class 22) and other refusals of the values
/// themselves, which diesel files as `Unknown`: the same values will be refused again.
const REFUSED_MESSAGES: [&str; 9] = [
    "out of range",
    "overflow",
    "invalid input syntax",
    "invalid input value",
    "invalid byte sequence",
    "has no equivalent in encoding",
    "unsupported Unicode escape sequence",
    "value too long",
    "division by zero",
];

/// Sorts a failed query. `Refused` carries PostgreSQL's own message (it tells a client what
/// was wrong); the other variants carry the whole cause chain, for the logs.
pub fn of_query(error: &Error) -> StoreError {
    match error {
        Error::DatabaseError(kind, info) => {
            let message = info.message();
            let transient = matches!(
                kind,
                Kind::SerializationFailure
                    | Kind::ReadOnlyTransaction
                    | Kind::UnableToSendCommand
                    | Kind::ClosedConnection
            ) || TRANSIENT_MESSAGES.iter().any(|m| message.contains(m));
            let refused = matches!(
                kind,
                Kind::UniqueViolation
                    | Kind::ForeignKeyViolation
                    | Kind::NotNullViolation
                    | Kind::CheckViolation
                    | Kind::RestrictViolation
                    | Kind::ExclusionViolation
            ) || REFUSED_MESSAGES.iter().any(|m| message.contains(m));
            if transient {
                StoreError::unavailable(error_text(error))
            } else if refused {
                StoreError::refused(message)
            } else {
                StoreError::failed(error_text(error))
            }
        }
        // A commit that failed (typically on a lost connection) is sorted by why it failed.
        Error::RollbackErrorOnCommit { commit_error, .. } => match of_query(commit_error) {
            refused @ StoreError::Refused { .. } => refused,
            StoreError::Unavailable { .. } => StoreError::unavailable(error_text(error)),
            StoreError::Failed { .. } => StoreError::failed(error_text(error)),
        },
        // The connection's transaction state was lost with it: the pool replaces it.
        Error::BrokenTransactionManager => StoreError::unavailable(error_text(error)),
        // Rows that do not decode, values that do not encode, a query that does not build,
        // a transaction opened twice: this side's fault, and the same next time.
        _ => StoreError::failed(error_text(error)),
    }
}

/// Sorts a failure to get a connection from the pool: every one of them (a timeout, an
/// exhausted pool, PostgreSQL refusing or dropping the connection, a closed pool during
/// shutdown) may pass later, except a pool built without a runtime, which is a bug.
pub fn of_pool(error: &PoolError) -> StoreError {
    match error {
        PoolError::NoRuntimeSpecified => StoreError::failed(error_text(error)),
        _ => StoreError::unavailable(error_text(error)),
    }
}

/// Sorts a failure to connect outside the pool (migrations, admin tasks): a URL that does not
/// parse stays wrong; anything else is PostgreSQL not answering (yet).
pub fn of_connect(error: &ConnectionError) -> StoreError {
    match error {
        ConnectionError::InvalidConnectionUrl(_) | ConnectionError::InvalidCString(_) => {
            StoreError::failed(error_text(error))
        }
        _ => StoreError::unavailable(error_text(error)),
    }
}

/// PostgreSQL did not answer within `limit` (a stalled server or network).
pub fn timed_out(limit: Duration) -> StoreError {
    StoreError::unavailable(format!("no answer within {limit:?}"))
}

#[cfg(test)]
mod tests;
