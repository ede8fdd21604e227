//! [`PgStore`]: the hub's `SampleStore` on PostgreSQL. A batch is one transaction: claim the
//! client ids (dropping retries), insert the samples with one `INSERT ... SELECT FROM unnest(...)`
//! (one statement and 21 array parameters whatever the batch size, close to COPY speed), and
//! add the batch's minute, hour and day totals with additive upserts. Calls that reported tokens
//! but no cost are priced from `model_prices` first, inside the same transaction.

use std::collections::{BTreeSet, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::sql_types::{
    Array, BigInt, Date, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use hub::alert_rules::RuleAlert;
use hub::budget::BudgetCheck;
use hub::pricing::apply_prices;
use hub::rollups::{self, UsageRollups};
use hub::sessions::{Session, SessionConfig};
use hub::store::{SampleStore, StoreError};
use hub::{Sample, Stats};

use crate::postgres::counters::{column_list, counter_arrays, Columns, ADD_COUNTERS};
use crate::postgres::failure;
use crate::postgres::queries::{alert_rules, budgets, prices, reports, sessions};
use crate::postgres::{breakdown_rollups, PgPool};

/// PostgreSQL-backed storage of the hub.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    timeout: Duration,
    /// Most pending webhook deliveries per webhook; alerts beyond are stored as dropped.
    max_pending_deliveries: i64,
}

/// [`PgStore::max_pending_deliveries`] unless set otherwise.
pub const DEFAULT_MAX_PENDING_DELIVERIES: i64 = 100;

impl PgStore {
    /// A store on `pool` whose operations fail after `timeout` (a stalled database must not
    /// hold an assistant's buffer forever).
    pub fn new(pool: PgPool, timeout: Duration) -> Self {
        Self {
            pool,
            timeout,
            max_pending_deliveries: DEFAULT_MAX_PENDING_DELIVERIES,
        }
    }

    /// The same store, queueing at most `max` pending deliveries per webhook.
    pub fn with_max_pending_deliveries(self, max: i64) -> Self {
        Self {
            max_pending_deliveries: max,
            ..self
        }
    }

    /// Runs `work` on a pooled connection, failing after the store's timeout; every failure is
    /// sorted by [`failure`].
    async fn bounded<T>(
        &self,
        work: impl AsyncFnOnce(&mut AsyncPgConnection) -> diesel::QueryResult<T>,
    ) -> Result<T, StoreError> {
        let run = async {
            let mut conn = self.pool.get().await.map_err(|e| failure::of_pool(&e))?;
            work(&mut conn).await.map_err(|e| failure::of_query(&e))
        };
        tokio::time::timeout(self.timeout, run)
            .await
            .unwrap_or_else(|_| Err(failure::timed_out(self.timeout)))
    }
}

#[async_trait]
impl SampleStore for PgStore {
    async fn write_batch(
        &self,
        assistant_id: i64,
        samples: &mut [Sample],
    ) -> Result<Vec<bool>, StoreError> {
        self.bounded(async |conn| write_batch(conn, assistant_id, samples).await)
            .await
    }

    async fn check_budgets(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<BudgetCheck, StoreError> {
        let max = self.max_pending_deliveries;
        self.bounded(async |conn| budgets::check(conn, assistant_id, now, max).await)
            .await
    }

    async fn check_alert_rules(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<RuleAlert>, StoreError> {
        let max = self.max_pending_deliveries;
        self.bounded(async |conn| {
            alert_rules::check_in_transaction(conn, assistant_id, now, max).await
        })
        .await
    }

    async fn stats(&self, assistant_id: i64, now: DateTime<Utc>) -> Result<Stats, StoreError> {
        self.bounded(async |conn| reports::stats(conn, assistant_id, now).await)
            .await
    }

    async fn active_sessions(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
        config: SessionConfig,
    ) -> Result<Vec<Session>, StoreError> {
        self.bounded(async |conn| sessions::active(conn, assistant_id, now, config).await)
            .await
    }
}

/// Fills in the cost (and price version) of the samples that asked for a price, from the
/// versions of their models' prices: the owner's overrides first, then the table (two small
/// queries, only when some sample needs it).
async fn price_samples(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &mut [Sample],
) -> diesel::QueryResult<()> {
    let models: BTreeSet<&str> = samples
        .iter()
        .filter(|s| s.needs_price)
        .filter_map(|s| s.model.as_deref())
        .collect();
    if models.is_empty() {
        return Ok(());
    }
    let models: Vec<String> = models.into_iter().map(str::to_owned).collect();
    let (owner, prices) = prices::for_assistant(conn, assistant_id, &models).await?;
    apply_prices(samples, owner, &prices);
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Text)]
    client_id: String,
}

/// Stores `samples` of one assistant in one transaction; returns which were stored. Samples
/// that asked for a price get their cost from the price table.
pub async fn write_batch(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &mut [Sample],
) -> diesel::QueryResult<Vec<bool>> {
    conn.transaction(async |conn| {
        price_samples(conn, assistant_id, samples).await?;
        let samples = &*samples;
        let stored = claim_client_ids(conn, assistant_id, samples).await?;
        let new: Vec<&Sample> = samples
            .iter()
            .zip(&stored)
            .filter_map(|(s, keep)| keep.then_some(s))
            .collect();
        if !new.is_empty() {
            insert_samples(conn, assistant_id, &new).await?;
            add_rollups(conn, assistant_id, &new).await?;
            breakdown_rollups::add(conn, assistant_id, &new).await?;
        }
        Ok(stored)
    })
    .await
}

/// Marks which samples are new: no client id, or a client id neither earlier in the batch nor
/// stored before (claimed here, in the same transaction as the samples).
async fn claim_client_ids(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &[Sample],
) -> diesel::QueryResult<Vec<bool>> {
    let mut seen = HashSet::new();
    let mut candidates = Vec::new();
    for sample in samples {
        if let Some(id) = &sample.client_id {
            if seen.insert(id.as_str()) {
                candidates.push(id.clone());
            }
        }
    }
    let claimed: HashSet<String> = if candidates.is_empty() {
        HashSet::new()
    } else {
        diesel::sql_query(
            "INSERT INTO sample_client_ids (assistant_id, client_id)
             SELECT $1, unnest($2::text[])
             ON CONFLICT DO NOTHING
             RETURNING client_id",
        )
        .bind::<BigInt, _>(assistant_id)
        .bind::<Array<Text>, _>(&candidates)
        .load::<ClaimedId>(conn)
        .await?
        .into_iter()
        .map(|row| row.client_id)
        .collect()
    };
    let mut used = HashSet::new();
    Ok(samples
        .iter()
        .map(|sample| match &sample.client_id {
            None => true,
            Some(id) => claimed.contains(id) && used.insert(id.as_str()),
        })
        .collect())
}

async fn insert_samples(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &[&Sample],
) -> diesel::QueryResult<usize> {
    let column = |f: fn(&Sample) -> i64| samples.iter().map(|s| f(s)).collect::<Vec<i64>>();
    // Agent call counts are validated to at most `MAX_AGENT_CALLS`, so they fit an INTEGER.
    let optional = |f: fn(&Sample) -> Option<i64>| {
        samples
            .iter()
            .map(|s| f(s).and_then(|v| i32::try_from(v).ok()))
            .collect::<Vec<Option<i32>>>()
    };
    let text = |f: fn(&Sample) -> Option<String>| {
        samples
            .iter()
            .map(|s| f(s))
            .collect::<Vec<Option<String>>>()
    };
    diesel::sql_query(
        "INSERT INTO usage_samples (assistant_id, ts, kind, calls, errors, duration_ms, cost_nanos,
                                    tokens_in, tokens_out, model, status, status_code, latency_ms,
                                    country, domain, metadata, client_id, session_id,
                                    llm_calls, tool_calls, cache_read_tokens, price_id)
         SELECT $1, * FROM unnest($2::timestamptz[], $3::text[], $4::bigint[], $5::bigint[],
                                  $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],
                                  $10::text[], $11::text[], $12::smallint[], $13::integer[],
                                  $14::text[], $15::text[], $16::jsonb[], $17::text[],
                                  $18::text[], $19::integer[], $20::integer[], $21::bigint[],
                                  $22::bigint[])",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Array<Timestamptz>, _>(samples.iter().map(|s| s.ts).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(samples.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(column(|s| s.calls))
    .bind::<Array<BigInt>, _>(column(|s| s.errors))
    .bind::<Array<BigInt>, _>(column(|s| s.duration_ms))
    .bind::<Array<BigInt>, _>(column(|s| s.cost_nanos))
    .bind::<Array<BigInt>, _>(column(|s| s.tokens_in))
    .bind::<Array<BigInt>, _>(column(|s| s.tokens_out))
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.model.clone()))
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.status.clone()))
    .bind::<Array<Nullable<SmallInt>>, _>(samples.iter().map(|s| s.status_code).collect::<Vec<_>>())
    .bind::<Array<Nullable<Integer>>, _>(samples.iter().map(|s| s.latency_ms).collect::<Vec<_>>())
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.country.clone()))
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.domain.clone()))
    .bind::<Array<Nullable<Jsonb>>, _>(
        samples
            .iter()
            .map(|s| s.metadata.clone())
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.client_id.clone()))
    .bind::<Array<Nullable<Text>>, _>(text(|s| s.session_id.clone()))
    .bind::<Array<Nullable<Integer>>, _>(optional(|s| s.llm_calls))
    .bind::<Array<Nullable<Integer>>, _>(optional(|s| s.tool_calls))
    .bind::<Array<Nullable<BigInt>>, _>(
        samples
            .iter()
            .map(|s| s.cache_read_tokens)
            .collect::<Vec<_>>(),
    )
    .bind::<Array<Nullable<BigInt>>, _>(samples.iter().map(|s| s.price_id).collect::<Vec<_>>())
    .execute(conn)
    .await
}

async fn add_rollups(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &[&Sample],
) -> diesel::QueryResult<()> {
    let UsageRollups { times, days } = rollups::usage(samples);
    if !times.is_empty() {
        let Columns(counters) = Columns::of(times.values());
        let mut query = diesel::sql_query(format!(
            "INSERT INTO time_rollups (assistant_id, width_seconds, bucket, {})
             SELECT $1, * FROM unnest($2::integer[], $3::timestamptz[], {})
             ON CONFLICT (assistant_id, width_seconds, bucket) DO UPDATE SET {}",
            column_list(),
            counter_arrays(4),
            ADD_COUNTERS.replace("{t}", "time_rollups")
        ))
        .bind::<BigInt, _>(assistant_id)
        .bind::<Array<Integer>, _>(times.keys().map(|(w, _)| *w).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(times.keys().map(|(_, b)| *b).collect::<Vec<_>>())
        .into_boxed::<diesel::pg::Pg>();
        for column in counters {
            query = query.bind::<Array<BigInt>, _>(column);
        }
        query.execute(conn).await?;
    }
    let Columns(counters) = Columns::of(days.values());
    let mut query = diesel::sql_query(format!(
        "INSERT INTO day_rollups (assistant_id, day, {})
         SELECT $1, * FROM unnest($2::date[], {})
         ON CONFLICT (assistant_id, day) DO UPDATE SET {}, updated_at = now()",
        column_list(),
        counter_arrays(3),
        ADD_COUNTERS.replace("{t}", "day_rollups")
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Array<Date>, _>(days.keys().copied().collect::<Vec<_>>())
    .into_boxed::<diesel::pg::Pg>();
    for column in counters {
        query = query.bind::<Array<BigInt>, _>(column);
    }
    query.execute(conn).await?;
    Ok(())
}
