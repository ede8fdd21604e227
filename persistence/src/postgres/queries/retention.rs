//! Retention: raw samples and minute rollups older than their configured ages are dropped;
//! hour and day rollups (and the breakdown and label rollups, hourly and daily) stay, so
//! dashboards, series and totals of old periods are unchanged (only runs lists, exports and
//! domain-filtered views of those periods become empty; minute rollups only feed the last 24
//! hours of the live statistics).

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

/// Rows of minute rollups deleted per statement, so no single statement holds locks long.
const MINUTE_CHUNK: i64 = 10_000;

/// Deletes the minute rollups (`time_rollups` of width 60) of buckets before `cutoff`; the hour
/// rollups of the same time stay. Returns the rows deleted.
pub async fn drop_minute_rollups(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
) -> diesel::QueryResult<i64> {
    let mut total = 0;
    loop {
        let deleted = diesel::sql_query(
            "DELETE FROM time_rollups WHERE ctid = ANY (ARRAY(
                 SELECT ctid FROM time_rollups WHERE width_seconds = 60 AND bucket < $1 LIMIT $2))",
        )
        .bind::<Timestamptz, _>(cutoff)
        .bind::<BigInt, _>(MINUTE_CHUNK)
        .execute(conn)
        .await?;
        let deleted = i64::try_from(deleted).unwrap_or(i64::MAX);
        total += deleted;
        if deleted < MINUTE_CHUNK {
            return Ok(total);
        }
    }
}

/// On TimescaleDB, makes the hypertable's native retention policy drop raw chunks older than
/// `days` (`None`: no policy, raw samples are kept), replacing a policy of another age.
/// Returns whether a native policy is in force; on plain PostgreSQL nothing happens and the
/// answer is `false` (the hub's own job deletes the rows instead).
pub async fn apply_native_policy(
    conn: &mut AsyncPgConnection,
    days: Option<u32>,
) -> diesel::QueryResult<bool> {
    if !timescaledb_enabled(conn).await? {
        return Ok(false);
    }
    diesel::sql_query("SELECT remove_retention_policy('usage_samples', if_exists => true)")
        .execute(conn)
        .await?;
    let Some(days) = days else {
        return Ok(false);
    };
    diesel::sql_query(
        "SELECT add_retention_policy('usage_samples', drop_after => make_interval(days => $1))",
    )
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(days).unwrap_or(i32::MAX))
    .execute(conn)
    .await?;
    Ok(true)
}
