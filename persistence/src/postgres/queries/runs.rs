//! Individual calls ("runs") of a user's assistants: a keyset-paginated list with filters, the
//! distinct models, and the pages an export streams.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Which calls to list.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    pub status: Option<String>,
    pub model: Option<String>,
    /// Only the calls of this session.
    pub session_id: Option<String>,
    /// Inclusive lower bound of `ts`.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound of `ts`.
    pub until: Option<DateTime<Utc>>,
}

/// Position after which the next page starts (newest first: strictly older than this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCursor {
    pub ts: DateTime<Utc>,
    pub id: i64,
}

/// One call as stored.
#[derive(Debug, Clone, Default, PartialEq, QueryableByName)]
pub struct Run {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub assistant_id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub ts: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub model: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub status_code: Option<i16>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub latency_ms: Option<i32>,
    #[diesel(sql_type = BigInt)]
    pub duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub tokens_in: i64,
    #[diesel(sql_type = BigInt)]
    pub tokens_out: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
    #[diesel(sql_type = Nullable<Text>)]
    pub country: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub domain: Option<String>,
    /// The event's `metadata` object, as sent.
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub metadata: Option<serde_json::Value>,
    /// The session the call named, if any.
    #[diesel(sql_type = Nullable<Text>)]
    pub session_id: Option<String>,
    /// Agent metrics, when reported.
    #[diesel(sql_type = Nullable<Integer>)]
    pub llm_calls: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub tool_calls: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub cache_read_tokens: Option<i64>,
    /// The price version that priced the call, and (while it exists) its model, date and owner.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub price_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub price_model: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub price_effective_from: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub price_owner_id: Option<i64>,
}

/// Up to `limit` calls matching `filter`, newest first, strictly after `cursor`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &RunFilter,
    cursor: Option<RunCursor>,
    limit: i64,
) -> QueryResult<Vec<Run>> {
    diesel::sql_query(
        "SELECT s.id, s.assistant_id, s.ts, s.model, s.status, s.status_code, s.latency_ms,
                s.duration_ms, s.tokens_in, s.tokens_out, s.cost_nanos, s.country, s.domain,
                s.metadata, s.session_id, s.llm_calls, s.tool_calls, s.cache_read_tokens,
                s.price_id, p.model AS price_model, p.effective_from AS price_effective_from,
                p.owner_id AS price_owner_id
         FROM usage_samples s
         JOIN assistants a ON a.id = s.assistant_id
         LEFT JOIN model_prices p ON p.id = s.price_id
         WHERE a.owner_id = $1
           AND s.kind = 'call'
           AND ($2::bigint IS NULL OR s.assistant_id = $2)
           AND ($3::text IS NULL OR s.status = $3)
           AND ($4::text IS NULL OR s.model = $4)
           AND ($5::timestamptz IS NULL OR s.ts >= $5)
           AND ($6::timestamptz IS NULL OR s.ts < $6)
           AND ($7::timestamptz IS NULL OR (s.ts, s.id) < ($7, $8))
           AND ($10::text IS NULL OR s.session_id = $10)
         ORDER BY s.ts DESC, s.id DESC
         LIMIT $9",
    )
    .bind::<BigInt, _>(filter.owner_id)
    .bind::<Nullable<BigInt>, _>(filter.assistant_id)
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
    .bind::<Nullable<Timestamptz>, _>(filter.from)
    .bind::<Nullable<Timestamptz>, _>(filter.until)
    .bind::<Nullable<Timestamptz>, _>(cursor.map(|c| c.ts))
    .bind::<BigInt, _>(cursor.map_or(0, |c| c.id))
    .bind::<BigInt, _>(limit)
    .bind::<Nullable<Text>, _>(filter.session_id.as_deref())
    .load(conn)
    .await
}

/// A model and how many calls used it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ModelCount {
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
}

/// The models the owner's assistants (or one of them) have called, most used first.
pub async fn models(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    assistant_id: Option<i64>,
) -> QueryResult<Vec<ModelCount>> {
    diesel::sql_query(
        "SELECT s.model, sum(s.calls)::bigint AS calls
         FROM usage_samples s
         JOIN assistants a ON a.id = s.assistant_id
         WHERE a.owner_id = $1 AND ($2::bigint IS NULL OR s.assistant_id = $2)
           AND s.model IS NOT NULL
         GROUP BY s.model
         ORDER BY calls DESC, s.model",
    )
    .bind::<BigInt, _>(owner_id)
    .bind::<Nullable<BigInt>, _>(assistant_id)
    .load(conn)
    .await
}
