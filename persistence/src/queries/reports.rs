//! Reading usage back: daily series, rolling windows and totals, all from `day_rollups`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::{DateRange, RollingWindow, Stats, Totals};

use crate::models::DayRollup;
use crate::schema::day_rollups;

/// The stored days of one assistant within `range`, oldest first (days without data are absent).
pub async fn daily_rollups(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    range: DateRange,
) -> QueryResult<Vec<DayRollup>> {
    day_rollups::table
        .filter(day_rollups::assistant_id.eq(assistant_id))
        .filter(day_rollups::day.between(range.start(), range.end()))
        .order(day_rollups::day)
        .select(DayRollup::as_select())
        .load(conn)
        .await
}

/// One day of a rolling-window series: the day's own totals and the sums over the window of
/// `window_days` days ending on it (days without data count as zero).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct RollingRow {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    pub window_calls: i64,
    #[diesel(sql_type = BigInt)]
    pub window_duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub window_cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    pub window_days: i64,
}

/// Rolling sums for every day of `range`. The day series is generated with
/// `generate_series` (so gaps are zero-filled), starting `window - 1` days before `range` so
/// the first days of the range have full windows, and summed with SQL window functions.
pub async fn rolling_sums(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    range: DateRange,
    window: RollingWindow,
) -> QueryResult<Vec<RollingRow>> {
    let preceding = i32::try_from(window.days()).unwrap_or(i32::MAX) - 1;
    diesel::sql_query(
        "WITH days AS (
             SELECT d::date AS day
             FROM generate_series($2::date - $4, $3::date, INTERVAL '1 day') AS d
         ), daily AS (
             SELECT days.day,
                    COALESCE(r.calls, 0)       AS calls,
                    COALESCE(r.duration_ms, 0) AS duration_ms,
                    COALESCE(r.cost_nanos, 0)  AS cost_nanos
             FROM days
             LEFT JOIN day_rollups r ON r.assistant_id = $1 AND r.day = days.day
         ), windowed AS (
             SELECT day, calls, duration_ms, cost_nanos,
                    SUM(calls)       OVER w AS window_calls,
                    SUM(duration_ms) OVER w AS window_duration_ms,
                    SUM(cost_nanos)  OVER w AS window_cost_nanos,
                    COUNT(*)         OVER w AS window_days
             FROM daily
             WINDOW w AS (ORDER BY day ROWS BETWEEN $4 PRECEDING AND CURRENT ROW)
         )
         SELECT day, calls, duration_ms, cost_nanos,
                window_calls::bigint, window_duration_ms::bigint, window_cost_nanos::bigint,
                window_days
         FROM windowed
         WHERE day >= $2
         ORDER BY day",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(range.start())
    .bind::<Date, _>(range.end())
    .bind::<Integer, _>(preceding)
    .load(conn)
    .await
}

/// One assistant's totals over a range.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct AssistantTotals {
    #[diesel(sql_type = BigInt)]
    pub assistant_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub errors: i64,
    #[diesel(sql_type = BigInt)]
    pub duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    pub days_with_data: i64,
}

/// Which assistants [`totals`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotalsScope {
    /// Every assistant of this owner.
    Owner(i64),
    /// This one assistant.
    Assistant(i64),
}

/// Totals per assistant over `range`; assistants without data in the range appear with zeros.
pub async fn totals(
    conn: &mut AsyncPgConnection,
    scope: TotalsScope,
    range: DateRange,
) -> QueryResult<Vec<AssistantTotals>> {
    let (owner, assistant) = match scope {
        TotalsScope::Owner(id) => (Some(id), None),
        TotalsScope::Assistant(id) => (None, Some(id)),
    };
    diesel::sql_query(
        "SELECT a.id AS assistant_id, a.name,
                COALESCE(SUM(r.calls), 0)::bigint       AS calls,
                COALESCE(SUM(r.errors), 0)::bigint      AS errors,
                COALESCE(SUM(r.duration_ms), 0)::bigint AS duration_ms,
                COALESCE(SUM(r.cost_nanos), 0)::bigint  AS cost_nanos,
                COUNT(r.day)                            AS days_with_data
         FROM assistants a
         LEFT JOIN day_rollups r ON r.assistant_id = a.id AND r.day BETWEEN $3 AND $4
         WHERE ($1::bigint IS NULL OR a.owner_id = $1)
           AND ($2::bigint IS NULL OR a.id = $2)
         GROUP BY a.id, a.name
         ORDER BY a.id",
    )
    .bind::<Nullable<BigInt>, _>(owner)
    .bind::<Nullable<BigInt>, _>(assistant)
    .bind::<Date, _>(range.start())
    .bind::<Date, _>(range.end())
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct SpanTotals {
    #[diesel(sql_type = Text)]
    span: String,
    #[diesel(sql_type = BigInt)]
    samples: i64,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    tokens_in: i64,
    #[diesel(sql_type = BigInt)]
    tokens_out: i64,
}

/// The live statistics of one assistant as of `now`: today and the last 7 days from the day
/// rollups, the last 24 hours from the minute rollups (per-call samples only).
pub async fn stats(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<Stats> {
    const SUMS: &str = "COALESCE(SUM(samples), 0)::bigint AS samples,
        COALESCE(SUM(calls), 0)::bigint AS calls, COALESCE(SUM(errors), 0)::bigint AS errors,
        COALESCE(SUM(duration_ms), 0)::bigint AS duration_ms,
        COALESCE(SUM(cost_nanos), 0)::bigint AS cost_nanos,
        COALESCE(SUM(tokens_in), 0)::bigint AS tokens_in,
        COALESCE(SUM(tokens_out), 0)::bigint AS tokens_out";
    let rows: Vec<SpanTotals> = diesel::sql_query(format!(
        "SELECT 'today' AS span, {SUMS} FROM day_rollups WHERE assistant_id = $1 AND day = $2
         UNION ALL
         SELECT 'week', {SUMS} FROM day_rollups
          WHERE assistant_id = $1 AND day BETWEEN $2 - 6 AND $2
         UNION ALL
         SELECT 'day', {SUMS} FROM time_rollups
          WHERE assistant_id = $1 AND width_seconds = 60 AND bucket > $3 - INTERVAL '24 hours'"
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(now.date_naive())
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    let mut stats = Stats::default();
    for row in rows {
        let totals = Totals {
            samples: row.samples,
            calls: row.calls,
            errors: row.errors,
            duration_ms: row.duration_ms,
            cost_nanos: row.cost_nanos,
            tokens_in: row.tokens_in,
            tokens_out: row.tokens_out,
        };
        match row.span.as_str() {
            "today" => stats.today = totals,
            "week" => stats.last_7_days = totals,
            _ => stats.last_24h = totals,
        }
    }
    Ok(stats)
}
