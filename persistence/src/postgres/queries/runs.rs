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
    /// Only the calls labelled with this domain.
    pub domain: Option<String>,
    /// Only the calls from this country (as sent, e.g. `DE`).
    pub country: Option<String>,
    /// Only the calls whose latency is at least this many milliseconds (calls without a
    /// latency never match).
    pub min_latency_ms: Option<i32>,
    /// Only the calls that cost at least this much (nano-dollars).
    pub min_cost_nanos: Option<i64>,
    /// Inclusive lower bound of `ts`.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound of `ts`.
    pub until: Option<DateTime<Utc>>,
}

/// The order of a runs list. Every order ends with the call id, so it is total and a keyset
/// cursor (the sort key and the id of the last call) names one position exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RunOrder {
    /// Newest first (by time, then id).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Highest latency first; calls without a latency come last.
    Slowest,
    /// Most expensive first.
    Costliest,
}

/// The sort key of one call under a [`RunOrder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// `ts` (newest and oldest first).
    Time(DateTime<Utc>),
    /// A whole number: the latency (-1 for none) or the cost in nano-dollars.
    Value(i64),
}

/// Position after which the next page starts: the sort key and id of the last call listed.
/// It must come from the same [`RunOrder`] as the page asked for (the API checks this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCursor {
    pub key: SortKey,
    pub id: i64,
}

impl RunOrder {
    /// The cursor that continues after `run`.
    pub fn cursor_after(self, run: &Run) -> RunCursor {
        let key = match self {
            Self::Newest | Self::Oldest => SortKey::Time(run.ts),
            Self::Slowest => SortKey::Value(run.latency_ms.map_or(-1, i64::from)),
            Self::Costliest => SortKey::Value(run.cost_nanos),
        };
        RunCursor { key, id: run.id }
    }

    /// The SQL sort key, the comparison that continues after a cursor (`$7` is a time, `$11`
    /// a number, `$8` the id), and the direction. Fixed strings only: nothing of the request
    /// is spliced into the query. Each comparison is on the indexed expression itself (the
    /// parameter is cast, never the column), so the order's index can start at the cursor.
    fn sql(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Newest => (
                "s.ts",
                "($7::timestamptz IS NULL OR (s.ts, s.id) < ($7, $8))",
                "DESC",
            ),
            Self::Oldest => (
                "s.ts",
                "($7::timestamptz IS NULL OR (s.ts, s.id) > ($7, $8))",
                "ASC",
            ),
            Self::Slowest => (
                "COALESCE(s.latency_ms, -1)",
                "($11::bigint IS NULL OR (COALESCE(s.latency_ms, -1), s.id) < ($11::integer, $8))",
                "DESC",
            ),
            Self::Costliest => (
                "s.cost_nanos",
                "($11::bigint IS NULL OR (s.cost_nanos, s.id) < ($11, $8))",
                "DESC",
            ),
        }
    }
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

/// Up to `limit` calls matching `filter` in `order`, strictly after `cursor`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    filter: &RunFilter,
    order: RunOrder,
    cursor: Option<RunCursor>,
    limit: i64,
) -> QueryResult<Vec<Run>> {
    let (key, after, direction) = order.sql();
    let (after_ts, after_value) = match cursor.map(|c| c.key) {
        Some(SortKey::Time(ts)) => (Some(ts), None),
        Some(SortKey::Value(value)) => (None, Some(value)),
        None => (None, None),
    };
    diesel::sql_query(format!(
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
           AND {after}
           AND ($10::text IS NULL OR s.session_id = $10)
           AND ($12::text IS NULL OR s.domain = $12)
           AND ($13::text IS NULL OR s.country = $13)
           AND ($14::integer IS NULL OR s.latency_ms >= $14)
           AND ($15::bigint IS NULL OR s.cost_nanos >= $15)
         ORDER BY {key} {direction}, s.id {direction}
         LIMIT $9"
    ))
    .bind::<BigInt, _>(filter.owner_id)
    .bind::<Nullable<BigInt>, _>(filter.assistant_id)
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
    .bind::<Nullable<Timestamptz>, _>(filter.from)
    .bind::<Nullable<Timestamptz>, _>(filter.until)
    .bind::<Nullable<Timestamptz>, _>(after_ts)
    .bind::<BigInt, _>(cursor.map_or(0, |c| c.id))
    .bind::<BigInt, _>(limit)
    .bind::<Nullable<Text>, _>(filter.session_id.as_deref())
    .bind::<Nullable<BigInt>, _>(after_value)
    .bind::<Nullable<Text>, _>(filter.domain.as_deref())
    .bind::<Nullable<Text>, _>(filter.country.as_deref())
    .bind::<Nullable<Integer>, _>(filter.min_latency_ms)
    .bind::<Nullable<BigInt>, _>(filter.min_cost_nanos)
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
