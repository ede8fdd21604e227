//! Ingestion key management (needs a user's access token; keys cannot manage keys).

use actix_web::{delete, get, post, web, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{IngestKey, NewIngestKey};
use persistence::postgres::queries::ingest_keys;
use protocol::assistants::{CreateKey, CreatedKey, KeyResponse};

use crate::auth::access::owned_assistant;
use crate::auth::ingest_key::{digest, generate, shown_part};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{JsonBodyErrors, NotFound, Unauthorized, Unavailable};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_key)
        .service(list_keys)
        .service(revoke_key);
}

/// A stored key as the API lists it.
fn key_response(k: IngestKey) -> KeyResponse {
    KeyResponse {
        id: k.id,
        assistant_id: k.assistant_id,
        name: k.name,
        prefix: k.prefix,
        created_at: k.created_at,
        last_used_at: k.last_used_at,
    }
}

/// Create an ingestion key for an assistant.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Assistant id")),
    request_body = CreateKey,
    security(("bearer" = [])),
    responses(
        (status = 201, body = CreatedKey),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[post("/assistants/{id}/keys")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn create_key(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<CreateKey>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let name = body.name.trim();
    let mut errors = ValidationErrors::default();
    errors.check_text("name", name, crate::routes::assistants::MAX_NAME_CHARS);
    errors.into_result(())?;
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let key = generate();
    let stored = ingest_keys::insert(
        &mut conn,
        &NewIngestKey {
            assistant_id: assistant.id,
            name,
            prefix: &shown_part(&key),
            key_hash: &digest(&key),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(CreatedKey {
        listed: key_response(stored),
        key,
    }))
}

/// List an assistant's ingestion keys (not revoked), newest first.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Assistant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [KeyResponse]),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/assistants/{id}/keys")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn list_keys(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    let keys = ingest_keys::list_for_assistant(&mut conn, assistant.id).await?;
    let body: Vec<KeyResponse> = keys.into_iter().map(key_response).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Revoke an ingestion key; it stops working at once.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Key id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked"),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[delete("/keys/{id}")]
#[tracing::instrument(skip_all, fields(key_id = *path, user_id = user.id))]
pub async fn revoke_key(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let id = path.into_inner();
    let mut conn = pool.get().await?;
    match ingest_keys::find_with_owner(&mut conn, id).await? {
        Some((_, owner)) if user.may_access(owner) => {
            ingest_keys::revoke(&mut conn, id).await?;
            Ok(HttpResponse::NoContent().finish())
        }
        _ => Err(ApiError::NotFound(format!("key {id} not found"))),
    }
}
