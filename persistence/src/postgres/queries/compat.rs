//! What the seed-compatible payloads need beyond the dashboard's own inputs: the calls, errors
//! and cost of one domain per bucket, from the label rollups (the breakdown rollups are not
//! split by domain), for the telemetry payload's domain filter.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::analytics::compat::LabelBucket;
use hub::analytics::{GranularityExt, Window};

#[derive(diesel::QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Timestamptz)]
    bucket: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
}

/// The buckets of `window` (rollups of its granularity) in which `assistants` had calls of
/// `domain`, oldest first.
pub async fn domain_buckets(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
    domain: &str,
) -> diesel::QueryResult<Vec<LabelBucket>> {
    let rows: Vec<BucketRow> = diesel::sql_query(
        "SELECT bucket, sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                sum(cost_nanos)::bigint AS cost_nanos
         FROM label_rollups
         WHERE assistant_id = ANY($1) AND width_seconds = $2 AND bucket >= $3 AND bucket < $4
           AND dimension = 'domain' AND label = $5
         GROUP BY bucket ORDER BY bucket",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Integer, _>(window.granularity.rollup_seconds())
    .bind::<Timestamptz, _>(window.start)
    .bind::<Timestamptz, _>(window.end)
    .bind::<Text, _>(domain)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LabelBucket {
            bucket: r.bucket,
            calls: r.calls,
            errors: r.errors,
            cost_nanos: r.cost_nanos,
        })
        .collect())
}
