//! Analytics over all of a user's assistants (or one): the dashboard payload (cached in Redis,
//! keyed by the live sequence numbers so it is never older than the live stream), summary KPIs
//! and hour/day/week time series filtered by status and model. Everything is read from rollups.

use actix_web::http::header::{self, CacheDirective};
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, Utc};
use hub::analytics::{kpis, Granularity, GranularityExt, Window, WindowExt};
use hub::DateRange;
use persistence::postgres::queries::reports::SampleFilter;
use persistence::postgres::queries::{analytics, assistants};
use persistence::PgPool;
use protocol::analytics::{Dashboard, PeriodSummary, Series};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::access::OwnerCache;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Refused, Unauthorized, Unavailable};
use crate::routes::openapi::schemas::{CallStatus, DashboardRange};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard).service(summary).service(timeseries);
}

/// Header telling whether the dashboard came from the cache (`hit`) or was computed (`miss`).
pub const CACHE_HEADER: &str = "x-cache";

/// The assistants a request covers: `assistant` if given (and yours), else all of yours.
pub(crate) async fn scope(
    user: &AuthUser,
    assistant: Option<i64>,
    pool: &PgPool,
    owners: &OwnerCache,
) -> Result<Vec<i64>, ApiError> {
    if let Some(id) = assistant {
        owners.check(pool, user, id).await?;
        return Ok(vec![id]);
    }
    let mut conn = pool.get().await?;
    Ok(assistants::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect())
}

/// Query of the dashboard.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
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
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
    /// Only calls with this status (KPIs, trend, series and models; see the payload's fields).
    #[param(inline, value_type = Option<CallStatus>)]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub model: Option<String>,
    /// Only calls of this domain (1 to 100 characters, no control characters). The rollups
    /// are not split by domain, so these numbers are computed from the stored calls (exact
    /// while retention keeps them; see docs/analytics.md).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub domain: Option<String>,
}

/// The dashboard: KPIs, trend, projection, series (requests, costs, latency), breakdowns (status
/// codes, models, countries, domains) and anomalies. Served from Redis when nothing changed
/// since it was computed (`X-Cache: hit`); `Cache-Control: no-cache` forces a fresh answer.
#[utoipa::path(
    tag = "analytics",
    params(DashboardQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Dashboard, headers(("x-cache" = String, description = "hit or miss"))),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/dashboard")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn dashboard(
    user: AuthUser,
    query: web::Query<DashboardQuery>,
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        payload_cache: cache,
        ..
    } = state.get_ref();
    let now = Utc::now();
    let range = query.range.as_deref().unwrap_or("7d");
    let window = Window::dashboard(range, query.start, query.end, now)?;
    let filter = SampleFilter::parse(query.status.as_deref(), query.model.as_deref())?;
    let domain = domain_filter(query.domain.as_deref())?;
    let assistants = scope(&user, query.assistant, pool, owners).await?;
    // Debug formatting quotes and escapes the model and domain, so no two filters share a key.
    let description = format!(
        "dashboard|{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
        window.start.timestamp(),
        window.end.timestamp(),
        user.id,
        window.granularity,
        filter.status,
        filter.model,
        domain,
    );
    let key = cache
        .key(&description, &assistants)
        .await
        .map_err(|error| tracing::debug!(%error, "dashboard cache unavailable"))
        .ok();
    if let Some(key) = &key {
        if !bypasses_cache(&request) {
            if let Ok(Some(body)) = cache.get(key).await {
                return Ok(json_response(body, "hit"));
            }
        }
    }
    let input =
        analytics::dashboard_input(pool, &assistants, &window, &filter, domain, now).await?;
    if !hub::analytics::dashboard::fits(&input.cells)
        || !hub::analytics::dashboard::fits(&input.previous)
    {
        return Err(ApiError::too_large());
    }
    let body = serde_json::to_string(&hub::analytics::dashboard::build(window, input, now))
        .map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(key) = &key {
        if let Err(error) = cache.put(key, &body).await {
            tracing::debug!(%error, "dashboard not cached");
        }
    }
    Ok(json_response(body, "miss"))
}

/// A `domain` query parameter, checked like every label (1 to 100 characters, no control
/// characters).
fn domain_filter(domain: Option<&str>) -> Result<Option<&str>, ApiError> {
    if let Some(d) = domain {
        let mut errors = hub::ValidationErrors::default();
        errors.check_text("domain", d, hub::sample::MAX_LABEL_CHARS);
        errors.into_result(())?;
    }
    Ok(domain)
}

/// The cells of a window: from the rollups, or for one domain from its stored calls.
async fn cells(
    conn: &mut diesel_async::AsyncPgConnection,
    assistants: &[i64],
    window: &Window,
    filter: &SampleFilter,
    domain: Option<&str>,
) -> Result<Vec<hub::analytics::Cell>, ApiError> {
    Ok(match domain {
        Some(d) => {
            persistence::postgres::queries::domain::cells(conn, assistants, window, filter, d)
                .await?
        }
        None => analytics::cells(conn, assistants, window, filter).await?,
    })
}

/// Whether the client asked for a fresh answer (`Cache-Control: no-cache`).
fn bypasses_cache(request: &HttpRequest) -> bool {
    use actix_web::http::header::Header;
    header::CacheControl::parse(request).is_ok_and(|cc| cc.0.contains(&CacheDirective::NoCache))
}

fn json_response(body: String, cache: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((CACHE_HEADER, cache))
        .body(body)
}

/// Query of the summary and of time series.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// First UTC day, `YYYY-MM-DD`.
    #[param(value_type = String, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: NaiveDate,
    /// Last UTC day, inclusive; not before `start`, at most 400 days in all.
    #[param(value_type = String, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: NaiveDate,
    /// `hour` (at most 31 days), `day` (default) or `week` (ISO weeks, the first and last may be
    /// partial); time series only. Ranges cover at most 400 days.
    #[param(inline, value_type = Option<Granularity>)]
    pub granularity: Option<String>,
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
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
    /// Only calls of this domain (1 to 100 characters, no control characters). The rollups
    /// are not split by domain, so these numbers are computed from the stored calls (exact
    /// while retention keeps them; see docs/analytics.md).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub domain: Option<String>,
}

impl SeriesQuery {
    fn window(&self) -> Result<Window, ApiError> {
        let range = DateRange::new(self.start, self.end)?;
        let granularity = Granularity::parse(self.granularity.as_deref().unwrap_or("day"))?;
        Ok(Window::series(range, granularity)?)
    }
}

/// Summary KPIs of a date range: totals, success rate, average duration, costs per run,
/// success and failure, tokens, latency percentiles; filtered by status and model.
#[utoipa::path(
    tag = "analytics",
    params(SeriesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PeriodSummary),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/summary")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn summary(
    user: AuthUser,
    query: web::Query<SeriesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    // Whole days: the day rollups are enough and cheaper. `granularity` does not apply, but a
    // value that is not one is still refused, as everywhere.
    query
        .granularity
        .as_deref()
        .map(Granularity::parse)
        .transpose()?;
    let window = Window::series(DateRange::new(query.start, query.end)?, Granularity::Day)?;
    let filter = SampleFilter::parse(query.status.as_deref(), query.model.as_deref())?;
    let domain = domain_filter(query.domain.as_deref())?;
    let assistants = scope(&user, query.assistant, pool, owners).await?;
    let mut conn = pool.get().await?;
    let current = cells(&mut conn, &assistants, &window, &filter, domain).await?;
    let previous = cells(&mut conn, &assistants, &window.previous(), &filter, domain).await?;
    let current = hub::analytics::dashboard::overall(&current);
    let previous = hub::analytics::dashboard::overall(&previous);
    if current.is_saturated() || previous.is_saturated() {
        return Err(ApiError::too_large());
    }
    Ok(HttpResponse::Ok().json(PeriodSummary {
        window,
        kpis: kpis::of(&current),
        trend: kpis::trend(&previous.totals, &current.totals),
    }))
}

/// Calls, errors, cost, tokens, durations and latency percentiles per hour, day or week,
/// filtered by status and model.
#[utoipa::path(
    tag = "analytics",
    params(SeriesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Series),
        BadRequest,
        Unauthorized,
        NotFound,
        Refused,
        Unavailable,
    )
)]
#[get("/timeseries")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn timeseries(
    user: AuthUser,
    query: web::Query<SeriesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    let window = query.window()?;
    let filter = SampleFilter::parse(query.status.as_deref(), query.model.as_deref())?;
    let domain = domain_filter(query.domain.as_deref())?;
    let assistants = scope(&user, query.assistant, pool, owners).await?;
    let mut conn = pool.get().await?;
    let cells = cells(&mut conn, &assistants, &window, &filter, domain).await?;
    if !hub::analytics::dashboard::fits(&cells) {
        return Err(ApiError::too_large());
    }
    Ok(HttpResponse::Ok().json(Series {
        points: hub::analytics::dashboard::series(&window, &cells),
        window,
    }))
}
