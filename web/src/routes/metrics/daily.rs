//! Logging a day of usage (`POST /assistants/{id}/metrics`) and reading a range of days.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use hub::daily::avg_call_cost;
use hub::units::{ms_to_minutes, nanos_to_usd};
use persistence::postgres::queries::reports::{self, DayTotals};
use protocol::ingest::DailyMetricsRequest;
use protocol::metrics::{DailyMetrics, DailyMetricsRange, RecordedDailyMetrics};
use tracing_actix_web::RequestId;

use crate::auth::access::owned_assistant;
use crate::auth::ingest_key::Ingestor;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::ingest::accept_daily;
use crate::routes::openapi::responses::{
    BadRequest, JsonBodyErrors, NotFound, Refused, TooManyRequests, Unauthorized, Unavailable,
};
use crate::state::AppState;

use super::MetricsQuery;

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
#[tracing::instrument(skip_all, fields(assistant_id = *path))]
pub async fn post_daily_metrics(
    ingestor: Ingestor,
    path: web::Path<i64>,
    body: web::Json<DailyMetricsRequest>,
    state: web::Data<AppState>,
    request_id: RequestId,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        registry,
        ..
    } = state.get_ref();
    let assistant_id = path.into_inner();
    ingestor.check(pool, owners, assistant_id).await?;
    let (record, ack) = accept_daily(
        registry,
        assistant_id,
        body.into_inner(),
        request_id.to_string(),
    )
    .await?;
    let recorded = day_view(
        record.date,
        record.calls,
        0,
        record.duration_ms,
        record.cost_nanos,
    );
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
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn daily_metrics(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MetricsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
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
            .map(|r| day_view(r.day, r.calls, r.errors, r.duration_ms, r.cost_nanos))
            .collect(),
    }))
}

/// One day in client units.
fn day_view(
    date: NaiveDate,
    calls: i64,
    errors: i64,
    duration_ms: i64,
    cost_nanos: i64,
) -> DailyMetrics {
    DailyMetrics {
        date,
        call_count: calls,
        error_count: errors,
        total_minutes: ms_to_minutes(duration_ms),
        total_cost: nanos_to_usd(cost_nanos),
        avg_call_cost: avg_call_cost(cost_nanos, calls),
    }
}
