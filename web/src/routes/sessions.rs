//! Sessions (calls that carry a `sessionId`): the active ones, answered from the assistant
//! actors' memory through the registry (never the database), and the history of a date range,
//! read from the stored samples.

use actix_web::{get, web, HttpResponse};
use chrono::{Days, NaiveDate, Utc};
use hub::actors::messages::LiveSessions as LiveSessionsRequest;
use hub::sessions::history;
use persistence::postgres::queries::sessions;
use protocol::sessions::{LiveSessions, SessionHistory};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::analytics::scope;
use crate::routes::openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(live_sessions).service(session_history);
}

/// Default length of a history, in days (as the other ranges: `start` 29 days before `end`).
const DEFAULT_HISTORY_DAYS: u64 = 30;

/// Which assistants' active sessions.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
}

/// The active sessions of your assistants (or one), newest activity first: a session is active
/// while its calls keep arriving within `APP_SESSIONS__IDLE_TIMEOUT_SECS` (default 300 s).
/// Answered from the assistant actors' memory, without a database query for the sessions.
#[utoipa::path(
    tag = "sessions",
    params(LiveQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = LiveSessions),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/sessions/live")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn live_sessions(
    user: AuthUser,
    query: web::Query<LiveQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        registry,
        ..
    } = state.get_ref();
    let assistants = scope(&user, query.assistant, pool, owners).await?;
    let body = active(registry, assistants).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The active sessions of `assistants`, from their actors.
pub async fn active(
    registry: &actix::Addr<hub::actors::Registry>,
    assistants: Vec<i64>,
) -> Result<LiveSessions, ApiError> {
    let found = registry
        .send(LiveSessionsRequest { assistants })
        .await
        // The registry is gone only while the hub stops: another node (or a retry) can answer.
        .map_err(|e| ApiError::Unavailable(Box::new(e)))?;
    let now = Utc::now();
    Ok(LiveSessions {
        count: found.len(),
        sessions: found.iter().map(|s| s.view(now)).collect(),
    })
}

/// A date range of the session history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// First UTC day, `YYYY-MM-DD` (default: 29 days before `end`).
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last UTC day, inclusive (default: today); not before `start`, at most 90 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
}

/// Stored sessions of a date range: how many, their average duration (first to last call),
/// cost and calls, and the same per UTC day (by the day of a session's first call). Read from
/// the raw samples grouped by session, so the range is limited to 90 days; each session id of
/// an assistant counts once in a range.
#[utoipa::path(
    tag = "sessions",
    params(HistoryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = SessionHistory),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/sessions")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn session_history(
    user: AuthUser,
    query: web::Query<HistoryQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    let end = query.end.unwrap_or_else(|| Utc::now().date_naive());
    let start = query.start.unwrap_or_else(|| {
        end.checked_sub_days(Days::new(DEFAULT_HISTORY_DAYS - 1))
            .unwrap_or(end)
    });
    let range = history::history_range(start, end)?;
    let assistants = scope(&user, query.assistant, pool, owners).await?;
    let mut conn = pool.get().await?;
    let days = sessions::history(&mut conn, &assistants, range.start(), range.end()).await?;
    Ok(HttpResponse::Ok().json(history::build(range, assistants, &days)))
}
