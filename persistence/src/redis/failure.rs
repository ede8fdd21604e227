//! The one place that sorts Redis failures into the hub's [`StoreError`]. Redis holds no data
//! of a client's, so nothing it says is a refusal of the data: either it may answer next time
//! (down, restarting, loading, a dropped connection, a timeout) or the command itself is wrong
//! (a script error, a reply of an unexpected type), which is this side's failure.

use ::redis::{RedisError, RetryMethod};
use hub::store::StoreError;

use crate::error::error_text;

/// Sorts a Redis failure by whether the redis crate would retry the command.
pub fn of_redis(error: &RedisError) -> StoreError {
    match error.retry_method() {
        RetryMethod::NoRetry => StoreError::failed(error_text(error)),
        _ => StoreError::unavailable(error_text(error)),
    }
}

/// A value that would not encode for Redis (a delta that does not serialize): this side's bug.
pub fn of_encoding(error: &serde_json::Error) -> StoreError {
    StoreError::failed(format!("could not encode for Redis: {error}"))
}

#[cfg(test)]
mod tests {
    use ::redis::ErrorKind;

    use super::*;

    #[test]
    fn a_dropped_or_refused_connection_may_pass_and_a_wrong_command_never_does() {
        let dropped = RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(of_redis(&dropped).is_transient());
        let refused = RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(of_redis(&refused).is_transient());
        let timed_out = RedisError::from((ErrorKind::Io, "connect timed out"));
        assert!(of_redis(&timed_out).is_transient());
        let mistyped = RedisError::from((ErrorKind::UnexpectedReturnType, "not an integer"));
        assert!(matches!(of_redis(&mistyped), StoreError::Failed { .. }));
    }
}
