//! `/webhooks`: the URLs alerts are POSTed to. Creating one checks the URL against the SSRF
//! policy (`crate::webhooks::policy`) and answers its signing secret, once; the secret can be
//! rotated (the new one answered once); each webhook's deliveries can be listed with their
//! state. Budgets and alert rules name a webhook by id (`webhookId`).

use actix_web::{delete, get, post, web, HttpResponse};
use persistence::postgres::models::{Delivery, NewWebhook, Webhook};
use persistence::postgres::queries::{deliveries, webhooks};
use protocol::webhooks::{CreateWebhook, DeliveryView, WebhookSecret, WebhookView};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::state::AppState;
use crate::webhooks::signature;

/// Most webhooks one user may have.
pub const MAX_WEBHOOKS: i64 = 20;
/// Most deliveries one listing returns.
pub const MAX_DELIVERIES: i64 = 500;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(rotate_secret)
        .service(delete_webhook)
        .service(list_deliveries);
}

fn view(webhook: Webhook, pending: i64) -> WebhookView {
    WebhookView {
        id: webhook.id,
        url: webhook.url,
        created_at: webhook.created_at,
        secret_rotated_at: webhook.secret_rotated_at,
        pending,
    }
}

/// The client-facing state of a delivery.
pub fn delivery_view(delivery: Delivery) -> DeliveryView {
    DeliveryView {
        id: delivery.id,
        webhook_id: delivery.webhook_id,
        state: delivery.state,
        attempts: i64::from(delivery.attempts),
        last_status: delivery.last_status.map(i64::from),
        last_error: delivery.last_error,
        next_attempt_at: delivery.next_attempt_at,
        created_at: delivery.created_at,
        delivered_at: delivery.delivered_at,
    }
}

/// Checks that webhook `id` is `owner_id`'s (another user's is a 404, like a missing one).
pub async fn check_owned(
    conn: &mut diesel_async::AsyncPgConnection,
    owner_id: i64,
    id: Option<i64>,
) -> Result<(), ApiError> {
    match id {
        Some(id) if webhooks::find_owned(conn, owner_id, id).await?.is_none() => {
            Err(ApiError::NotFound(format!("webhook {id} not found")))
        }
        _ => Ok(()),
    }
}

/// Creates a webhook. The URL must be `http` or `https` and aimed at a public address: loopback,
/// private, link-local, CGNAT, unique-local, multicast and similar targets are refused (400,
/// field `url`) unless the hub's settings allow-list them; a host name is resolved and every
/// address checked. The answer holds the signing secret, shown only now.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    security(("bearer" = [])),
    responses(
        (status = 201, body = WebhookSecret),
        JsonBodyErrors,
        Unauthorized,
        Conflict,
        Unavailable,
    )
)]
#[post("/webhooks")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_webhook(
    user: AuthUser,
    body: web::Json<CreateWebhook>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        webhooks: policy,
        ..
    } = state.get_ref();
    let url = policy.check_url(&body.url).await?;
    let mut conn = pool.get().await?;
    if webhooks::count_for_owner(&mut conn, user.id).await? >= MAX_WEBHOOKS {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_WEBHOOKS} webhooks; delete one first"
        )));
    }
    let secret = signature::new_secret();
    let webhook = webhooks::insert(
        &mut conn,
        &NewWebhook {
            owner_id: user.id,
            url: url.as_str(),
            secret: &secret,
        },
    )
    .await?;
    tracing::info!(webhook_id = webhook.id, "webhook created");
    Ok(HttpResponse::Created().json(WebhookSecret {
        webhook: view(webhook, 0),
        secret,
    }))
}

/// Your webhooks, oldest first, without their secrets.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, body = [WebhookView]), Unauthorized, Unavailable)
)]
#[get("/webhooks")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_webhooks(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let list: Vec<WebhookView> = webhooks::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(|(w, pending)| view(w, pending))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Replaces the signing secret of one of your webhooks; the new one is answered, only now.
/// Attempts from now on (retries of earlier alerts too) are signed with it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id")),
    security(("bearer" = [])),
    responses((status = 200, body = WebhookSecret), Unauthorized, NotFound, Unavailable)
)]
#[post("/webhooks/{id}/secret")]
#[tracing::instrument(skip_all, fields(webhook_id = *path, user_id = user.id))]
pub async fn rotate_secret(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let secret = signature::new_secret();
    let mut conn = state.pool.get().await?;
    let Some(webhook) = webhooks::rotate_secret(&mut conn, user.id, id, &secret).await? else {
        return Err(ApiError::NotFound(format!("webhook {id} not found")));
    };
    tracing::info!("webhook secret rotated");
    Ok(HttpResponse::Ok().json(WebhookSecret {
        webhook: view(webhook, 0),
        secret,
    }))
}

/// Deletes one of your webhooks and its deliveries; budgets and rules using it go on without.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted"), Unauthorized, NotFound, Unavailable)
)]
#[delete("/webhooks/{id}")]
#[tracing::instrument(skip_all, fields(webhook_id = *path, user_id = user.id))]
pub async fn delete_webhook(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    if webhooks::delete(&mut conn, user.id, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("webhook {id} not found")))
    }
}

/// Query of a delivery listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// Most deliveries returned, 1..=500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// The deliveries of one of your webhooks, newest first.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "Webhook id"), DeliveriesQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [DeliveryView]),
        BadRequest,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/webhooks/{id}/deliveries")]
#[tracing::instrument(skip_all, fields(webhook_id = *path, user_id = user.id))]
pub async fn list_deliveries(
    user: AuthUser,
    path: web::Path<i64>,
    query: web::Query<DeliveriesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_DELIVERIES).contains(&limit) {
        return Err(hub::ValidationErrors::single(
            "limit",
            format!("must be 1 to {MAX_DELIVERIES}"),
        )
        .into());
    }
    let mut conn = state.pool.get().await?;
    check_owned(&mut conn, user.id, Some(id)).await?;
    let list: Vec<DeliveryView> = deliveries::of_webhook(&mut conn, id, limit)
        .await?
        .into_iter()
        .map(delivery_view)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
