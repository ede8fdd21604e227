//! `/alert-rules`: error-rate and latency p95 rules over one of your assistants or all of them
//! (create, list, change, delete) and their firings (`/alert-rules/alerts`), each with the state
//! of its webhook delivery. The evaluation is `hub::alert_rules` and
//! `persistence::postgres::queries::alert_rules::check`, run by the actors after each batch.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use hub::alert_rules::{Metric, RuleChange, RuleSpec};
use persistence::postgres::models::{AlertRule, AlertRuleChanges, NewAlertRule, RuleAlert};
use persistence::postgres::queries::{alert_rules, deliveries};
use protocol::alert_rules::{AlertRuleView, CreateAlertRule, RuleAlertView, UpdateAlertRule};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::routes::webhooks::{check_owned, delivery_view};
use crate::state::AppState;

/// Most rules one user may have.
pub const MAX_RULES: i64 = 100;
/// Most firings one history page returns.
pub const MAX_ALERTS: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_rule_alerts)
        .service(create_rule)
        .service(list_rules)
        .service(update_rule)
        .service(delete_rule);
}

fn view(rule: AlertRule, firing: bool) -> AlertRuleView {
    AlertRuleView {
        id: rule.id,
        assistant_id: rule.assistant_id,
        metric: rule.metric,
        threshold: rule.threshold,
        window_minutes: i64::from(rule.window_minutes),
        min_calls: i64::from(rule.min_calls),
        webhook_id: rule.webhook_id,
        created_at: rule.created_at,
        firing,
    }
}

/// Creates a rule. After each batch of a covered assistant the rule's metric over its window is
/// computed; above the threshold (with at least `minCalls` calls) it fires once: stored, pushed
/// live (`ruleAlerts`), POSTed to its webhook; it resolves when an evaluation finds the metric
/// at or under the threshold again.
#[utoipa::path(
    tag = "alerts",
    request_body = CreateAlertRule,
    security(("bearer" = [])),
    responses(
        (status = 201, body = AlertRuleView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/alert-rules")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_rule(
    user: AuthUser,
    body: web::Json<CreateAlertRule>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let spec = RuleSpec::parse(&body)?;
    let mut conn = state.pool.get().await?;
    if let Some(id) = spec.assistant_id {
        let owned = persistence::postgres::queries::assistants::find(&mut conn, id)
            .await?
            .is_some_and(|a| a.owner_id == user.id);
        if !owned {
            return Err(ApiError::NotFound(format!("assistant {id} not found")));
        }
    }
    check_owned(&mut conn, user.id, spec.webhook_id).await?;
    if alert_rules::count_for_owner(&mut conn, user.id).await? >= MAX_RULES {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_RULES} alert rules; delete one first"
        )));
    }
    let rule = alert_rules::insert(
        &mut conn,
        &NewAlertRule {
            owner_id: user.id,
            assistant_id: spec.assistant_id,
            metric: spec.metric.as_str(),
            threshold: spec.threshold,
            window_minutes: spec.window_minutes,
            min_calls: spec.min_calls,
            webhook_id: spec.webhook_id,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(view(rule, false)))
}

/// Your rules, oldest first, each saying whether it is firing.
#[utoipa::path(
    tag = "alerts",
    security(("bearer" = [])),
    responses((status = 200, body = [AlertRuleView]), Unauthorized, Unavailable)
)]
#[get("/alert-rules")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_rules(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let list: Vec<AlertRuleView> = alert_rules::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(|(rule, firing)| view(rule, firing))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Changes one of your rules (absent fields stay; `webhookId: null` removes the webhook). The
/// metric and the assistant cannot change: delete and create instead. The next batch is
/// evaluated against the new values; an open firing stays open until then.
#[utoipa::path(
    tag = "alerts",
    params(("id" = i64, Path, description = "Rule id")),
    request_body = UpdateAlertRule,
    security(("bearer" = [])),
    responses(
        (status = 200, body = AlertRuleView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[patch("/alert-rules/{id}")]
#[tracing::instrument(skip_all, fields(rule_id = *path, user_id = user.id))]
pub async fn update_rule(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateAlertRule>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let not_found = || ApiError::NotFound(format!("alert rule {id} not found"));
    let rule = alert_rules::find_owned(&mut conn, user.id, id)
        .await?
        .ok_or_else(not_found)?;
    let metric = Metric::parse(&rule.metric).unwrap_or(Metric::ErrorRate);
    let change = RuleChange::parse(&body, metric)?;
    check_owned(&mut conn, user.id, change.webhook_id.flatten()).await?;
    let changes = AlertRuleChanges {
        threshold: change.threshold,
        window_minutes: change.window_minutes,
        min_calls: change.min_calls,
        webhook_id: change.webhook_id,
    };
    let rule = alert_rules::update(&mut conn, user.id, id, &changes)
        .await?
        .ok_or_else(not_found)?;
    let firing = !alert_rules::open_firings(&mut conn, vec![id])
        .await?
        .is_empty();
    Ok(HttpResponse::Ok().json(view(rule, firing)))
}

/// Deletes one of your rules and its firings.
#[utoipa::path(
    tag = "alerts",
    params(("id" = i64, Path, description = "Rule id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), Unauthorized, NotFound, Unavailable)
)]
#[delete("/alert-rules/{id}")]
#[tracing::instrument(skip_all, fields(rule_id = *path, user_id = user.id))]
pub async fn delete_rule(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    if alert_rules::delete(&mut conn, user.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("alert rule {id} not found")))
    }
}

/// Query of the firing history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RuleAlertsQuery {
    /// Most firings returned, 1..=500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

fn alert_view(
    alert: RuleAlert,
    delivery: Option<protocol::webhooks::DeliveryView>,
) -> RuleAlertView {
    RuleAlertView {
        id: alert.id,
        rule_id: alert.rule_id,
        assistant_id: alert.assistant_id,
        metric: alert.metric,
        threshold: alert.threshold,
        window_minutes: i64::from(alert.window_minutes),
        value: alert.value,
        calls: alert.calls,
        window_start: alert.window_start,
        triggered_at: alert.triggered_at,
        resolved_at: alert.resolved_at,
        resolved_value: alert.resolved_value,
        delivery,
    }
}

/// The firings of your rules, newest first, each with its webhook delivery's state.
#[utoipa::path(
    tag = "alerts",
    params(RuleAlertsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [RuleAlertView]),
        BadRequest,
        Unauthorized,
        Unavailable,
    )
)]
#[get("/alert-rules/alerts")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_rule_alerts(
    user: AuthUser,
    query: web::Query<RuleAlertsQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_ALERTS).contains(&limit) {
        return Err(
            hub::ValidationErrors::single("limit", format!("must be 1 to {MAX_ALERTS}")).into(),
        );
    }
    let mut conn = state.pool.get().await?;
    let alerts = alert_rules::alerts_for_owner(&mut conn, user.id, limit).await?;
    let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
    let mut sent = deliveries::of_rule_alerts(&mut conn, &ids).await?;
    let list: Vec<RuleAlertView> = alerts
        .into_iter()
        .map(|alert| {
            let delivery = sent
                .iter()
                .position(|d| d.rule_alert_id == Some(alert.id))
                .map(|i| delivery_view(sent.swap_remove(i)));
            alert_view(alert, delivery)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
