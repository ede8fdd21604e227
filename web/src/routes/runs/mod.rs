//! Individual calls: the paginated runs list (filtered, in one of four orders, keyset pages)
//! and the models list. The query ([`query`]) is shared with the export ([`super::export`]).

pub mod query;

use actix_web::{get, web, HttpResponse};
use hub::units::nanos_to_usd;
use persistence::postgres::queries::runs::{self, Run};
use protocol::analytics::ModelCalls;
use protocol::runs::{PriceUsed, RunView, RunsPage};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable};
use crate::state::AppState;
pub use query::RunsQuery;
use query::{decode_cursor, encode_cursor};

/// Most runs one page may hold.
pub const MAX_PAGE: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_runs).service(list_models);
}

/// A stored call as the API shows it (US dollars).
pub(crate) fn run_view(r: Run) -> RunView {
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

/// Your assistants' calls, filtered, in the order asked for (newest first by default), a keyset
/// page at a time. A `nextCursor` continues only the sort it came from.
#[utoipa::path(
    tag = "runs",
    params(
        RunsQuery,
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 500, description = "Page size, 1..=500 (default 50)"),
        ("cursor" = Option<String>, Query, pattern = "^(newest|oldest|slowest|costliest)\\.-?[0-9]{1,19}_-?[0-9]{1,19}$", description = "`nextCursor` of the previous page, under the same `sort` (another sort's cursor is a 400)"),
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
    let sort = query.sort()?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|c| decode_cursor(sort, c))
        .transpose()?;
    let mut conn = pool.get().await?;
    let mut page = runs::page(&mut conn, &filter, sort.order(), cursor, limit + 1).await?;
    let more = page.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    page.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more {
        page.last()
            .map(|run| encode_cursor(sort, sort.order().cursor_after(run)))
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
