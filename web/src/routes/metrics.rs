//! Daily metrics of an assistant: log a day, read a range, rolling averages, totals and daily
//! averages. Every route checks that the caller owns the assistant (404 otherwise).

use actix::Addr;
use actix_web::{get, post, web, HttpResponse};
use chrono::{Days, NaiveDate, Utc};
use hub::actors::Registry;
use hub::daily::avg_call_cost;
use hub::units::{ms_to_minutes, nanos_to_usd};
use hub::{DailyRecord, DailyRecordInput, DateRange, RollingWindow, Sample};
use persistence::queries::reports::{self, AssistantTotals, DayTotals, SampleFilter};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::access::{owned_assistant, OwnerCache};
use crate::auth::ingest_key::Ingestor;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::ingest::ingest;
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Refused, TooManyRequests, Unauthorized, Unavailable,
};
use crate::routes::openapi::schemas::CallStatus;

/// Days covered when a query gives no `start`.
pub const DEFAULT_RANGE_DAYS: u64 = 30;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(post_daily_metrics)
        .service(rolling_average)
        .service(summary)
        .service(daily_metrics)
        .service(totals);
}

/// One day of usage as the client reports it. Posting twice for the same day adds up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DailyMetricsRequest {
    /// UTC day, `YYYY-MM-DD`, from 2000-01-01 to one day ahead of today.
    #[schema(value_type = String, format = Date, example = "2026-11-20", pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub date: NaiveDate,
    /// Calls that day, `0..=1e9`.
    #[serde(alias = "call_count", deserialize_with = "super::json_int::integer")]
    #[schema(example = 120, minimum = 0, maximum = 1_000_000_000)]
    pub call_count: i64,
    /// Minutes of call time that day, `0..=1e7` (0 when `callCount` is 0).
    #[serde(alias = "total_minutes")]
    #[schema(example = 95.5, minimum = 0, maximum = 10_000_000)]
    pub total_minutes: f64,
    /// Cost that day in US dollars, `0..=1e6` (0 when `callCount` is 0).
    #[serde(alias = "total_cost")]
    #[schema(example = 4.2, minimum = 0, maximum = 1_000_000)]
    pub total_cost: f64,
    /// Optional; if sent it must equal `totalCost / callCount` rounded to the decimals sent.
    #[serde(alias = "avg_call_cost")]
    #[schema(example = 0.035, minimum = 0)]
    pub avg_call_cost: Option<f64>,
    /// Optional id for safe retries: a second post with the same id changes nothing. 1 to 128
    /// characters, no control characters.
    #[serde(alias = "client_id")]
    #[schema(
        example = "2026-11-20-nightly-export",
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub client_id: Option<String>,
}

/// One day of usage as stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DailyMetrics {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    pub call_count: i64,
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    /// `totalCost / callCount`, 0 when there were no calls.
    pub avg_call_cost: f64,
}

/// The answer to a daily-metrics post.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordedDailyMetrics {
    pub assistant_id: i64,
    /// What this post added (not the day's new total).
    pub recorded: DailyMetrics,
    /// `true` when the `clientId` was seen before and nothing was added.
    pub duplicate: bool,
    /// A budget covering the assistant is spent for its current period.
    pub over_budget: bool,
}

/// Log one day of usage.
#[utoipa::path(
    tag = "metrics",
    params(("id" = i64, Path, description = "Assistant id")),
    request_body = DailyMetricsRequest,
    security(("bearer" = []), ("api_key" = [])),
    responses(
        (status = 201, description = "Stored", body = RecordedDailyMetrics),
        (status = 200, description = "Duplicate clientId, nothing changed", body = RecordedDailyMetrics),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        TooManyRequests,
        Refused,
        Unavailable,
    )
)]
#[post("/assistants/{id}/metrics")]
pub async fn post_daily_metrics(
    ingestor: Ingestor,
    path: web::Path<i64>,
    pool: web::Data<PgPool>,
    owners: web::Data<OwnerCache>,
    registry: web::Data<Addr<Registry>>,
    body: web::Json<DailyMetricsRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = DailyRecordInput {
        date: body.date,
        call_count: body.call_count,
        total_minutes: body.total_minutes,
        total_cost: body.total_cost,
        avg_call_cost: body.avg_call_cost,
        client_id: body.client_id,
    };
    let assistant_id = path.into_inner();
    ingestor.check(&pool, &owners, assistant_id).await?;
    let record = DailyRecord::validate(input, Utc::now().date_naive())?;
    let recorded = DailyMetrics::new(
        record.date,
        record.calls,
        0,
        record.duration_ms,
        record.cost_nanos,
    );
    let ack = ingest(&registry, assistant_id, vec![Sample::from_daily(record)]).await?;
    let answer = RecordedDailyMetrics {
        assistant_id,
        recorded,
        duplicate: ack.duplicates > 0,
        over_budget: ack.over_budget,
    };
    Ok(if answer.duplicate {
        HttpResponse::Ok().json(answer)
    } else {
        HttpResponse::Created().json(answer)
    })
}

/// A date range; both ends optional.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last day, inclusive (default: today, UTC); not before `start`, and the range covers at
    /// most 3,660 days.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
}

impl RangeQuery {
    fn range(&self) -> Result<DateRange, ApiError> {
        let end = self.end.unwrap_or_else(|| Utc::now().date_naive());
        let start = self.start.unwrap_or_else(|| {
            end.checked_sub_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .unwrap_or(end)
        });
        Ok(DateRange::new(start, end)?)
    }
}

/// A date range and which samples to count.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// First day, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last day, inclusive (default: today, UTC); not before `start`, and the range covers at
    /// most 3,660 days.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// Only calls with this status.
    #[param(inline, value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
}

impl MetricsQuery {
    fn range(&self) -> Result<DateRange, ApiError> {
        RangeQuery {
            start: self.start,
            end: self.end,
        }
        .range()
    }

    fn filter(&self) -> Result<SampleFilter, ApiError> {
        Ok(SampleFilter::parse(
            self.status.as_deref(),
            self.model.as_deref(),
        )?)
    }
}

/// Daily metrics over a range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DailyMetricsRange {
    pub assistant_id: i64,
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end: NaiveDate,
    /// Days with data, oldest first; days without data are absent.
    pub metrics: Vec<DailyMetrics>,
}

/// Daily metrics of one assistant over a date range.
#[utoipa::path(
    tag = "metrics",
    params(("id" = i64, Path, description = "Assistant id"), MetricsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = DailyMetricsRange),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/assistants/{id}/metrics")]
pub async fn daily_metrics(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MetricsQuery>,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let range = query.range()?;
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let rows: Vec<DayTotals> =
        reports::daily_series(&mut conn, assistant.id, range, &query.filter()?).await?;
    Ok(HttpResponse::Ok().json(DailyMetricsRange {
        assistant_id: assistant.id,
        start: range.start(),
        end: range.end(),
        metrics: rows
            .into_iter()
            .map(|r| DailyMetrics::new(r.day, r.calls, r.errors, r.duration_ms, r.cost_nanos))
            .collect(),
    }))
}

/// Window width and range of a rolling average.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RollingQuery {
    /// Window width in days, 1..=365 (default 7).
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
    /// First day reported, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last day reported, inclusive (default: today, UTC); not before `start`, and the range
    /// covers at most 3,660 days.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// Only calls with this status.
    #[param(inline, value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
}

/// One day of a rolling average.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollingPoint {
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// The day's own calls.
    pub call_count: i64,
    /// Mean calls per day over the window ending on `date` (days without data count as 0).
    pub avg_call_count: f64,
    /// Mean minutes per day over the window.
    pub avg_total_minutes: f64,
    /// Mean cost per day over the window, dollars.
    pub avg_total_cost: f64,
    /// Window cost divided by window calls (0 without calls).
    pub avg_call_cost: f64,
}

/// A rolling-average series.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollingAverage {
    pub assistant_id: i64,
    pub window_days: u32,
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end: NaiveDate,
    /// One point per day of the range, oldest first.
    pub points: Vec<RollingPoint>,
}

/// Rolling N-day averages for every day of a range (SQL window functions over a gap-filled
/// day series: missing days count as zero).
#[utoipa::path(
    tag = "metrics",
    params(("id" = i64, Path, description = "Assistant id"), RollingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = RollingAverage),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/assistants/{id}/metrics/rolling-avg")]
pub async fn rolling_average(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<RollingQuery>,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let window = RollingWindow::new(query.days.unwrap_or(7))?;
    let range = RangeQuery {
        start: query.start,
        end: query.end,
    }
    .range()?;
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let filter = SampleFilter::parse(query.status.as_deref(), query.model.as_deref())?;
    let rows = reports::rolling_sums(&mut conn, assistant.id, range, window, &filter).await?;
    let points = rows
        .into_iter()
        .map(|r| {
            let days = r.window_days.max(1) as f64;
            RollingPoint {
                date: r.day,
                call_count: r.calls,
                avg_call_count: r.window_calls as f64 / days,
                avg_total_minutes: ms_to_minutes(r.window_duration_ms) / days,
                avg_total_cost: nanos_to_usd(r.window_cost_nanos) / days,
                avg_call_cost: avg_call_cost(r.window_cost_nanos, r.window_calls),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(RollingAverage {
        assistant_id: assistant.id,
        window_days: window.days(),
        start: range.start(),
        end: range.end(),
        points,
    }))
}

/// Totals and per-day averages of one assistant over a range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AssistantSummary)]
pub struct Summary {
    pub assistant_id: i64,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end: NaiveDate,
    /// Days in the range.
    pub days: i64,
    /// Days of the range with any data.
    pub days_with_data: i64,
    pub totals: Totals,
    /// Totals divided by `days` (days without data count as 0).
    pub daily_average: DailyAverage,
}

/// Sums over a range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub call_count: i64,
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    pub avg_call_cost: f64,
}

/// Means per day over a range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DailyAverage {
    pub call_count: f64,
    pub total_minutes: f64,
    pub total_cost: f64,
}

/// Totals and daily averages of one assistant.
#[utoipa::path(
    tag = "metrics",
    params(("id" = i64, Path, description = "Assistant id"), MetricsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Summary),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/assistants/{id}/metrics/summary")]
pub async fn summary(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MetricsQuery>,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let range = query.range()?;
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let days = reports::daily_series(&mut conn, assistant.id, range, &query.filter()?).await?;
    let mut row = AssistantTotals {
        assistant_id: assistant.id,
        name: assistant.name,
        calls: 0,
        errors: 0,
        duration_ms: 0,
        cost_nanos: 0,
        days_with_data: 0,
    };
    let add = |sum: i64, day: i64| sum.checked_add(day).ok_or_else(ApiError::too_large);
    for day in days {
        row.calls = add(row.calls, day.calls)?;
        row.errors = add(row.errors, day.errors)?;
        row.duration_ms = add(row.duration_ms, day.duration_ms)?;
        row.cost_nanos = add(row.cost_nanos, day.cost_nanos)?;
        row.days_with_data += 1;
    }
    Ok(HttpResponse::Ok().json(Summary::new(row, range)))
}

/// Totals of all the caller's assistants over one range.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TotalsPerAssistant {
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub end: NaiveDate,
    /// One summary per assistant, by id.
    pub assistants: Vec<Summary>,
}

/// Totals and daily averages for each of your assistants.
#[utoipa::path(
    tag = "metrics",
    params(RangeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = TotalsPerAssistant),
        BadRequest,
        Unauthorized,
        Refused,
        Unavailable,
    )
)]
#[get("/metrics/totals")]
pub async fn totals(
    user: AuthUser,
    query: web::Query<RangeQuery>,
    pool: web::Data<PgPool>,
) -> Result<HttpResponse, ApiError> {
    let range = query.range()?;
    let mut conn = pool.get().await?;
    let rows = reports::totals(&mut conn, user.id, range).await?;
    Ok(HttpResponse::Ok().json(TotalsPerAssistant {
        start: range.start(),
        end: range.end(),
        assistants: rows
            .into_iter()
            .map(|row| Summary::new(row, range))
            .collect(),
    }))
}

impl DailyMetrics {
    fn new(date: NaiveDate, calls: i64, errors: i64, duration_ms: i64, cost_nanos: i64) -> Self {
        Self {
            date,
            call_count: calls,
            error_count: errors,
            total_minutes: ms_to_minutes(duration_ms),
            total_cost: nanos_to_usd(cost_nanos),
            avg_call_cost: avg_call_cost(cost_nanos, calls),
        }
    }
}

impl Summary {
    fn new(row: AssistantTotals, range: DateRange) -> Self {
        let days = range.days();
        let per_day = days as f64;
        Self {
            assistant_id: row.assistant_id,
            name: row.name,
            start: range.start(),
            end: range.end(),
            days,
            days_with_data: row.days_with_data,
            totals: Totals {
                call_count: row.calls,
                error_count: row.errors,
                total_minutes: ms_to_minutes(row.duration_ms),
                total_cost: nanos_to_usd(row.cost_nanos),
                avg_call_cost: avg_call_cost(row.cost_nanos, row.calls),
            },
            daily_average: DailyAverage {
                call_count: row.calls as f64 / per_day,
                total_minutes: ms_to_minutes(row.duration_ms) / per_day,
                total_cost: nanos_to_usd(row.cost_nanos) / per_day,
            },
        }
    }
}
