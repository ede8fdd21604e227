//! `AuthUser`: the authenticated caller, taken from `Authorization: Bearer <token>`.
//! A handler that takes an `AuthUser` cannot run without a valid token (401 otherwise) of a
//! user who is still enabled (403 otherwise; see `auth::status`).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use persistence::postgres::models::Role;

use crate::error::ApiError;
use crate::state::AppState;

/// The caller, as proven by a valid access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthUser {
    pub id: i64,
    pub role: Role,
}

impl AuthUser {
    /// Whether the caller may act on data owned by `owner_id`.
    pub fn may_access(&self, owner_id: i64) -> bool {
        self.id == owner_id || self.role == Role::Admin
    }
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claimed = claimed_user(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move { confirm(state.as_ref().map(|s| s.get_ref()), claimed?).await })
    }
}

/// The user a verified token claims, confirmed still enabled (with their current role).
pub async fn confirm(state: Option<&AppState>, claimed: AuthUser) -> Result<AuthUser, ApiError> {
    let state = state.ok_or(ApiError::Unauthorized("authentication is not configured"))?;
    state.accounts.confirm(&state.pool, claimed).await
}

/// The user the `Authorization: Bearer` header's token names (signature and expiry checked;
/// not yet whether the user is still enabled: see [`confirm`]).
pub fn claimed_user(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Unauthorized("authentication is not configured"))?;
    let token = bearer_token(req).ok_or(ApiError::Unauthorized(
        "missing access token: send `Authorization: Bearer <token>` (from POST /api/v1/auth/login)",
    ))?;
    state.keys.verify(token)?.user()
}

fn bearer_token(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}
