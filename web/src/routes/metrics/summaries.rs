//! Totals and daily averages: of one assistant (`/metrics/summary`) and of all of a user's
//! (`/metrics/totals`).

use actix_web::{get, web, HttpResponse};
use hub::daily::avg_call_cost;
use hub::units::{ms_to_minutes, nanos_to_usd};
use hub::DateRange;
use persistence::postgres::queries::reports::{self, AssistantTotals};
use protocol::metrics::{DailyAverage, Summary, Totals, TotalsPerAssistant};

use crate::auth::access::owned_assistant;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Refused, Unauthorized, Unavailable};
use crate::state::AppState;

use super::{MetricsQuery, RangeQuery};

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
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn summary(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<MetricsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
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
    Ok(HttpResponse::Ok().json(summary_of(row, range)))
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
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn totals(
    user: AuthUser,
    query: web::Query<RangeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let range = query.range()?;
    let mut conn = pool.get().await?;
    let rows = reports::totals(&mut conn, user.id, range).await?;
    Ok(HttpResponse::Ok().json(TotalsPerAssistant {
        start: range.start(),
        end: range.end(),
        assistants: rows.into_iter().map(|row| summary_of(row, range)).collect(),
    }))
}

/// The summary of one assistant's totals over `range`.
fn summary_of(row: AssistantTotals, range: DateRange) -> Summary {
    let days = range.days();
    let per_day = days as f64;
    Summary {
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
