//! Budgets: spending limits per user (all assistants) or per assistant, daily or monthly,
//! optionally over one domain, with warning thresholds; each listed with its spend in the
//! current period; and the history of their alerts. The actors check them as samples arrive
//! (see `hub::budget`); the wire types are `protocol::budgets`.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::Utc;
use hub::budget::{BudgetChange, BudgetPeriod, BudgetSpec, Progress, Thresholds};
use hub::units::nanos_to_usd;
use persistence::postgres::models::{Budget, BudgetAlert, BudgetChanges, NewBudget};
use persistence::postgres::queries::{budgets, deliveries};
use protocol::budgets::{AlertView, BudgetView, CreateBudget, UpdateBudget};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, JsonBodyErrors, NotFound, Refused, Unauthorized, Unavailable,
};
use crate::routes::webhooks::{check_owned, delivery_view};
use crate::state::AppState;

/// Most budgets one user may have.
pub const MAX_BUDGETS: i64 = 100;
/// Most alerts one history page returns.
pub const MAX_ALERTS: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_budget)
        .service(list_budgets)
        .service(update_budget)
        .service(delete_budget)
        .service(list_alerts);
}

/// The answer for a budget with `spent_nanos` spent in its period holding now.
fn view(budget: Budget, spent_nanos: i64) -> BudgetView {
    let period = BudgetPeriod::parse(&budget.period).unwrap_or(BudgetPeriod::Daily);
    let thresholds = Thresholds::from_stored(budget.threshold_values());
    let progress = Progress::of(
        period,
        budget.limit_nanos,
        &thresholds,
        spent_nanos,
        Utc::now(),
    );
    BudgetView {
        id: budget.id,
        assistant_id: budget.assistant_id,
        period: budget.period,
        limit: nanos_to_usd(budget.limit_nanos),
        thresholds: thresholds
            .as_slice()
            .iter()
            .map(|t| i64::from(*t))
            .collect(),
        domain: budget.domain,
        created_at: budget.created_at,
        spent: nanos_to_usd(progress.spent_nanos),
        percent_used: progress.percent_used,
        projected: nanos_to_usd(progress.projected_nanos),
        period_start: progress.period_start,
        period_end: progress.period_end,
        crossed: progress.crossed.into_iter().map(i64::from).collect(),
        webhook_id: budget.webhook_id,
    }
}

/// The current spend of one of `owner_id`'s budgets (0 if it is gone meanwhile).
async fn spent_nanos(
    conn: &mut diesel_async::AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> Result<i64, ApiError> {
    let list = budgets::list_with_spend(conn, owner_id, Utc::now().date_naive()).await?;
    Ok(list
        .into_iter()
        .find(|(b, _)| b.id == id)
        .map_or(0, |(_, spent)| spent))
}

/// Creates a budget. Each threshold its spend reaches raises one alert per period: stored,
/// pushed on the live WebSocket (in the delta of the assistant whose samples reached it); while
/// the spend is at or over the limit itself, ingest acknowledgements say `overBudget`.
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
    let spec = BudgetSpec::parse(&body)?;
    let mut conn = pool.get().await?;
    if let Some(id) = spec.assistant_id {
        // Budgets count the spend of their owner's assistants: only your own (admins included).
        let owned = persistence::postgres::queries::assistants::find(&mut conn, id)
            .await?
            .is_some_and(|a| a.owner_id == user.id);
        if !owned {
            return Err(ApiError::NotFound(format!("assistant {id} not found")));
        }
    }
    check_owned(&mut conn, user.id, spec.webhook_id).await?;
    if budgets::count_for_owner(&mut conn, user.id).await? >= MAX_BUDGETS {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_BUDGETS} budgets; delete one first"
        )));
    }
    let budget = budgets::insert(
        &mut conn,
        &NewBudget {
            owner_id: user.id,
            assistant_id: spec.assistant_id,
            period: spec.period.as_str(),
            limit_nanos: spec.limit_nanos,
            thresholds: spec.thresholds.into_vec(),
            domain: spec.domain.as_deref(),
            webhook_id: spec.webhook_id,
        },
    )
    .await?;
    let spent = spent_nanos(&mut conn, user.id, budget.id).await?;
    Ok(HttpResponse::Created().json(view(budget, spent)))
}

/// Your budgets, oldest first, each with where it stands in its current period.
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
    let list: Vec<BudgetView> =
        budgets::list_with_spend(&mut conn, user.id, Utc::now().date_naive())
            .await?
            .into_iter()
            .map(|(budget, spent)| view(budget, spent))
            .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Changes the limit, the thresholds and/or the webhook of one of your budgets (absent fields
/// stay; `webhookId: null` removes the webhook). Alerts
/// already raised this period stay; the next ingested sample is checked against the new values.
#[utoipa::path(
    tag = "budgets",
    params(("id" = i64, Path, description = "Budget id")),
    request_body = UpdateBudget,
    security(("bearer" = [])),
    responses(
        (status = 200, body = BudgetView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[patch("/budgets/{id}")]
#[tracing::instrument(skip_all, fields(budget_id = *path, user_id = user.id))]
pub async fn update_budget(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateBudget>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let id = path.into_inner();
    let change = BudgetChange::parse(&body)?;
    let mut conn = pool.get().await?;
    check_owned(&mut conn, user.id, change.webhook_id.flatten()).await?;
    let changes = BudgetChanges {
        limit_nanos: change.limit_nanos,
        thresholds: change.thresholds.map(Thresholds::into_vec),
        webhook_id: change.webhook_id,
    };
    let Some(budget) = budgets::update(&mut conn, user.id, id, &changes).await? else {
        return Err(ApiError::NotFound(format!("budget {id} not found")));
    };
    let spent = spent_nanos(&mut conn, user.id, id).await?;
    Ok(HttpResponse::Ok().json(view(budget, spent)))
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

fn alert_view(
    (alert, budget): (BudgetAlert, Budget),
    delivery: Option<protocol::webhooks::DeliveryView>,
) -> AlertView {
    AlertView {
        id: alert.id,
        budget_id: alert.budget_id,
        assistant_id: budget.assistant_id,
        period: budget.period,
        domain: budget.domain,
        period_start: alert.period_start,
        threshold: i64::from(alert.threshold),
        spent: nanos_to_usd(alert.spent_nanos),
        limit: nanos_to_usd(alert.limit_nanos),
        triggered_at: alert.triggered_at,
        delivery,
    }
}

/// The alerts of your budgets, newest first: one per budget, period and threshold reached.
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
    let alerts = budgets::alerts_for_owner(&mut conn, user.id, limit).await?;
    let ids: Vec<i64> = alerts.iter().map(|(a, _)| a.id).collect();
    let mut sent = deliveries::of_budget_alerts(&mut conn, &ids).await?;
    let list: Vec<AlertView> = alerts
        .into_iter()
        .map(|row| {
            let delivery = sent
                .iter()
                .position(|d| d.budget_alert_id == Some(row.0.id))
                .map(|i| delivery_view(sent.swap_remove(i)));
            alert_view(row, delivery)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
