//! The daily records a user posted (pre-aggregated days, `kind = 'daily'`), one row per record
//! as stored, oldest first in keyset pages: what an export of daily records reads.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Which daily records to read.
#[derive(Debug, Clone, Default)]
pub struct DailyFilter {
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    /// Inclusive lower bound of the record's day (midnight UTC).
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub until: Option<DateTime<Utc>>,
}

/// One daily record as stored (its day at midnight UTC).
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct DailyRecord {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub assistant_id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub ts: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub client_id: Option<String>,
}

/// Up to `limit` records matching `filter`, oldest first (by day, then id), strictly after
/// `after` (the day and id of the last record of the previous page).
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &DailyFilter,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> QueryResult<Vec<DailyRecord>> {
    diesel::sql_query(
        "SELECT s.id, s.assistant_id, s.ts, s.calls, s.duration_ms, s.cost_nanos, s.client_id
         FROM usage_samples s
         JOIN assistants a ON a.id = s.assistant_id
         WHERE a.owner_id = $1
           AND s.kind = 'daily'
           AND ($2::bigint IS NULL OR s.assistant_id = $2)
           AND ($3::timestamptz IS NULL OR s.ts >= $3)
           AND ($4::timestamptz IS NULL OR s.ts < $4)
           AND ($5::timestamptz IS NULL OR (s.ts, s.id) > ($5, $6))
         ORDER BY s.ts, s.id
         LIMIT $7",
    )
    .bind::<BigInt, _>(filter.owner_id)
    .bind::<Nullable<BigInt>, _>(filter.assistant_id)
    .bind::<Nullable<Timestamptz>, _>(filter.from)
    .bind::<Nullable<Timestamptz>, _>(filter.until)
    .bind::<Nullable<Timestamptz>, _>(after.map(|a| a.0))
    .bind::<BigInt, _>(after.map_or(0, |a| a.1))
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
}
