//! The sort of PostgreSQL failures (`persistence::postgres::failure`) against a real server:
//! the messages and kinds it relies on are the ones PostgreSQL and diesel-async really give.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::store::StoreError;
use persistence::postgres::failure::of_query;

use crate::helpers::TestDatabase;

/// How `sql` fails on `conn`, sorted.
async fn failure_of(conn: &mut AsyncPgConnection, sql: &str) -> StoreError {
    match diesel::sql_query(sql).execute(conn).await {
        Ok(_) => panic!("{sql}: succeeded"),
        Err(error) => of_query(&error),
    }
}

async fn run(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[actix_web::test]
async fn timeouts_and_lost_connections_are_unavailable() {
    let database = TestDatabase::migrated().await;
    let mut conn = database.connect().await;
    run(&mut conn, "SET statement_timeout = '50ms'").await;
    let timeout = failure_of(&mut conn, "SELECT pg_sleep(2)").await;
    assert!(timeout.is_transient(), "{timeout:?}");
    let killed = failure_of(&mut conn, "SELECT pg_terminate_backend(pg_backend_pid())").await;
    assert!(killed.is_transient(), "{killed:?}");
    let dead = failure_of(&mut conn, "SELECT 1").await;
    assert!(dead.is_transient(), "{dead:?}");
}

#[actix_web::test]
async fn constraints_and_values_out_of_range_are_refused_with_postgres_message() {
    let database = TestDatabase::migrated().await;
    let mut conn = database.connect().await;
    run(
        &mut conn,
        "CREATE TEMP TABLE t (n integer CHECK (n > 0), k text UNIQUE)",
    )
    .await;
    run(&mut conn, "INSERT INTO t VALUES (1, 'a')").await;
    let check = failure_of(&mut conn, "INSERT INTO t VALUES (0, 'b')").await;
    assert!(
        matches!(&check, StoreError::Refused { detail } if detail.contains("check constraint")),
        "{check:?}"
    );
    let unique = failure_of(&mut conn, "INSERT INTO t VALUES (2, 'a')").await;
    assert!(
        matches!(&unique, StoreError::Refused { detail } if detail.contains("unique")),
        "{unique:?}"
    );
    let overflow = failure_of(&mut conn, "SELECT 9223372036854775807::bigint + 1").await;
    assert_eq!(overflow, StoreError::refused("bigint out of range"));
}

#[actix_web::test]
async fn a_query_that_does_not_fit_the_schema_is_a_failure_not_a_refusal() {
    let database = TestDatabase::migrated().await;
    let mut conn = database.connect().await;
    let missing = failure_of(&mut conn, "SELECT * FROM no_such_table").await;
    assert!(matches!(missing, StoreError::Failed { .. }), "{missing:?}");
}
