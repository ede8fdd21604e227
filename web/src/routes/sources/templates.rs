//! `GET /templates`: the templates shipped in the repository (`templates/*.toml`), each with
//! whether a shared transformer is ready for it.

use actix_web::{get, web, HttpResponse};
use persistence::postgres::queries::transformers;
use protocol::sources::TemplateView;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{Unauthorized, Unavailable};
use crate::state::AppState;

/// Every template, in the catalog's order. `hasTransformer` is false for a template whose
/// transformer must still be written or generated (the generic JSON template's transformers
/// belong to each source).
#[utoipa::path(
    tag = "sources",
    security(("bearer" = [])),
    responses((status = 200, body = [TemplateView]), Unauthorized, Unavailable)
)]
#[get("/templates")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_templates(
    user: AuthUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = state.pool.get().await?;
    state.sources.seed_transformers(&mut conn).await?;
    let active = transformers::active_shared(&mut conn).await?;
    let list: Vec<TemplateView> = state
        .sources
        .catalog
        .iter()
        .map(|t| {
            let stored = active.iter().any(|(id, endpoint)| {
                *id == t.id && endpoint == ::sources::EndpointKind::Polling.as_str()
            });
            t.view(stored)
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
