//! Changing and deleting an assistant, for its owner and for administrators (another user's
//! assistant is a 404). Before deleting, `GET /assistants/{id}/deletion` says what goes with
//! it, so a client can ask for confirmation with the numbers.
//!
//! Deleting stops the assistant's actor after it stored what it held, then deletes the row:
//! the schema's `ON DELETE CASCADE` takes its samples, client ids, rollups, keys, budgets and
//! their alerts in the same statement; what Redis keeps of it (latest delta, sequence number)
//! goes after. A sample that races the deletion is refused by storage (the assistant is gone).

use actix_web::{delete, get, patch, web, HttpResponse};
use hub::actors::messages::Retire;
use hub::ValidationErrors;
use persistence::postgres::queries::assistants;
use persistence::RedisLiveBus;
use protocol::assistants::{AssistantDeletion, AssistantResponse, UpdateAssistant};

use crate::auth::access::owned_assistant;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::assistants::{assistant_response, MAX_NAME_CHARS};
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(update_assistant)
        .service(deletion_preview)
        .service(delete_assistant);
}

/// Rename an assistant or change its model type.
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "Assistant id")),
    request_body = UpdateAssistant,
    security(("bearer" = [])),
    responses(
        (status = 200, body = AssistantResponse),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[patch("/assistants/{id}")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn update_assistant(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateAssistant>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let id = path.into_inner();
    let UpdateAssistant { name, model_type } = body.into_inner();
    let name = name.as_deref().map(str::trim);
    let model_type = model_type.as_deref().map(str::trim);
    let mut errors = ValidationErrors::default();
    if name.is_none() && model_type.is_none() {
        errors.add("name", "give `name`, `modelType` or both");
    }
    if let Some(name) = name {
        errors.check_text("name", name, MAX_NAME_CHARS);
    }
    if let Some(model_type) = model_type {
        errors.check_text("modelType", model_type, MAX_NAME_CHARS);
    }
    errors.into_result(())?;
    let mut conn = pool.get().await?;
    owned_assistant(&mut conn, &user, id).await?;
    let updated = assistants::update(&mut conn, id, name, model_type)
        .await
        .map_err(|e| {
            let e = persistence::PersistenceError::from(e);
            if e.is_unique_violation() {
                ApiError::Conflict(format!(
                    "the owner already has an assistant named {:?}",
                    name.unwrap_or_default()
                ))
            } else {
                e.into()
            }
        })?
        .ok_or_else(|| ApiError::NotFound(format!("assistant {id} not found")))?;
    Ok(HttpResponse::Ok().json(assistant_response(updated)))
}

/// What deleting an assistant would remove with it.
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "Assistant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AssistantDeletion),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/assistants/{id}/deletion")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn deletion_preview(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let b = assistants::belongings(&mut conn, assistant.id).await?;
    Ok(HttpResponse::Ok().json(AssistantDeletion {
        assistant_id: assistant.id,
        name: assistant.name,
        samples: b.samples,
        calls: b.calls,
        days: b.days,
        keys: b.keys,
        budgets: b.budgets,
        alerts: b.alerts,
    }))
}

/// Delete an assistant and everything stored with it (samples, rollups, keys, budgets and
/// their alerts). Cannot be undone.
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "Assistant id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted with everything stored with it"),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[delete("/assistants/{id}")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn delete_assistant(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState {
        pool,
        registry,
        owners,
        cache,
        ..
    } = state.get_ref();
    let id = path.into_inner();
    let mut conn = pool.get().await?;
    owned_assistant(&mut conn, &user, id).await?;
    if registry.send(Retire { assistant_id: id }).await.is_err() {
        tracing::warn!("the registry did not answer; deleting without draining the actor");
    }
    if !assistants::delete(&mut conn, id).await? {
        return Err(ApiError::NotFound(format!("assistant {id} not found")));
    }
    owners.forget(id);
    if let Err(error) = RedisLiveBus::forget(cache, id).await {
        // Redis is only an accelerator: its keys of a deleted id are never read again.
        tracing::warn!(%error, "could not remove the deleted assistant's Redis keys");
    }
    tracing::info!("assistant deleted");
    Ok(HttpResponse::NoContent().finish())
}
