//! Budgets: spending limits per user (all assistants) or per assistant, daily or monthly, and
//! the history of their alerts. The actors check them as samples arrive (see `hub::budget`).

use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use hub::budget::BudgetPeriod;
use hub::units::{nanos_to_usd, usd_to_nanos, MAX_SAMPLE_COST_USD};
use persistence::postgres::models::{Budget, BudgetAlert, NewBudget};
use persistence::postgres::queries::budgets;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, JsonBodyErrors, NotFound, Refused, Unauthorized, Unavailable,
};
use crate::state::AppState;

/// Most budgets one user may have.
pub const MAX_BUDGETS: usize = 100;
/// Most alerts one history page returns.
pub const MAX_ALERTS: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_budget)
        .service(list_budgets)
        .service(delete_budget)
        .service(list_alerts);
}

/// A budget to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateBudget {
    /// One of your assistants; absent for a budget over all of them.
    #[serde(default, deserialize_with = "protocol::json_int::optional_integer")]
    pub assistant_id: Option<i64>,
    /// `daily` or `monthly` (UTC).
    #[schema(example = "monthly", value_type = crate::routes::openapi::schemas::BudgetPeriod)]
    pub period: String,
    /// Limit in US dollars, above 0 and at most 1e6.
    #[schema(example = 250.0, exclusive_minimum = 0, maximum = 1_000_000)]
    pub limit: f64,
}

/// A budget.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BudgetView {
    pub id: i64,
    pub assistant_id: Option<i64>,
    #[schema(value_type = crate::routes::openapi::schemas::BudgetPeriod)]
    pub period: String,
    /// US dollars.
    pub limit: f64,
    pub created_at: DateTime<Utc>,
}

impl From<Budget> for BudgetView {
    fn from(b: Budget) -> Self {
        Self {
            id: b.id,
            assistant_id: b.assistant_id,
            period: b.period,
            limit: nanos_to_usd(b.limit_nanos),
            created_at: b.created_at,
        }
    }
}

/// Creates a budget. Crossing it raises one alert per period: stored, pushed on the live
/// WebSocket (in the delta of the assistant that crossed it), and flagged as `overBudget` in
/// ingest acknowledgements while the period lasts.
#[utoipa::path(
    tag = "budgets",
    request_body = CreateBudget,
    security(("bearer" = [])),
    responses(
        (status = 201, body = BudgetView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/budgets")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_budget(
    user: AuthUser,
    body: web::Json<CreateBudget>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let period = BudgetPeriod::parse(&body.period)?;
    if !body.limit.is_finite() || body.limit <= 0.0 || body.limit > MAX_SAMPLE_COST_USD {
        return Err(hub::ValidationErrors::single(
            "limit",
            format!("must be above 0 and at most {MAX_SAMPLE_COST_USD} US dollars"),
        )
        .into());
    }
    let mut conn = pool.get().await?;
    if let Some(id) = body.assistant_id {
        // Budgets count the spend of their owner's assistants: only your own (admins included).
        let owned = persistence::postgres::queries::assistants::find(&mut conn, id)
            .await?
            .is_some_and(|a| a.owner_id == user.id);
        if !owned {
            return Err(ApiError::NotFound(format!("assistant {id} not found")));
        }
    }
    if budgets::list_for_owner(&mut conn, user.id).await?.len() >= MAX_BUDGETS {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_BUDGETS} budgets; delete one first"
        )));
    }
    let budget = budgets::insert(
        &mut conn,
        &NewBudget {
            owner_id: user.id,
            assistant_id: body.assistant_id,
            period: period.as_str(),
            limit_nanos: usd_to_nanos(body.limit).max(1),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(BudgetView::from(budget)))
}

/// Your budgets.
#[utoipa::path(
    tag = "budgets",
    security(("bearer" = [])),
    responses(
        (status = 200, body = [BudgetView]),
        Unauthorized,
        Refused,
        Unavailable,
    )
)]
#[get("/budgets")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_budgets(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let list: Vec<BudgetView> = budgets::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Deletes one of your budgets and its alert history.
#[utoipa::path(
    tag = "budgets",
    params(("id" = i64, Path, description = "Budget id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[delete("/budgets/{id}")]
#[tracing::instrument(skip_all, fields(budget_id = *path, user_id = user.id))]
pub async fn delete_budget(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let id = path.into_inner();
    let mut conn = pool.get().await?;
    if budgets::delete(&mut conn, user.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("budget {id} not found")))
    }
}

/// Query of the alert history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertsQuery {
    /// Most alerts returned, 1..=500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// One alert: a budget found at or over its limit in one period.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertView {
    pub id: i64,
    pub budget_id: i64,
    pub assistant_id: Option<i64>,
    #[schema(value_type = crate::routes::openapi::schemas::BudgetPeriod)]
    pub period: String,
    pub period_start: NaiveDate,
    /// US dollars spent when the alert was raised.
    pub spent: f64,
    /// The limit then, US dollars.
    pub limit: f64,
    pub triggered_at: DateTime<Utc>,
}

impl From<(BudgetAlert, Budget)> for AlertView {
    fn from((alert, budget): (BudgetAlert, Budget)) -> Self {
        Self {
            id: alert.id,
            budget_id: alert.budget_id,
            assistant_id: budget.assistant_id,
            period: budget.period,
            period_start: alert.period_start,
            spent: nanos_to_usd(alert.spent_nanos),
            limit: nanos_to_usd(alert.limit_nanos),
            triggered_at: alert.triggered_at,
        }
    }
}

/// The alerts of your budgets, newest first.
#[utoipa::path(
    tag = "budgets",
    params(AlertsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [AlertView]),
        BadRequest,
        Unauthorized,
        Unavailable,
    )
)]
#[get("/budgets/alerts")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_alerts(
    user: AuthUser,
    query: web::Query<AlertsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_ALERTS).contains(&limit) {
        return Err(
            hub::ValidationErrors::single("limit", format!("must be 1 to {MAX_ALERTS}")).into(),
        );
    }
    let mut conn = pool.get().await?;
    let list: Vec<AlertView> = budgets::alerts_for_owner(&mut conn, user.id, limit)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
