//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: PostgreSQL answers;
//! Redis is reported but optional, because the hub keeps working without it).

use actix_web::{get, web, HttpResponse};
use persistence::postgres::queries::health;
use serde::Serialize;
use utoipa::ToSchema;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

/// Liveness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    #[schema(pattern = "^ok$")]
    pub status: &'static str,
}

/// Readiness answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `ready` when PostgreSQL answers, `unavailable` otherwise.
    #[schema(value_type = crate::routes::openapi::schemas::ReadinessStatus)]
    pub status: &'static str,
    /// PostgreSQL.
    #[schema(value_type = crate::routes::openapi::schemas::ServiceState)]
    pub database: &'static str,
    /// Redis (the hub serves without it, from PostgreSQL).
    #[schema(value_type = crate::routes::openapi::schemas::ServiceState)]
    pub redis: &'static str,
    /// Whether `usage_samples` is a TimescaleDB hypertable (`null` when the database is down).
    pub timescaledb: Option<bool>,
}

/// The process is alive.
#[utoipa::path(tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
#[tracing::instrument(skip_all)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The hub can serve requests: PostgreSQL answers. Redis is reported, not required.
#[utoipa::path(
    tag = "health",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness))
)]
#[get("/readyz")]
#[tracing::instrument(skip_all)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let AppState { pool, cache, .. } = state.get_ref();
    let timescaledb = match pool.get().await {
        Ok(mut conn) => health::timescaledb_enabled(&mut conn).await.ok(),
        Err(_) => None,
    };
    let redis_up = cache.ping().await.is_ok();
    let body = Readiness {
        status: if timescaledb.is_some() {
            "ready"
        } else {
            "unavailable"
        },
        database: if timescaledb.is_some() { "up" } else { "down" },
        redis: if redis_up { "up" } else { "down" },
        timescaledb,
    };
    if timescaledb.is_some() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
use crate::state::AppState;
