//! `/connections`: a user's credentials for an integration. The secret is encrypted at rest
//! (`crate::sources::secrets`) and never answered; `secretHint` tells connections apart. A
//! connection used by a source cannot be deleted (409).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{ConnectionChanges, NewConnection};
use persistence::postgres::queries::connections::{self, Deleted};
use protocol::sources::{ConnectionView, CreateConnection, UpdateConnection};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    Conflict, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::sources::{secrets, views};
use crate::state::AppState;

/// Most connections one user may have.
pub const MAX_CONNECTIONS: i64 = 50;
/// Longest secret accepted, in characters.
pub const MAX_SECRET_CHARS: usize = 4096;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_connection)
        .service(list_connections)
        .service(update_connection)
        .service(delete_connection);
}

fn check_integration(errors: &mut ValidationErrors, integration: &str) {
    let ok = integration.len() <= 40
        && integration.starts_with(|c: char| c.is_ascii_lowercase())
        && integration
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        errors.add(
            "integration",
            "must be a lower-case integration name such as `github`",
        );
    }
}

fn check_secret(errors: &mut ValidationErrors, secret: &str) {
    errors.check_text("secret", secret, MAX_SECRET_CHARS);
}

/// Creates a connection; the secret is encrypted before it is stored and never answered.
#[utoipa::path(
    tag = "sources",
    request_body = CreateConnection,
    security(("bearer" = [])),
    responses(
        (status = 201, body = ConnectionView),
        JsonBodyErrors,
        Unauthorized,
        Conflict,
        Unavailable,
    )
)]
#[post("/connections")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn create_connection(
    user: AuthUser,
    body: web::Json<CreateConnection>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    check_integration(&mut errors, &body.integration);
    errors.check_text("name", &body.name, 100);
    check_secret(&mut errors, &body.secret);
    errors.into_result(())?;
    let sealed = state
        .sources
        .secrets
        .encrypt(&body.secret)
        .map_err(ApiError::internal)?;
    let hint = secrets::hint(&body.secret);
    let mut conn = state.pool.get().await?;
    if connections::count_for_owner(&mut conn, user.id).await? >= MAX_CONNECTIONS {
        return Err(ApiError::Conflict(format!(
            "you already have {MAX_CONNECTIONS} connections; delete one first"
        )));
    }
    let created = connections::insert(
        &mut conn,
        &NewConnection {
            owner_id: user.id,
            integration: &body.integration,
            name: &body.name,
            secret: &sealed,
            secret_hint: &hint,
        },
    )
    .await?;
    tracing::info!(connection_id = created.id, "connection created");
    Ok(HttpResponse::Created().json(views::connection(created, 0)))
}

/// Your connections, oldest first, without their secrets.
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    responses((status = 200, body = [ConnectionView]), Unauthorized, Unavailable)
)]
#[get("/connections")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_connections(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    let list: Vec<ConnectionView> = connections::list_for_owner(&mut conn, user.id)
        .await?
        .into_iter()
        .map(|(c, n)| views::connection(c, n))
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Renames one of your connections and/or replaces its secret.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Connection id")),
    request_body = UpdateConnection,
    security(("bearer" = [])),
    responses(
        (status = 200, body = ConnectionView),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[patch("/connections/{id}")]
#[tracing::instrument(skip_all, fields(connection_id = *path, user_id = user.id))]
pub async fn update_connection(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateConnection>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.into_inner();
    let mut errors = ValidationErrors::default();
    if let Some(name) = &body.name {
        errors.check_text("name", name, 100);
    }
    if let Some(secret) = &body.secret {
        check_secret(&mut errors, secret);
    }
    errors.into_result(())?;
    let mut changes = ConnectionChanges {
        name: body.name,
        ..ConnectionChanges::default()
    };
    if let Some(secret) = &body.secret {
        let sealed = state
            .sources
            .secrets
            .encrypt(secret)
            .map_err(ApiError::internal)?;
        changes.secret = Some(sealed);
        changes.secret_hint = Some(secrets::hint(secret));
    }
    let mut conn = state.pool.get().await?;
    if connections::update(&mut conn, user.id, id, changes)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound(format!("connection {id} not found")));
    }
    let Some((updated, used)) = connections::find_owned(&mut conn, user.id, id).await? else {
        return Err(ApiError::NotFound(format!("connection {id} not found")));
    };
    Ok(HttpResponse::Ok().json(views::connection(updated, used)))
}

/// Deletes one of your connections; 409 while a source uses it.
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Connection id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        Unauthorized,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[delete("/connections/{id}")]
#[tracing::instrument(skip_all, fields(connection_id = *path, user_id = user.id))]
pub async fn delete_connection(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    match connections::delete(&mut conn, user.id, id).await? {
        Deleted::Deleted => Ok(HttpResponse::NoContent().finish()),
        Deleted::NotFound => Err(ApiError::NotFound(format!("connection {id} not found"))),
        Deleted::InUse(n) => Err(ApiError::Conflict(format!(
            "connection {id} is used by {n} source(s); delete them or give them another \
             connection first"
        ))),
    }
}
