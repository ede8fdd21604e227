//! Analytics of one domain. The breakdown rollups are not split by domain, so with a domain the
//! cells (sums and latency histograms per bucket, model and status) and the label counts are
//! computed from the stored calls themselves, with the same bucketing and histogram bins as the
//! rollups (`latency_bin`); daily totals and spend come from the domain's label rollups. Exact
//! while the raw calls are kept: once retention drops them, a domain's older periods count only
//! what is left (the unfiltered analytics keep reading rollups and do not change).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::analytics::dashboard::{Cell, DayPoint, LabelCount, TOP};
use hub::analytics::projection::{run_rate_start, SpendInput};
use hub::analytics::{GranularityExt, Window};

use super::analytics::{CellRow, DayRow, LabelRow, SpendRow};
use super::reports::SampleFilter;
use crate::postgres::counters::ZERO_AGENT_COUNTERS;
use diesel::QueryResult;

/// The cells of `assistants` in `window` for the calls of `domain`, honouring `filter`.
pub async fn cells(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
    filter: &SampleFilter,
    domain: &str,
) -> QueryResult<Vec<Cell>> {
    let rows: Vec<CellRow> = diesel::sql_query(
        "WITH s AS (
             SELECT to_timestamp(floor(extract(epoch FROM ts) / $2) * $2) AS bucket,
                    coalesce(model, '') AS model, coalesce(status, '') AS status,
                    calls, errors, duration_ms, cost_nanos, tokens_in, tokens_out, latency_ms,
                    llm_calls, tool_calls, cache_read_tokens
             FROM usage_samples
             WHERE assistant_id = ANY($1) AND ts >= $3 AND ts < $4 AND domain = $7
               AND ($5::text IS NULL OR status = $5) AND ($6::text IS NULL OR model = $6)
         ),
         sums AS (
             SELECT bucket, model, status, count(*)::bigint AS samples,
                    sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                    sum(duration_ms)::bigint AS duration_ms, sum(cost_nanos)::bigint AS cost_nanos,
                    sum(tokens_in)::bigint AS tokens_in, sum(tokens_out)::bigint AS tokens_out,
                    coalesce(sum(llm_calls), 0)::bigint AS llm_calls,
                    count(llm_calls)::bigint AS llm_call_runs,
                    coalesce(sum(tool_calls), 0)::bigint AS tool_calls,
                    count(tool_calls)::bigint AS tool_call_runs,
                    coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens,
                    coalesce(sum(tokens_in) FILTER (WHERE cache_read_tokens IS NOT NULL), 0)::bigint
                        AS cache_read_tokens_in,
                    count(latency_ms)::bigint AS latency_calls,
                    coalesce(sum(latency_ms), 0)::bigint AS latency_sum_ms
             FROM s GROUP BY 1, 2, 3
         ),
         counted AS (
             SELECT bucket, model, status, latency_bin(latency_ms) AS bin, count(*) AS n
             FROM s WHERE latency_ms IS NOT NULL GROUP BY 1, 2, 3, 4
         ),
         spans AS (
             SELECT bucket, model, status, min(bin) AS lo, max(bin) AS hi FROM counted GROUP BY 1, 2, 3
         ),
         hist AS (
             SELECT sp.bucket, sp.model, sp.status, sp.lo,
                    array_agg(coalesce(c.n, 0)::bigint ORDER BY b.bin) AS bins
             FROM spans sp
             CROSS JOIN LATERAL generate_series(sp.lo, sp.hi) AS b (bin)
             LEFT JOIN counted c ON (c.bucket, c.model, c.status, c.bin)
                                  = (sp.bucket, sp.model, sp.status, b.bin)
             GROUP BY 1, 2, 3, 4
         )
         SELECT sums.*, coalesce(hist.lo, 0) AS latency_first_bin,
                coalesce(hist.bins, '{}'::bigint[]) AS latency_bins
         FROM sums LEFT JOIN hist USING (bucket, model, status)",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Integer, _>(window.granularity.rollup_seconds())
    .bind::<Timestamptz, _>(window.start)
    .bind::<Timestamptz, _>(window.end)
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
    .bind::<Text, _>(domain)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(Cell::from).collect())
}

/// The top [`TOP`] status codes (by failed calls), countries and domains of `domain`'s calls.
pub async fn labels(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
    domain: &str,
) -> QueryResult<Vec<LabelCount>> {
    let rows: Vec<LabelRow> = diesel::sql_query(
        "SELECT dimension, label, calls, errors, cost_nanos
         FROM (SELECT *, row_number() OVER (
                             PARTITION BY dimension
                             ORDER BY CASE WHEN dimension = 'status_code' THEN errors ELSE calls END DESC,
                                      label) AS rank
               FROM (SELECT l.dimension, l.label, sum(calls)::bigint AS calls,
                            sum(errors)::bigint AS errors, sum(cost_nanos)::bigint AS cost_nanos
                     FROM usage_samples
                     CROSS JOIN LATERAL (VALUES ('status_code', status_code::text),
                                                ('country', country), ('domain', domain))
                                        AS l (dimension, label)
                     WHERE assistant_id = ANY($1) AND ts >= $2 AND ts < $3 AND kind = 'call'
                       AND domain = $4 AND l.label IS NOT NULL
                     GROUP BY 1, 2) AS sums
               WHERE dimension <> 'status_code' OR errors > 0) AS ranked
         WHERE rank <= $5",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Timestamptz, _>(window.start)
    .bind::<Timestamptz, _>(window.end)
    .bind::<Text, _>(domain)
    .bind::<BigInt, _>(TOP as i64)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(LabelCount::from).collect())
}

/// Daily calls, errors and cost of `domain` from `first` to `last` (its label rollups; the
/// other counters are 0: anomalies read these three only).
pub async fn days(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    first: NaiveDate,
    last: NaiveDate,
    domain: &str,
) -> QueryResult<Vec<DayPoint>> {
    let rows: Vec<DayRow> = diesel::sql_query(format!(
        "SELECT (bucket AT TIME ZONE 'UTC')::date AS day, sum(calls)::bigint AS samples,
                sum(calls)::bigint AS calls, sum(errors)::bigint AS errors, 0::bigint AS duration_ms,
                sum(cost_nanos)::bigint AS cost_nanos, 0::bigint AS tokens_in, 0::bigint AS tokens_out,
                {ZERO_AGENT_COUNTERS}
         FROM label_rollups
         WHERE assistant_id = ANY($1) AND width_seconds = 86400 AND dimension = 'domain'
           AND label = $4
           AND bucket >= $2::timestamp AT TIME ZONE 'UTC'
           AND bucket < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY 1 ORDER BY 1"
    ))
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
    .bind::<Text, _>(domain)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(DayPoint::from).collect())
}

/// Spend of `domain` for projections as of `now` (its daily label rollups).
pub async fn spend(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    now: DateTime<Utc>,
    domain: &str,
) -> QueryResult<SpendInput> {
    let today = now.date_naive();
    let month_start = hub::budget::BudgetPeriod::Monthly.start(today);
    let row: SpendRow = diesel::sql_query(
        "WITH d AS (
             SELECT (bucket AT TIME ZONE 'UTC')::date AS day, cost_nanos FROM label_rollups
             WHERE assistant_id = ANY($1) AND width_seconds = 86400 AND dimension = 'domain'
               AND label = $5
               AND bucket >= least($2, $3)::timestamp AT TIME ZONE 'UTC'
               AND bucket < ($4::date + 1)::timestamp AT TIME ZONE 'UTC'
         )
         SELECT coalesce(sum(cost_nanos) FILTER (WHERE day >= $2), 0)::bigint AS recent_nanos,
                coalesce(sum(cost_nanos) FILTER (WHERE day = $4), 0)::bigint AS today_nanos,
                coalesce(sum(cost_nanos) FILTER (WHERE day >= $3), 0)::bigint AS month_to_date_nanos
         FROM d",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Date, _>(run_rate_start(now))
    .bind::<Date, _>(month_start)
    .bind::<Date, _>(today)
    .bind::<Text, _>(domain)
    .get_result(conn)
    .await?;
    Ok(row.into())
}
