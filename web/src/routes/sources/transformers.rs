//! `/transformers`: the jq programs that turn templates' responses into points. Anyone may
//! read the shared ones (and their own sources' for the generic template); a preview runs a
//! program on one of your sources' samples; a program is stored as the new active version only
//! if it runs on the sample and yields valid points, and only where no working transformer
//! exists (the template has none, or it failed) or for the generic template's own source.

use ::sources::EndpointKind;
use actix_web::{get, post, web, HttpResponse};
use hub::ValidationErrors;
use persistence::postgres::models::{NewTransformer, Role};
use persistence::postgres::queries::{sources, transformers};
use protocol::sources::{TransformerPreview, TransformerView, WriteTransformer};
use serde::Deserialize;
use utoipa::IntoParams;

use super::instances::owned;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, Forbidden, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::sources::poll::{poll, sample, Mode};
use crate::sources::{transform_blocking, views};
use crate::state::AppState;

/// Longest program accepted, in characters.
pub const MAX_PROGRAM_CHARS: usize = 20_000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_transformers)
        .service(preview_transformer)
        .service(get_transformer)
        .service(write_transformer);
}

/// Query of a transformer listing.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TransformersQuery {
    /// Only this template's.
    pub template_id: Option<String>,
}

/// Transformers (every version, newest first per template and endpoint): the shared ones and
/// your own sources'.
#[utoipa::path(
    tag = "sources",
    params(TransformersQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [TransformerView]), BadRequest, Unauthorized, Unavailable)
)]
#[get("/transformers")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_transformers(
    user: AuthUser,
    query: web::Query<TransformersQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    state.sources.seed_transformers(&mut conn).await?;
    let mine: Vec<i64> = sources::list_for_owner(&mut conn, user.id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let list: Vec<TransformerView> =
        transformers::list(&mut conn, query.template_id.as_deref(), &mine, 1_000)
            .await?
            .into_iter()
            .map(|t| views::transformer(t, &user))
            .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// One transformer (another user's source's is a 404).
#[utoipa::path(
    tag = "sources",
    params(("id" = i64, Path, description = "Transformer id")),
    security(("bearer" = [])),
    responses((status = 200, body = TransformerView), Unauthorized, NotFound, Unavailable)
)]
#[get("/transformers/{id}")]
#[tracing::instrument(skip_all, fields(transformer_id = *path, user_id = user.id))]
pub async fn get_transformer(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut conn = state.pool.get().await?;
    let not_found = || ApiError::NotFound(format!("transformer {id} not found"));
    let found = transformers::find(&mut conn, id)
        .await?
        .ok_or_else(not_found)?;
    if let Some(source_id) = found.source_id {
        sources::find_owned(&mut conn, user.id, source_id)
            .await?
            .ok_or_else(not_found)?;
    }
    Ok(HttpResponse::Ok().json(views::transformer(found, &user)))
}

fn endpoint_of(body: &WriteTransformer) -> Result<EndpointKind, ApiError> {
    let text = body.endpoint.as_deref().unwrap_or("polling");
    EndpointKind::parse(text)
        .map_err(|_| ValidationErrors::single("endpoint", "must be historical or polling").into())
}

/// Runs the program on the source's sample: (the sample, the points or why not).
async fn try_program(
    state: &AppState,
    user: &AuthUser,
    body: &WriteTransformer,
) -> Result<
    (
        Option<serde_json::Value>,
        Result<Vec<::sources::transform::Point>, String>,
    ),
    ApiError,
> {
    let kind = endpoint_of(body)?;
    let mut errors = ValidationErrors::default();
    errors.check_text("program", body.program.trim(), MAX_PROGRAM_CHARS);
    errors.into_result(())?;
    let mut conn = state.pool.get().await?;
    let source = owned(&mut conn, user, body.source_id).await?;
    drop(conn);
    let input = match sample(state, &source, kind).await {
        Ok(input) => input,
        Err(why) => return Ok((None, Err(format!("no sample to run on: {why}")))),
    };
    if let Err(e) = ::sources::transform::check_program(&body.program) {
        return Ok((Some(input), Err(e.to_string())));
    }
    let result = transform_blocking(&body.program, &input, state.sources.limits()).await;
    let result = result.map_err(|e| e.to_string()).and_then(|points| {
        if points.is_empty() {
            Err("the program output no points".to_owned())
        } else {
            Ok(points)
        }
    });
    Ok((Some(input), result))
}

/// Runs a jq program on one of your sources' sample (the stored polling response, or the
/// historical endpoint's fetched now) and answers the points or why it failed. Nothing is
/// stored.
#[utoipa::path(
    tag = "sources",
    request_body = WriteTransformer,
    security(("bearer" = [])),
    responses(
        (status = 200, body = TransformerPreview),
        JsonBodyErrors,
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[post("/transformers/preview")]
#[tracing::instrument(skip_all, fields(source_id = body.source_id, user_id = user.id))]
pub async fn preview_transformer(
    user: AuthUser,
    body: web::Json<WriteTransformer>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (input, result) = try_program(&state, &user, &body).await?;
    let (points, error) = match result {
        Ok(points) => (points.iter().map(|p| p.view()).collect(), None),
        Err(why) => (Vec::new(), Some(why)),
    };
    Ok(HttpResponse::Ok().json(TransformerPreview {
        input,
        points,
        error,
    }))
}

/// Stores a jq program as the active transformer of the source's template and endpoint (for
/// the generic template: of that source), if it runs on the sample and yields valid points
/// (else 400, field `program`). Refused (409) while the template has a working transformer.
/// The source is polled again at once with it.
#[utoipa::path(
    tag = "sources",
    request_body = WriteTransformer,
    security(("bearer" = [])),
    responses(
        (status = 201, body = TransformerView),
        JsonBodyErrors,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/transformers")]
#[tracing::instrument(skip_all, fields(source_id = body.source_id, user_id = user.id))]
pub async fn write_transformer(
    user: AuthUser,
    body: web::Json<WriteTransformer>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let kind = endpoint_of(&body)?;
    let mut conn = state.pool.get().await?;
    state.sources.seed_transformers(&mut conn).await?;
    let source = owned(&mut conn, &user, body.source_id).await?;
    let Some(template) = state.sources.template(&source.template_id) else {
        return Err(ApiError::Conflict(format!(
            "template {} no longer exists",
            source.template_id
        )));
    };
    let scope = template.hosts.is_empty().then_some(source.id);
    let current = transformers::current(&mut conn, &template.id, kind.as_str(), scope).await?;
    // A shared transformer runs on every user's sources of the template: only an administrator
    // writes one (a source's own, for the generic template, is its owner's).
    if scope.is_none() && user.role != Role::Admin {
        return Err(ApiError::Forbidden(
            "a template's transformer is shared by every user of the template; only an \
             administrator can write it",
        ));
    }
    if scope.is_none() && current.as_ref().is_some_and(|t| t.status == "active") {
        return Err(ApiError::Conflict(format!(
            "template {} already has a working {} transformer",
            template.id,
            kind.as_str()
        )));
    }
    drop(conn);
    let (input, result) = try_program(&state, &user, &body).await?;
    let points = result.map_err(|why| ValidationErrors::single("program", why))?;
    let output: Vec<_> = points.iter().map(|p| p.view()).collect();
    let mut conn = state.pool.get().await?;
    let stored = transformers::insert_version(
        &mut conn,
        &NewTransformer {
            template_id: &template.id,
            endpoint: kind.as_str(),
            source_id: scope,
            program: body.program.trim(),
            origin: "user",
            input_example: input,
            output_example: Some(serde_json::json!(output)),
            created_by: Some(user.id),
        },
    )
    .await?;
    drop(conn);
    tracing::info!(
        transformer_id = stored.id,
        version = stored.version,
        "transformer written"
    );
    poll(&state, source, Mode::Refresh).await?;
    Ok(HttpResponse::Created().json(views::transformer(stored, &user)))
}
