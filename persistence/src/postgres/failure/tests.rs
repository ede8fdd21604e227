//! The sort of PostgreSQL failures, over errors built the way diesel-async builds them from
//! PostgreSQL's answers (a `DatabaseErrorKind` when diesel knows the SQLSTATE, `Unknown` and
//! the server's message otherwise, `UnableToSendCommand` when no answer came).

use deadpool::managed::TimeoutType;
use diesel::result::{DatabaseErrorKind as Kind, Error};

use super::*;

fn database(kind: Kind, message: &str) -> Error {
    Error::DatabaseError(kind, Box::new(message.to_owned()))
}

#[test]
fn timeouts_lost_connections_and_conflicts_may_pass_next_time() {
    for error in [
        database(
            Kind::Unknown,
            "canceling statement due to statement timeout",
        ),
        database(Kind::Unknown, "canceling statement due to user request"),
        database(Kind::Unknown, "deadlock detected"),
        database(
            Kind::Unknown,
            "terminating connection due to administrator command",
        ),
        database(Kind::ClosedConnection, "server closed the connection"),
        database(Kind::UnableToSendCommand, "connection closed"),
        database(Kind::SerializationFailure, "could not serialize access"),
        Error::BrokenTransactionManager,
        Error::RollbackErrorOnCommit {
            rollback_error: Box::new(database(Kind::ClosedConnection, "closed")),
            commit_error: Box::new(database(Kind::ClosedConnection, "closed")),
        },
    ] {
        assert!(of_query(&error).is_transient(), "{error:?}");
    }
    assert!(timed_out(Duration::from_secs(2)).is_transient());
}

#[test]
fn constraints_and_values_postgres_refuses_are_refused_with_its_message() {
    for (kind, message) in [
        (
            Kind::CheckViolation,
            "new row for relation \"day_rollups\" violates check constraint \"day_rollups_cap\"",
        ),
        (
            Kind::UniqueViolation,
            "duplicate key value violates unique constraint",
        ),
        (Kind::ForeignKeyViolation, "violates foreign key constraint"),
        (Kind::NotNullViolation, "null value in column violates"),
        (Kind::Unknown, "bigint out of range"),
        (
            Kind::Unknown,
            "invalid byte sequence for encoding \"UTF8\": 0x00",
        ),
        (Kind::Unknown, "unsupported Unicode escape sequence"),
    ] {
        assert_eq!(
            of_query(&database(kind, message)),
            StoreError::refused(message),
            "{kind:?}"
        );
    }
}

#[test]
fn errors_of_this_side_are_failures_neither_retried_nor_blamed_on_the_data() {
    for error in [
        database(Kind::Unknown, "relation \"usage_samples\" does not exist"),
        database(Kind::Unknown, "syntax error at or near \"SELEC\""),
        Error::DeserializationError("unexpected null".into()),
        Error::SerializationError("unencodable".into()),
        Error::AlreadyInTransaction,
        Error::NotFound,
    ] {
        assert!(
            matches!(of_query(&error), StoreError::Failed { .. }),
            "{error:?}"
        );
    }
}

#[test]
fn every_pool_failure_but_a_misbuilt_pool_may_pass_next_time() {
    for error in [
        PoolError::Timeout(TimeoutType::Wait),
        PoolError::Timeout(TimeoutType::Create),
        PoolError::Closed,
        PoolError::Backend(diesel_async::pooled_connection::PoolError::ConnectionError(
            ConnectionError::BadConnection("connection refused".into()),
        )),
    ] {
        assert!(of_pool(&error).is_transient(), "{error:?}");
    }
    assert!(matches!(
        of_pool(&PoolError::NoRuntimeSpecified),
        StoreError::Failed { .. }
    ));
}

#[test]
fn a_bad_connection_url_stays_bad_and_a_refused_connection_may_pass() {
    assert!(matches!(
        of_connect(&ConnectionError::InvalidConnectionUrl("nope".into())),
        StoreError::Failed { .. }
    ));
    assert!(
        of_connect(&ConnectionError::BadConnection("connection refused".into())).is_transient()
    );
}

#[test]
fn details_for_the_logs_carry_the_cause() {
    let error = of_query(&database(
        Kind::Unknown,
        "canceling statement due to statement timeout",
    ));
    assert_eq!(
        error.to_string(),
        "storage unavailable: canceling statement due to statement timeout"
    );
}
