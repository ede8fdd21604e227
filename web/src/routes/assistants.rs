//! Assistants: create and list a user's assistants, read one.

use actix_web::{get, post, web, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{Assistant, NewAssistant};
use persistence::postgres::queries::assistants;
use protocol::assistants::{AssistantResponse, CreateAssistant};

use crate::auth::access::{owned_assistant, require_user};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::state::AppState;

/// Longest assistant name or model type, in characters.
pub const MAX_NAME_CHARS: usize = 100;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_assistant)
        .service(list_assistants)
        .service(get_assistant);
}

/// A stored assistant as the API shows it.
pub fn assistant_response(a: Assistant) -> AssistantResponse {
    AssistantResponse {
        id: a.id,
        owner_id: a.owner_id,
        name: a.name,
        model_type: a.model_type,
        created_at: a.created_at,
    }
}

/// Create an assistant for user `id` (yourself).
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "User id (your own)")),
    request_body = CreateAssistant,
    security(("bearer" = [])),
    responses(
        (status = 201, body = AssistantResponse),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/users/{id}/assistants")]
#[tracing::instrument(skip_all, fields(owner_id = *path, user_id = user.id))]
pub async fn create_assistant(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<CreateAssistant>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let owner_id = path.into_inner();
    require_user(&user, owner_id)?;
    let name = body.name.trim();
    let model_type = body.model_type.trim();
    let mut errors = ValidationErrors::default();
    errors.check_text("name", name, MAX_NAME_CHARS);
    errors.check_text("modelType", model_type, MAX_NAME_CHARS);
    errors.into_result(())?;
    let mut conn = pool.get().await?;
    if persistence::postgres::queries::users::find(&mut conn, owner_id)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound(format!("user {owner_id} not found")));
    }
    let new = NewAssistant {
        owner_id,
        name,
        model_type,
    };
    let assistant = assistants::insert(&mut conn, &new).await.map_err(|e| {
        let e = persistence::PersistenceError::from(e);
        if e.is_unique_violation() {
            ApiError::Conflict(format!("you already have an assistant named {name:?}"))
        } else {
            e.into()
        }
    })?;
    Ok(HttpResponse::Created().json(assistant_response(assistant)))
}

/// List the assistants of user `id` (yourself), oldest first.
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "User id (your own)")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [AssistantResponse]),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/users/{id}/assistants")]
#[tracing::instrument(skip_all, fields(owner_id = *path, user_id = user.id))]
pub async fn list_assistants(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let owner_id = path.into_inner();
    require_user(&user, owner_id)?;
    let mut conn = pool.get().await?;
    let list = assistants::list_for_owner(&mut conn, owner_id).await?;
    let body: Vec<AssistantResponse> = list.into_iter().map(assistant_response).collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Read one assistant.
#[utoipa::path(
    tag = "assistants",
    params(("id" = i64, Path, description = "Assistant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AssistantResponse),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[get("/assistants/{id}")]
#[tracing::instrument(skip_all, fields(assistant_id = *path, user_id = user.id))]
pub async fn get_assistant(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let assistant = owned_assistant(&mut conn, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(assistant_response(assistant)))
}
