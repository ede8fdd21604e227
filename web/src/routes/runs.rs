//! Individual calls: the paginated runs list and the models list. The filters are shared with
//! the export ([`super::export`]).

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Days, NaiveDate};
use hub::units::nanos_to_usd;
use persistence::postgres::queries::runs::{self, Run, RunCursor, RunFilter};
use persistence::PgPool;
use protocol::analytics::ModelCalls;
use protocol::runs::{PriceUsed, RunView, RunsPage};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::access::OwnerCache;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable};
use crate::routes::openapi::schemas::CallStatus;
use crate::state::AppState;

/// Most runs one page may hold.
pub const MAX_PAGE: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_runs).service(list_models);
}

/// Filters shared by the runs list and the export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
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
    /// Only the calls of this session (its `sessionId`, 1 to 128 characters, no control
    /// characters).
    #[param(
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    pub session: Option<String>,
    /// First UTC day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub start: Option<NaiveDate>,
    /// Last UTC day, inclusive; not before `start`, at most 3,660 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    pub end: Option<NaiveDate>,
    /// Page size (runs list only; documented there).
    #[param(ignore)]
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page (runs list only; documented there).
    #[param(ignore)]
    pub cursor: Option<String>,
    /// `csv` (default), `json` (one array) or `ndjson` (one object per line); export only,
    /// documented there.
    #[param(ignore)]
    pub format: Option<String>,
}

impl RunsQuery {
    pub(super) async fn filter(
        &self,
        user: &AuthUser,
        pool: &PgPool,
        owners: &OwnerCache,
    ) -> Result<RunFilter, ApiError> {
        if let Some(assistant) = self.assistant {
            owners.check(pool, user, assistant).await?;
        }
        let calls = hub::sample::CallFilter::parse(self.status.as_deref(), self.model.as_deref())?;
        if let Some(session) = &self.session {
            let mut errors = hub::ValidationErrors::default();
            errors.check_text("session", session, hub::sample::MAX_SESSION_ID_CHARS);
            errors.into_result(())?;
        }
        match (self.start, self.end) {
            (Some(start), Some(end)) => drop(hub::DateRange::new(start, end)?),
            (start, end) => {
                start
                    .map(|day| hub::range::check_day("start", day))
                    .transpose()?;
                end.map(|day| hub::range::check_day("end", day))
                    .transpose()?;
            }
        }
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        Ok(RunFilter {
            owner_id: user.id,
            assistant_id: self.assistant,
            status: calls.status,
            model: calls.model,
            session_id: self.session.clone(),
            from: self.start.map(midnight),
            until: self
                .end
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .map(midnight),
        })
    }
}

/// A stored call as the API shows it (US dollars).
pub(super) fn run_view(r: Run) -> RunView {
    RunView {
        id: r.id,
        assistant_id: r.assistant_id,
        ts: r.ts,
        model: r.model,
        status: r.status,
        status_code: r.status_code,
        latency_ms: r.latency_ms,
        duration_ms: r.duration_ms,
        tokens_in: r.tokens_in,
        tokens_out: r.tokens_out,
        cost: nanos_to_usd(r.cost_nanos),
        country: r.country,
        domain: r.domain,
        metadata: r.metadata,
        session_id: r.session_id,
        llm_calls: r.llm_calls.map(i64::from),
        tool_calls: r.tool_calls.map(i64::from),
        cache_read_tokens: r.cache_read_tokens,
        price: r.price_id.map(|id| PriceUsed {
            id,
            model: r.price_model,
            effective_from: r.price_effective_from,
            is_override: r.price_owner_id.is_some(),
        }),
    }
}

fn encode_cursor(run: &Run) -> String {
    format!("{}_{}", run.ts.timestamp_micros(), run.id)
}

/// The position a `nextCursor` names; anything else (including a crafted time outside the
/// storable range) is a 400 naming `cursor`.
fn decode_cursor(text: &str) -> Result<RunCursor, ApiError> {
    let bad = || hub::ValidationErrors::single("cursor", "is not a nextCursor of this API");
    let (micros, id) = text.split_once('_').ok_or_else(bad)?;
    let ts = DateTime::from_timestamp_micros(micros.parse().map_err(|_| bad())?).ok_or_else(bad)?;
    Ok(RunCursor {
        ts: hub::range::check_instant("cursor", ts)?,
        id: id.parse().map_err(|_| bad())?,
    })
}

/// Your assistants' calls, newest first, filtered and paginated.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1..=500 (default 50)"),
        ("cursor" = Option<String>, Query, pattern = "^-?[0-9]{1,19}_-?[0-9]{1,19}$", description = "`nextCursor` of the previous page"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, body = RunsPage),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/runs")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_runs(
    user: AuthUser,
    query: web::Query<RunsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    let filter = query.filter(&user, pool, owners).await?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(
            hub::ValidationErrors::single("limit", format!("must be 1 to {MAX_PAGE}")).into(),
        );
    }
    let cursor = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let mut conn = pool.get().await?;
    let mut page = runs::page(&mut conn, &filter, cursor, limit + 1).await?;
    let more = page.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    page.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more {
        page.last().map(encode_cursor)
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(RunsPage {
        runs: page.into_iter().map(run_view).collect(),
        next_cursor,
    }))
}

/// Query of the models list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModelsQuery {
    /// One of your assistants (default: all of them).
    pub assistant: Option<i64>,
}

/// The models your assistants have called, most used first.
#[utoipa::path(
    tag = "runs",
    params(ModelsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [ModelCalls]),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/models")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_models(
    user: AuthUser,
    query: web::Query<ModelsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, owners, .. } = state.get_ref();
    if let Some(assistant) = query.assistant {
        owners.check(pool, &user, assistant).await?;
    }
    let mut conn = pool.get().await?;
    let models = runs::models(&mut conn, user.id, query.assistant).await?;
    let body: Vec<ModelCalls> = models
        .into_iter()
        .map(|m| ModelCalls {
            model: m.model,
            calls: m.calls,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
