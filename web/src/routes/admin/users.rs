//! Users, for administrators: search and page through them with their assistant count, calls
//! and spend (all time, from the day rollups), change a role, disable or enable an account.
//! A disabled user cannot log in, and their tokens and ingestion keys are refused from the
//! next request on (see `auth::status`).

use actix_web::{get, patch, web, HttpResponse};
use hub::units::nanos_to_usd;
use hub::ValidationErrors;
use persistence::postgres::models::{Role, User};
use persistence::postgres::queries::users::{self, UserOverview};
use protocol::admin::{AdminUser, AdminUsersPage, UpdateUser};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::access::require_admin;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{
    BadRequest, Forbidden, JsonBodyErrors, NotFound, Refused, Unauthorized, Unavailable,
};
use crate::state::AppState;

/// Most users on one page.
pub const MAX_PAGE: i64 = 200;
/// Longest search text, in characters.
pub const MAX_SEARCH_CHARS: usize = 254;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_users).service(update_user);
}

/// Query of the users list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only users whose email or name contains this (case-insensitive), at most 254 characters,
    /// no control characters; blank means everyone.
    #[param(max_length = 254, pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$")]
    pub search: Option<String>,
    /// Users per page, 1..=200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Users to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

fn overview_view(row: UserOverview) -> AdminUser {
    AdminUser {
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        created_at: row.created_at,
        disabled: row.disabled_at.is_some(),
        disabled_at: row.disabled_at,
        assistants: row.assistants,
        calls: row.calls,
        spend: nanos_to_usd(row.cost_nanos),
    }
}

/// Every user (or those matching `search`), oldest first, with what they own and spent.
#[utoipa::path(
    tag = "admin",
    params(UsersQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, body = AdminUsersPage),
        BadRequest,
        Unauthorized,
        Forbidden,
        Refused,
        Unavailable,
    )
)]
#[get("/admin/users")]
#[tracing::instrument(skip_all, fields(user_id = user.id))]
pub async fn list_users(
    user: AuthUser,
    query: web::Query<UsersQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user, "only administrators may list users")?;
    let AppState { pool, .. } = state.get_ref();
    let UsersQuery {
        search,
        limit,
        offset,
    } = query.into_inner();
    let (limit, offset) = (limit.unwrap_or(50), offset.unwrap_or(0));
    let search = search.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut errors = ValidationErrors::default();
    if !(1..=MAX_PAGE).contains(&limit) {
        errors.add("limit", format!("must be 1 to {MAX_PAGE}"));
    }
    if offset < 0 {
        errors.add("offset", "must be 0 or more");
    }
    if let Some(search) = search {
        errors.check_text("search", search, MAX_SEARCH_CHARS);
    }
    errors.into_result(())?;
    let mut conn = pool.get().await?;
    let rows = users::overview(&mut conn, search, None, limit, offset).await?;
    let total = users::count_matching(&mut conn, search).await?;
    Ok(HttpResponse::Ok().json(AdminUsersPage {
        users: rows.into_iter().map(overview_view).collect(),
        total,
        offset,
        limit,
    }))
}

/// A user as the list shows them, after a change (counts and spend looked up again).
async fn admin_view(
    conn: &mut persistence::AsyncPgConnection,
    user: &User,
) -> Result<AdminUser, ApiError> {
    let rows = users::overview(conn, None, Some(user.id), 1, 0).await?;
    rows.into_iter()
        .next()
        .map(overview_view)
        .ok_or_else(|| ApiError::NotFound(format!("user {} not found", user.id)))
}

/// Change a user's role or disabled state. Administrators cannot disable or demote
/// themselves (so the hub always keeps one who can undo it).
#[utoipa::path(
    tag = "admin",
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUser,
    security(("bearer" = [])),
    responses(
        (status = 200, body = AdminUser),
        JsonBodyErrors,
        Unauthorized,
        Forbidden,
        NotFound,
        Unavailable,
    )
)]
#[patch("/admin/users/{id}")]
#[tracing::instrument(skip_all, fields(target_id = *path, user_id = user.id))]
pub async fn update_user(
    user: AuthUser,
    path: web::Path<i64>,
    body: web::Json<UpdateUser>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&user, "only administrators may change users")?;
    let AppState { pool, accounts, .. } = state.get_ref();
    let id = path.into_inner();
    let UpdateUser { role, disabled } = body.into_inner();
    let role = check_update(&user, id, role.as_deref(), disabled)?;
    let mut conn = pool.get().await?;
    let mut changed = users::find(&mut conn, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("user {id} not found")))?;
    if let Some(role) = role {
        changed = users::set_role_of(&mut conn, id, role.as_str())
            .await?
            .unwrap_or(changed);
    }
    if let Some(disabled) = disabled {
        changed = users::set_disabled(&mut conn, id, disabled)
            .await?
            .unwrap_or(changed);
    }
    accounts.forget(id);
    tracing::info!(
        target_id = id,
        ?role,
        ?disabled,
        "user changed by an administrator"
    );
    Ok(HttpResponse::Ok().json(admin_view(&mut conn, &changed).await?))
}

/// The role asked for, parsed; 400 for an empty change, an unknown role, or an administrator
/// disabling or demoting themselves.
fn check_update(
    caller: &AuthUser,
    id: i64,
    role: Option<&str>,
    disabled: Option<bool>,
) -> Result<Option<Role>, ApiError> {
    let mut errors = ValidationErrors::default();
    let parsed = match role {
        Some("user") => Some(Role::User),
        Some("admin") => Some(Role::Admin),
        Some(_) => {
            errors.add("role", "must be `user` or `admin`");
            None
        }
        None => None,
    };
    if role.is_none() && disabled.is_none() {
        errors.add("role", "give `role`, `disabled` or both");
    }
    if id == caller.id && parsed == Some(Role::User) {
        errors.add(
            "role",
            "you cannot demote yourself; ask another administrator",
        );
    }
    if id == caller.id && disabled == Some(true) {
        errors.add("disabled", "you cannot disable yourself");
    }
    Ok(errors.into_result(parsed)?)
}
