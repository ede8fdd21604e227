//! Reading usage back: daily series, rolling windows and totals, all from `day_rollups`.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::{DateRange, RollingWindow, Stats, Totals};

use crate::postgres::counters::{TotalsRow, SUM_TOTALS};

/// Which samples a daily series counts: all of them (from `day_rollups`), or only those with
/// this status and/or model (from the daily `breakdown_rollups`). Both are rollups, so series
/// stay the same when raw samples are dropped by retention.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleFilter {
    /// `success` or `error`.
    pub status: Option<String>,
    pub model: Option<String>,
}

impl From<hub::sample::CallFilter> for SampleFilter {
    fn from(filter: hub::sample::CallFilter) -> Self {
        Self {
            status: filter.status,
            model: filter.model,
        }
    }
}

impl SampleFilter {
    /// The filter a query asked for, checked by [`hub::sample::CallFilter::parse`].
    pub fn parse(status: Option<&str>, model: Option<&str>) -> Result<Self, hub::ValidationErrors> {
        hub::sample::CallFilter::parse(status, model).map(Self::from)
    }

    /// The per-day totals of assistant `$1` for the days from `first_day` (an SQL expression) to
    /// `$3`, honouring the status `$4` and model `$5` (NULL: any). Both forms use `$4` and `$5`
    /// so every query binds the same parameters. Daily records carry no status or model (`''`
    /// in the breakdown), so a filtered series counts per-call events only.
    fn daily_source(&self, first_day: &str) -> String {
        if self.status.is_none() && self.model.is_none() {
            format!(
                "SELECT day, samples, calls, errors, duration_ms, cost_nanos
                 FROM day_rollups
                 WHERE assistant_id = $1 AND day BETWEEN {first_day} AND $3
                   AND $4::text IS NULL AND $5::text IS NULL"
            )
        } else {
            format!(
                "SELECT (bucket AT TIME ZONE 'UTC')::date AS day, sum(samples)::bigint AS samples,
                        sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                        sum(duration_ms)::bigint AS duration_ms, sum(cost_nanos)::bigint AS cost_nanos
                 FROM breakdown_rollups
                 WHERE assistant_id = $1 AND width_seconds = 86400
                   AND bucket >= ({first_day})::timestamp AT TIME ZONE 'UTC'
                   AND bucket < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
                   AND ($4::text IS NULL OR status = $4)
                   AND ($5::text IS NULL OR model = $5)
                 GROUP BY 1"
            )
        }
    }
}

/// One day of one assistant's series.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct DayTotals {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub samples: i64,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub errors: i64,
    #[diesel(sql_type = BigInt)]
    pub duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
}

/// The days of one assistant within `range` that have matching data, oldest first.
pub async fn daily_series(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    range: DateRange,
    filter: &SampleFilter,
) -> QueryResult<Vec<DayTotals>> {
    diesel::sql_query(format!(
        "SELECT * FROM ({}) AS d ORDER BY day",
        filter.daily_source("$2::date")
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(range.start())
    .bind::<Date, _>(range.end())
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
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

/// Rolling sums for every day of `range` (of the samples `filter` admits). The day series is generated with
/// `generate_series` (so gaps are zero-filled), starting `window - 1` days before `range` so
/// the first days of the range have full windows, and summed with SQL window functions.
pub async fn rolling_sums(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    range: DateRange,
    window: RollingWindow,
    filter: &SampleFilter,
) -> QueryResult<Vec<RollingRow>> {
    let preceding = i32::try_from(window.days()).unwrap_or(i32::MAX) - 1;
    diesel::sql_query(format!(
        "WITH days AS (
             SELECT d::date AS day
             FROM generate_series($2::date - $6, $3::date, INTERVAL '1 day') AS d
         ), source AS ({}), daily AS (
             SELECT days.day,
                    COALESCE(r.calls, 0)       AS calls,
                    COALESCE(r.duration_ms, 0) AS duration_ms,
                    COALESCE(r.cost_nanos, 0)  AS cost_nanos
             FROM days
             LEFT JOIN source r ON r.day = days.day
         ), windowed AS (
             SELECT day, calls, duration_ms, cost_nanos,
                    SUM(calls)       OVER w AS window_calls,
                    SUM(duration_ms) OVER w AS window_duration_ms,
                    SUM(cost_nanos)  OVER w AS window_cost_nanos,
                    COUNT(*)         OVER w AS window_days
             FROM daily
             WINDOW w AS (ORDER BY day ROWS BETWEEN $6 PRECEDING AND CURRENT ROW)
         )
         SELECT day, calls, duration_ms, cost_nanos,
                window_calls::bigint, window_duration_ms::bigint, window_cost_nanos::bigint,
                window_days
         FROM windowed
         WHERE day >= $2
         ORDER BY day",
        filter.daily_source("$2::date - $6")
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(range.start())
    .bind::<Date, _>(range.end())
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
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

/// Totals per assistant of `owner_id` over `range`; assistants without data in the range appear
/// with zeros.
pub async fn totals(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    range: DateRange,
) -> QueryResult<Vec<AssistantTotals>> {
    diesel::sql_query(
        "SELECT a.id AS assistant_id, a.name,
                COALESCE(SUM(r.calls), 0)::bigint       AS calls,
                COALESCE(SUM(r.errors), 0)::bigint      AS errors,
                COALESCE(SUM(r.duration_ms), 0)::bigint AS duration_ms,
                COALESCE(SUM(r.cost_nanos), 0)::bigint  AS cost_nanos,
                COUNT(r.day)                            AS days_with_data
         FROM assistants a
         LEFT JOIN day_rollups r ON r.assistant_id = a.id AND r.day BETWEEN $2 AND $3
         WHERE a.owner_id = $1
         GROUP BY a.id, a.name
         ORDER BY a.id",
    )
    .bind::<BigInt, _>(owner_id)
    .bind::<Date, _>(range.start())
    .bind::<Date, _>(range.end())
    .load(conn)
    .await
}

#[derive(QueryableByName)]
struct SpanTotals {
    #[diesel(sql_type = Text)]
    span: String,
    #[diesel(embed)]
    totals: TotalsRow,
}

/// The live statistics of one assistant as of `now`: today and the last 7 days from the day
/// rollups, the last 24 hours from the minute rollups (per-call samples only).
pub async fn stats(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<Stats> {
    let rows: Vec<SpanTotals> = diesel::sql_query(format!(
        "SELECT 'today' AS span, {SUM_TOTALS} FROM day_rollups WHERE assistant_id = $1 AND day = $2
         UNION ALL
         SELECT 'week', {SUM_TOTALS} FROM day_rollups
          WHERE assistant_id = $1 AND day BETWEEN $2 - 6 AND $2
         UNION ALL
         SELECT 'day', {SUM_TOTALS} FROM time_rollups
          WHERE assistant_id = $1 AND width_seconds = 60 AND bucket > $3 - INTERVAL '24 hours'"
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(now.date_naive())
    .bind::<Timestamptz, _>(now)
    .load(conn)
    .await?;
    let mut stats = Stats::default();
    for row in rows {
        let totals = Totals::from(row.totals);
        match row.span.as_str() {
            "today" => stats.today = totals,
            "week" => stats.last_7_days = totals,
            _ => stats.last_24h = totals,
        }
    }
    Ok(stats)
}
