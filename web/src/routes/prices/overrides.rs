//! Users' price overrides (custom contracts): versions of a model's price, by effective date
//! like the table, that price the calls of one user's assistants ahead of the table. Each user
//! lists, adds and removes their own; admins may do so for anyone (`?user=`). Another user's
//! override is a 404, naming another user without being an admin a 403.

use actix_web::{delete, get, post, web, HttpResponse};
use persistence::postgres::models::Role;
use persistence::postgres::queries::{prices, users};
use protocol::prices::PriceView;
use serde::Deserialize;
use utoipa::IntoParams;

use protocol::prices::AddPrice;

use super::{checked, insert_version, price_view};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Conflict, Forbidden, JsonBodyErrors, NotFound, Unauthorized, Unavailable,
};
use crate::state::AppState;

/// Whose overrides a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverrideOwner {
    /// A user id (admins only; default: you).
    pub user: Option<i64>,
}

impl OverrideOwner {
    /// The user the request acts for: the caller, or (for an admin) the named user, who must
    /// exist.
    async fn resolve(
        &self,
        caller: &AuthUser,
        conn: &mut persistence::AsyncPgConnection,
    ) -> Result<i64, ApiError> {
        match self.user {
            None => Ok(caller.id),
            Some(id) if id == caller.id => Ok(id),
            Some(_) if caller.role != Role::Admin => Err(ApiError::Forbidden(
                "only admins may manage another user's price overrides",
            )),
            Some(id) => match users::find(conn, id).await? {
                Some(user) => Ok(user.id),
                None => Err(ApiError::NotFound(format!("user {id} not found"))),
            },
        }
    }
}

/// Your price overrides (or, for an admin, those of `user`), by model and date.
#[utoipa::path(
    tag = "prices",
    params(OverrideOwner),
    security(("bearer" = [])),
    responses(
        (status = 200, body = [PriceView]),
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Unavailable,
    )
)]
#[get("/prices/overrides")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_overrides(
    user: AuthUser,
    query: web::Query<OverrideOwner>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let owner = query.resolve(&user, &mut conn).await?;
    let list: Vec<PriceView> = prices::overrides(&mut conn, owner)
        .await?
        .into_iter()
        .map(price_view)
        .collect();
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a version of your override of a model's price (or, for an admin, of `user`'s). Calls
/// of your assistants from its `effectiveFrom` on are priced with it instead of the table.
#[utoipa::path(
    tag = "prices",
    params(OverrideOwner),
    request_body = AddPrice,
    security(("bearer" = [])),
    responses(
        (status = 201, body = PriceView),
        JsonBodyErrors,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Unavailable,
    )
)]
#[post("/prices/overrides")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn add_override(
    user: AuthUser,
    query: web::Query<OverrideOwner>,
    body: web::Json<AddPrice>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let mut conn = pool.get().await?;
    let owner = query.resolve(&user, &mut conn).await?;
    let new = checked(&body, Some(owner))?;
    let price = insert_version(&mut conn, &new).await?;
    Ok(HttpResponse::Created().json(price_view(price)))
}

/// Removes one of your override versions (admins: anyone's). Calls it priced keep their cost
/// and still name it as their price version; later calls are priced without it.
#[utoipa::path(
    tag = "prices",
    params(("id" = i64, Path, description = "Override id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        Unauthorized,
        NotFound,
        Unavailable,
    )
)]
#[delete("/prices/overrides/{id}")]
#[tracing::instrument(skip_all, fields(price_id = *path, user_id = user.id))]
pub async fn delete_override(
    user: AuthUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let AppState { pool, .. } = state.get_ref();
    let id = path.into_inner();
    let owner = (user.role != Role::Admin).then_some(user.id);
    let mut conn = pool.get().await?;
    if prices::delete_override(&mut conn, owner, id).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound(format!("price override {id} not found")))
    }
}
