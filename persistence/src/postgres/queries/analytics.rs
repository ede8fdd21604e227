//! Reading the analytics rollups for a set of assistants and a window: breakdown cells (with
//! latency histograms, merged by the hub's analytics code), label counts, daily totals and spend.
//! Every query reads rollups only, never the raw samples, so its cost depends on the window and
//! the number of assistants, not on how many samples they hold.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::analytics::dashboard::{anomaly_days_start, Cell, DayPoint, LabelCount, TOP};
use hub::analytics::kpis::KpiInput;
use hub::analytics::projection::{run_rate_start, SpendInput};
use hub::analytics::{DashboardInput, GranularityExt, Window, WindowExt};
use hub::latency::Histogram;
use hub::Totals;

use super::domain;
use super::reports::SampleFilter;
use crate::postgres::counters::{TotalsRow, SUM_TOTALS};
use crate::{PersistenceError, PgPool};

#[derive(QueryableByName)]
pub(super) struct CellRow {
    #[diesel(sql_type = Timestamptz)]
    bucket: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    model: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(embed)]
    totals: TotalsRow,
    #[diesel(sql_type = BigInt)]
    latency_calls: i64,
    #[diesel(sql_type = BigInt)]
    latency_sum_ms: i64,
    #[diesel(sql_type = Integer)]
    latency_first_bin: i32,
    #[diesel(sql_type = Array<BigInt>)]
    latency_bins: Vec<i64>,
}

impl From<CellRow> for Cell {
    fn from(r: CellRow) -> Self {
        let totals = Totals::from(r.totals);
        let error_cost_nanos = if r.status == "error" {
            totals.cost_nanos
        } else {
            0
        };
        Self {
            bucket: r.bucket,
            model: r.model,
            status: r.status,
            sums: KpiInput {
                totals,
                error_cost_nanos,
                latency_calls: r.latency_calls,
                latency_sum_ms: r.latency_sum_ms,
                latency: Histogram::from_stored(
                    usize::try_from(r.latency_first_bin).unwrap_or(0),
                    &r.latency_bins,
                ),
            },
        }
    }
}

/// The breakdown cells of `assistants` in `window` (rollups of the window's granularity),
/// honouring the status and model of `filter`. Cells of different assistants with the same
/// bucket, model and status are separate; the hub's code adds them up.
pub async fn cells(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
    filter: &SampleFilter,
) -> QueryResult<Vec<Cell>> {
    let rows: Vec<CellRow> = diesel::sql_query(
        "SELECT bucket, model, status, samples, calls, errors, duration_ms, cost_nanos,
                tokens_in, tokens_out, llm_calls, llm_call_runs, tool_calls, tool_call_runs,
                cache_read_tokens, cache_read_tokens_in, latency_calls, latency_sum_ms,
                latency_first_bin, latency_bins
         FROM breakdown_rollups
         WHERE assistant_id = ANY($1) AND width_seconds = $2 AND bucket >= $3 AND bucket < $4
           AND ($5::text IS NULL OR status = $5) AND ($6::text IS NULL OR model = $6)",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Integer, _>(window.granularity.rollup_seconds())
    .bind::<Timestamptz, _>(window.start)
    .bind::<Timestamptz, _>(window.end)
    .bind::<Nullable<Text>, _>(filter.status.as_deref())
    .bind::<Nullable<Text>, _>(filter.model.as_deref())
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(Cell::from).collect())
}

#[derive(QueryableByName)]
pub(super) struct LabelRow {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Text)]
    label: String,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
}

/// The top [`TOP`] values of each label of `assistants` in `window`: status codes by failed
/// calls (only those with failures), countries and domains by calls.
pub async fn labels(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
) -> QueryResult<Vec<LabelCount>> {
    let rows: Vec<LabelRow> = diesel::sql_query(
        "SELECT dimension, label, calls, errors, cost_nanos
         FROM (SELECT *, row_number() OVER (
                             PARTITION BY dimension
                             ORDER BY CASE WHEN dimension = 'status_code' THEN errors ELSE calls END DESC,
                                      label) AS rank
               FROM (SELECT dimension, label, sum(calls)::bigint AS calls,
                            sum(errors)::bigint AS errors, sum(cost_nanos)::bigint AS cost_nanos
                     FROM label_rollups
                     WHERE assistant_id = ANY($1) AND width_seconds = $2
                       AND bucket >= $3 AND bucket < $4
                     GROUP BY dimension, label) AS sums
               WHERE dimension <> 'status_code' OR errors > 0) AS ranked
         WHERE rank <= $5",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Integer, _>(window.granularity.rollup_seconds())
    .bind::<Timestamptz, _>(window.start)
    .bind::<Timestamptz, _>(window.end)
    .bind::<BigInt, _>(TOP as i64)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(LabelCount::from).collect())
}

impl From<LabelRow> for LabelCount {
    fn from(r: LabelRow) -> Self {
        Self {
            dimension: r.dimension,
            label: r.label,
            calls: r.calls,
            errors: r.errors,
            cost_nanos: r.cost_nanos,
        }
    }
}

#[derive(QueryableByName)]
pub(super) struct DayRow {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(embed)]
    totals: TotalsRow,
}

/// Daily totals of `assistants` from `first` to `last` (days without data are absent).
pub async fn days(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<DayPoint>> {
    let rows: Vec<DayRow> = diesel::sql_query(format!(
        "SELECT day, {SUM_TOTALS} FROM day_rollups
         WHERE assistant_id = ANY($1) AND day BETWEEN $2 AND $3
         GROUP BY day ORDER BY day"
    ))
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(DayPoint::from).collect())
}

impl From<DayRow> for DayPoint {
    fn from(r: DayRow) -> Self {
        Self {
            day: r.day,
            totals: r.totals.into(),
        }
    }
}

#[derive(QueryableByName)]
pub(super) struct SpendRow {
    #[diesel(sql_type = BigInt)]
    recent_nanos: i64,
    #[diesel(sql_type = BigInt)]
    today_nanos: i64,
    #[diesel(sql_type = BigInt)]
    month_to_date_nanos: i64,
}

/// Spend of `assistants` for projections as of `now`.
pub async fn spend(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    now: DateTime<Utc>,
) -> QueryResult<SpendInput> {
    let today = now.date_naive();
    let month_start = hub::budget::BudgetPeriod::Monthly.start(today);
    let row: SpendRow = diesel::sql_query(
        "SELECT coalesce(sum(cost_nanos) FILTER (WHERE day >= $2), 0)::bigint AS recent_nanos,
                coalesce(sum(cost_nanos) FILTER (WHERE day = $4), 0)::bigint AS today_nanos,
                coalesce(sum(cost_nanos) FILTER (WHERE day >= $3), 0)::bigint AS month_to_date_nanos
         FROM day_rollups
         WHERE assistant_id = ANY($1) AND day >= least($2, $3) AND day <= $4",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Date, _>(run_rate_start(now))
    .bind::<Date, _>(month_start)
    .bind::<Date, _>(today)
    .get_result(conn)
    .await?;
    Ok(row.into())
}

impl From<SpendRow> for SpendInput {
    fn from(row: SpendRow) -> Self {
        Self {
            recent_nanos: row.recent_nanos,
            today_nanos: row.today_nanos,
            month_to_date_nanos: row.month_to_date_nanos,
        }
    }
}

/// Everything the dashboard of `assistants` in `window` needs, read at `now`; `filter` narrows
/// the cells of the window and of the previous period (the label, daily and spend rollups are
/// not split by status or model); `domain` narrows everything to that domain's calls (see
/// [`super::domain`]). The five queries run at once, each on a connection of its own.
pub async fn dashboard_input(
    pool: &PgPool,
    assistants: &[i64],
    window: &Window,
    filter: &SampleFilter,
    domain: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DashboardInput, PersistenceError> {
    let previous = window.completed(now).previous();
    let first_day = anomaly_days_start(window);
    let (cells, labels, previous, days, spend) = tokio::try_join!(
        async {
            let mut conn = pool.get().await?;
            Ok::<_, PersistenceError>(match domain {
                Some(d) => domain::cells(&mut conn, assistants, window, filter, d).await?,
                None => cells(&mut conn, assistants, window, filter).await?,
            })
        },
        async {
            let mut conn = pool.get().await?;
            Ok(match domain {
                Some(d) => domain::labels(&mut conn, assistants, window, d).await?,
                None => labels(&mut conn, assistants, window).await?,
            })
        },
        async {
            let mut conn = pool.get().await?;
            Ok(match domain {
                Some(d) => domain::cells(&mut conn, assistants, &previous, filter, d).await?,
                None => cells(&mut conn, assistants, &previous, filter).await?,
            })
        },
        async {
            let mut conn = pool.get().await?;
            let last = window.last_day();
            Ok(match domain {
                Some(d) => domain::days(&mut conn, assistants, first_day, last, d).await?,
                None => days(&mut conn, assistants, first_day, last).await?,
            })
        },
        async {
            let mut conn = pool.get().await?;
            Ok(match domain {
                Some(d) => domain::spend(&mut conn, assistants, now, d).await?,
                None => spend(&mut conn, assistants, now).await?,
            })
        },
    )?;
    Ok(DashboardInput {
        assistants: assistants.to_vec(),
        filter: hub::sample::CallFilter {
            status: filter.status.clone(),
            model: filter.model.clone(),
        },
        domain: domain.map(str::to_owned),
        cells,
        labels,
        previous,
        days,
        spend,
    })
}
