//! Rolling averages over a window of days (`GET /assistants/{id}/metrics/rolling-avg`).

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use hub::daily::avg_call_cost;
use hub::units::{ms_to_minutes, nanos_to_usd};
use hub::RollingWindow;
use persistence::postgres::queries::reports::{self, SampleFilter};
use protocol::metrics::{RollingAverage, RollingPoint};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::access::owned_assistant;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Refused, Unauthorized, Unavailable};
use crate::routes::openapi::schemas::CallStatus;
use crate::state::AppState;

use super::RangeQuery;

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
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn rolling_average(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<RollingQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
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
