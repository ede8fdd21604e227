//! Storage, for administrators: rows and bytes per table with the retention periods in force,
//! and "run the cleanup now" (the retention job's pass, see `crate::retention`).

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use persistence::postgres::queries::{health, storage};
use protocol::admin::{StorageView, TableStorage};

use crate::auth::access::require_admin;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{Forbidden, Unauthorized, Unavailable};
use crate::state::AppState;
use protocol::admin::CleanupReport;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(storage_view).service(run_cleanup);
}

/// Rows and bytes of every table, largest first, and the retention periods in force.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StorageView),
        Unauthorized,
        Forbidden,
        Unavailable,
    )
)]
#[get("/admin/storage")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn storage_view(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user, "only administrators may see the storage")?;
    let AppState {
        pool, retention, ..
    } = state.get_ref();
    let mut conn = pool.get().await?;
    let tables = storage::tables(&mut conn)
        .await?
        .into_iter()
        .map(|t| TableStorage {
            table: t.table,
            rows: t.rows,
            rows_exact: t.rows_exact,
            bytes: t.bytes,
        })
        .collect();
    Ok(HttpResponse::Ok().json(StorageView {
        tables,
        retention: retention.periods(),
        timescaledb: health::timescaledb_enabled(&mut conn).await?,
    }))
}

/// Run the retention cleanup now: drops raw samples and minute rollups older than their
/// periods (hour and day rollups stay, so dashboards of old periods do not change).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, body = CleanupReport),
        Unauthorized,
        Forbidden,
        Unavailable,
    )
)]
#[post("/admin/retention/run")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn run_cleanup(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user, "only administrators may run the cleanup")?;
    let AppState {
        pool, retention, ..
    } = state.get_ref();
    let report = crate::retention::clean_up(pool, *retention, Utc::now()).await?;
    tracing::info!(
        raw_samples = report.raw_samples_dropped,
        minute_rollups = report.minute_rollups_dropped,
        "retention cleanup run by an administrator"
    );
    Ok(HttpResponse::Ok().json(report))
}
