//! Every WebSocket of the hub, and nothing else, lives here: actix-web-actors is deprecated
//! upstream in favour of actix-ws, so a later switch touches only this module.
//!
//! - [`live`]: `/api/v1/ws/live`, live statistics of one's assistants (snapshot, then deltas).
//!
//! Browsers cannot set headers on a WebSocket handshake, so the access token may also come as
//! the `token` query parameter.

pub mod live;

use std::time::Duration;

use actix_web::{web, HttpRequest};
use serde::Deserialize;

use crate::auth::{AuthUser, JwtKeys};
use crate::error::ApiError;

/// Largest frame a client may send.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// How often the server pings, and how long a silent client is kept.
#[derive(Debug, Clone, Copy)]
pub struct Heartbeat {
    pub interval: Duration,
    pub timeout: Duration,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(live::live);
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The caller of a WebSocket handshake: `Authorization: Bearer` or `?token=`.
pub fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    if req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        return crate::auth::extractor::authenticate(req);
    }
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or(ApiError::Unauthorized("authentication is not configured"))?;
    let query = web::Query::<TokenQuery>::from_query(req.query_string())
        .map_err(|_| ApiError::Unauthorized("the access token is invalid"))?;
    let token = query.token.as_deref().ok_or(ApiError::Unauthorized(
        "missing access token: send `?token=<token>` or `Authorization: Bearer <token>`",
    ))?;
    keys.verify(token)?.user()
}
