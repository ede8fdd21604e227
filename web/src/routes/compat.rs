//! The seed documents' dashboard APIs, which their frontends already consume:
//! `GET /compat/dashboard` (seed 002) and `GET /compat/telemetry` (seed 004). Both are built
//! from the same inputs and code as `GET /dashboard` (`analytics::dashboard_input`, then
//! `hub::analytics::dashboard::build`) and mapped by `hub::analytics::compat`; see
//! docs/compat.md.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Days, NaiveDate, Utc};
use hub::analytics::compat;
use hub::analytics::{Window, WindowExt};
use hub::sample::MAX_LABEL_CHARS;
use hub::ValidationErrors;
use persistence::postgres::queries::analytics;
use persistence::postgres::queries::compat::domain_buckets;
use persistence::postgres::queries::reports::SampleFilter;
use persistence::PgPool;
use protocol::analytics::Dashboard;
use protocol::compat::{SeedDashboard, Telemetry};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::analytics::scope;
use crate::routes::openapi::responses::{BadRequest, Refused, Unauthorized, Unavailable};
use crate::routes::openapi::schemas::DashboardRange;
use crate::routes::sessions::active;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(seed_dashboard).service(telemetry);
}

/// Default and largest `days` of the telemetry.
pub const DEFAULT_TELEMETRY_DAYS: i64 = 7;
pub const MAX_TELEMETRY_DAYS: i64 = 90;

/// The native dashboard of all of `assistants` in `window` at `now`, unfiltered.
async fn native(
    pool: &PgPool,
    assistants: &[i64],
    window: Window,
    now: DateTime<Utc>,
) -> Result<Dashboard, ApiError> {
    let filter = SampleFilter::default();
    let input = analytics::dashboard_input(pool, assistants, &window, &filter, None, now).await?;
    if !hub::analytics::dashboard::fits(&input.cells)
        || !hub::analytics::dashboard::fits(&input.previous)
    {
        return Err(ApiError::too_large());
    }
    Ok(hub::analytics::dashboard::build(window, input, now))
}

/// Query of the seed-002 dashboard: the same range rules as `GET /dashboard`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeedDashboardQuery {
    /// `24h` (hourly buckets), `7d`, `1m` (30 days), `3m` (90 days) (daily buckets) or
    /// `custom` (needs `start` and `end`; hourly up to 2 days, daily beyond). Default `7d`.
    #[param(inline, value_type = Option<DashboardRange>)]
    pub range: Option<String>,
    /// First UTC day of a custom range, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last UTC day of a custom range, inclusive; not before `start`, at most 400 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
}

/// Seed 002's dashboard payload over all your assistants: requests, costs and p95 latency per
/// bucket as parallel arrays, errors by status code, top models and countries. The same
/// numbers as `GET /dashboard` for the same range (docs/compat.md).
#[utoipa::path(
    tag = "compat",
    params(SeedDashboardQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = SeedDashboard),
        BadRequest,
        Unauthorized,
        Refused,
        Unavailable,
    )
)]
#[get("/compat/dashboard")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn seed_dashboard(
    user: AuthUser,
    query: web::Query<SeedDashboardQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    let now = Utc::now();
    let range = query.range.as_deref().unwrap_or("7d");
    let window = Window::dashboard(range, query.start, query.end, now)?;
    let assistants = scope(&user, None, pool, owners).await?;
    let dashboard = native(pool, &assistants, window, now).await?;
    Ok(HttpResponse::Ok().json(compat::seed_dashboard(range, &dashboard)))
}

/// Query of the seed-004 telemetry.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TelemetryQuery {
    /// The UTC days ending today, `1..=90` (default 7); hourly buckets for up to 2 days.
    #[param(minimum = 1, maximum = 90)]
    pub days: Option<i64>,
    /// Only calls of this domain, where the rollups allow (see docs/compat.md): 1 to 100
    /// characters, no control characters.
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub domain: Option<String>,
}

impl TelemetryQuery {
    /// The window of the last `days` UTC days, and the domain; every problem at once.
    fn parse(&self, now: DateTime<Utc>) -> Result<(Window, Option<&str>), ApiError> {
        let mut errors = ValidationErrors::default();
        let days = self.days.unwrap_or(DEFAULT_TELEMETRY_DAYS);
        if !(1..=MAX_TELEMETRY_DAYS).contains(&days) {
            errors.add(
                "days",
                format!("must be between 1 and {MAX_TELEMETRY_DAYS}"),
            );
        }
        if let Some(domain) = &self.domain {
            errors.check_text("domain", domain, MAX_LABEL_CHARS);
        }
        errors.into_result(())?;
        let today = now.date_naive();
        let start = today
            .checked_sub_days(Days::new(days.unsigned_abs().saturating_sub(1)))
            .unwrap_or(today);
        let window = Window::dashboard("custom", Some(start), Some(today), now)?;
        Ok((window, self.domain.as_deref()))
    }
}

/// Seed 004's telemetry payload over all your assistants: overview, cost with projections,
/// tokens, latency, model and domain shares, the last 24 hours by hour and the active
/// sessions. The same numbers as `GET /dashboard` and `GET /sessions/live` (docs/compat.md).
#[utoipa::path(
    tag = "compat",
    params(TelemetryQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Telemetry),
        BadRequest,
        Unauthorized,
        Refused,
        Unavailable,
    )
)]
#[get("/compat/telemetry")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn telemetry(
    user: AuthUser,
    query: web::Query<TelemetryQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        registry,
        ..
    } = state.get_ref();
    let now = Utc::now();
    let (window, domain) = query.parse(now)?;
    let last_day = Window::dashboard("24h", None, None, now)?;
    let assistants = scope(&user, None, pool, owners).await?;
    let dashboard = native(pool, &assistants, window, now).await?;
    let mut conn = pool.get().await?;
    let (domain_sums, hourly) = match domain {
        Some(domain) => {
            let sums = domain_buckets(&mut conn, &assistants, &window, domain).await?;
            let hours = domain_buckets(&mut conn, &assistants, &last_day, domain).await?;
            (Some(sums), compat::hourly_trend_of_label(&last_day, &hours))
        }
        None => {
            let filter = SampleFilter::default();
            let cells = analytics::cells(&mut conn, &assistants, &last_day, &filter).await?;
            if !hub::analytics::dashboard::fits(&cells) {
                return Err(ApiError::too_large());
            }
            (None, compat::hourly_trend(&last_day, &cells))
        }
    };
    drop(conn);
    let live = active(registry, assistants).await?;
    Ok(HttpResponse::Ok().json(compat::telemetry(
        &dashboard,
        domain_sums.as_deref(),
        hourly,
        live,
    )))
}
