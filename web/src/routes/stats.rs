//! `GET /assistants/{id}/stats`: the live tile numbers (today, last 24 hours, last 7 days),
//! served from the Redis cache the actors keep current, or from PostgreSQL when the cache
//! misses, is stale, or Redis is down.

use actix_web::{get, web, HttpResponse};
use chrono::Utc;
use hub::store::current_stats;
use protocol::live::StatsView;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{NotFound, Unauthorized, Unavailable};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(stats);
}

/// Current statistics of one assistant.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatsResponse {
    pub assistant_id: i64,
    /// Sequence number of the live delta these come from (0: computed from the database).
    pub seq: u64,
    /// Whether they came from the cache.
    pub cached: bool,
    /// `{today, last24h, last7Days}`, each `{calls, errors, cost, totalMinutes, tokensIn, tokensOut}`.
    #[schema(value_type = Object)]
    pub stats: StatsView,
}

/// Live statistics of one assistant (the numbers of a dashboard tile).
#[utoipa::path(
    tag = "metrics",
    params(("id" = i64, Path, description = "Assistant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = StatsResponse),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/assistants/{id}/stats")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn stats(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        owners,
        store,
        bus,
        ..
    } = state.get_ref();
    let assistant_id = path.into_inner();
    owners.check(pool, &user, assistant_id).await?;
    let current =
        current_stats(store.as_ref(), Some(bus.as_ref()), assistant_id, Utc::now()).await?;
    Ok(HttpResponse::Ok().json(StatsResponse {
        assistant_id,
        seq: current.seq,
        cached: current.cached,
        stats: current.stats.view(),
    }))
}
