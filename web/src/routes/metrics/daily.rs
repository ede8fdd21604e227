//! Logging a day of usage (`POST /assistants/{id}/metrics`) and reading a range of days.

use actix::Addr;
use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use hub::actors::Registry;
use hub::daily::avg_call_cost;
use hub::units::{ms_to_minutes, nanos_to_usd};
use hub::{DailyRecord, DailyRecordInput, Sample};
use persistence::postgres::queries::reports::{self, DayTotals};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::access::{owned_assistant, OwnerCache};
use crate::auth::ingest_key::Ingestor;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::ingest::ingest;
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Refused, TooManyRequests, Unauthorized, Unavailable,
};

use super::MetricsQuery;

/// One day of usage as the client reports it. Posting twice for the same day adds up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DailyMetricsRequest {
    /// UTC day, `YYYY-MM-DD`, from 2000-01-01 to one day ahead of today.
    #[schema(value_type = String, format = Date, example = "2026-11-20", pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub date: NaiveDate,
    /// Calls that day, `0..=1e9`.
    #[serde(
        alias = "call_count",
        deserialize_with = "crate::routes::json_int::integer"
    )]
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
