//! Retention: raw samples older than the configured age are dropped; every rollup stays, so
//! dashboards, series and totals of old periods are unchanged (only runs lists and exports of
//! those periods become empty).

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::health::timescaledb_enabled;

/// Rows deleted per statement on plain PostgreSQL, so no single statement holds locks long.
const DELETE_CHUNK: i64 = 10_000;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Drops raw samples stamped before `cutoff`, and client ids claimed before it (a retry older
/// than the retention period is stored again). On TimescaleDB whole chunks are dropped (the
/// chunks entirely older than `cutoff`); on plain PostgreSQL rows are deleted in chunks.
/// Returns the number of samples deleted (on TimescaleDB: chunks dropped).
pub async fn drop_raw_samples(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
) -> diesel::QueryResult<i64> {
    let dropped = if timescaledb_enabled(conn).await? {
        diesel::sql_query(
            "SELECT count(*)::bigint AS n FROM drop_chunks('usage_samples', older_than => $1)",
        )
        .bind::<Timestamptz, _>(cutoff)
        .get_result::<Count>(conn)
        .await?
        .n
    } else {
        let mut total = 0;
        loop {
            let deleted = diesel::sql_query(
                "DELETE FROM usage_samples WHERE ctid = ANY (ARRAY(
                     SELECT ctid FROM usage_samples WHERE ts < $1 LIMIT $2))",
            )
            .bind::<Timestamptz, _>(cutoff)
            .bind::<BigInt, _>(DELETE_CHUNK)
            .execute(conn)
            .await?;
            total += i64::try_from(deleted).unwrap_or(i64::MAX);
            if i64::try_from(deleted).unwrap_or(0) < DELETE_CHUNK {
                break total;
            }
        }
    };
    diesel::sql_query("DELETE FROM sample_client_ids WHERE created_at < $1")
        .bind::<Timestamptz, _>(cutoff)
        .execute(conn)
        .await?;
    Ok(dropped)
}
