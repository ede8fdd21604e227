//! Every WebSocket of the hub, and nothing else, lives here: actix-web-actors is deprecated
//! upstream in favour of actix-ws, so a later switch touches only this module.
//!
//! - [`live`]: `/api/v1/ws/live`, live statistics of one's assistants (snapshot, then deltas).
//! - [`ingest`]: `/api/v1/ws/ingest`, streaming ingestion with one ack per message.
//!
//! Browsers cannot set headers on a WebSocket handshake, so the access token may also come as
//! the `token` query parameter.

pub mod ingest;
pub mod live;

use std::time::{Duration, Instant};

use actix::{Actor, ActorContext, ActorFutureExt, AsyncContext};
use actix_web_actors::ws;

use actix_web::{web, HttpRequest};
use serde::Deserialize;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

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
    cfg.service(live::live).service(ingest::ingest);
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenQuery {
    token: Option<String>,
    api_key: Option<String>,
}

/// Pings the client every interval and stops the session once `last_heard` is older than the
/// timeout.
pub fn keep_alive<A>(
    ctx: &mut ws::WebsocketContext<A>,
    heartbeat: Heartbeat,
    last_heard: fn(&A) -> Instant,
) where
    A: Actor<Context = ws::WebsocketContext<A>>,
{
    ctx.run_interval(heartbeat.interval, move |act, ctx| {
        if last_heard(act).elapsed() > heartbeat.timeout {
            tracing::debug!("WebSocket client stopped answering; closing");
            ctx.stop();
        } else {
            ctx.ping(b"");
        }
    });
}

/// Every `interval`, confirms that the session's user is still enabled (`auth::status`): a
/// socket opened before its user was disabled (or deleted) is closed with code 1008 (policy
/// violation) saying why, within `interval` plus the status cache's second. A database that
/// cannot answer keeps the socket open (retrying at the next interval).
pub fn recheck_account<A>(
    ctx: &mut ws::WebsocketContext<A>,
    interval: Duration,
    state: web::Data<AppState>,
    user: AuthUser,
) where
    A: Actor<Context = ws::WebsocketContext<A>>,
{
    ctx.run_interval(interval, move |_, ctx| {
        let state = state.clone();
        let check = async move { state.accounts.confirm(&state.pool, user).await };
        ctx.spawn(actix::fut::wrap_future::<_, A>(check).map(
            |confirmed, _, ctx: &mut ws::WebsocketContext<A>| {
                if let Err(error @ (ApiError::Forbidden(_) | ApiError::Unauthorized(_))) = confirmed
                {
                    tracing::info!(%error, "closing the WebSocket of a disabled user");
                    ctx.close(Some(ws::CloseReason {
                        code: ws::CloseCode::Policy,
                        description: Some(error.to_string()),
                    }));
                    ctx.stop();
                }
            },
        ));
    });
}

/// Closes a session after a protocol error (e.g. a frame over [`MAX_FRAME_BYTES`]: code 1009).
pub fn close_on_error<A>(ctx: &mut ws::WebsocketContext<A>, error: &ws::ProtocolError)
where
    A: Actor<Context = ws::WebsocketContext<A>>,
{
    let code = match error {
        ws::ProtocolError::Overflow => ws::CloseCode::Size,
        _ => ws::CloseCode::Protocol,
    };
    ctx.close(Some(ws::CloseReason {
        code,
        description: Some(error.to_string()),
    }));
    ctx.stop();
}

/// Checks that `req` is a WebSocket handshake, so that a plain HTTP request gets a problem
/// document saying what is missing (actix answers a bare 400 otherwise): no `Upgrade:
/// websocket` is a 426 Upgrade Required, any other defect of the handshake a 400.
pub fn check_handshake(req: &HttpRequest) -> Result<(), ApiError> {
    match ws::handshake(req) {
        Ok(_) => Ok(()),
        Err(ws::HandshakeError::NoWebsocketUpgrade) => Err(ApiError::UpgradeRequired(format!(
            "{} is a WebSocket endpoint: open it with a WebSocket client (`Connection: Upgrade`, \
             `Upgrade: websocket`, `Sec-WebSocket-Version: 13`, `Sec-WebSocket-Key`)",
            req.path()
        ))),
        Err(error) => Err(ApiError::BadRequest(format!(
            "invalid WebSocket handshake: {error}"
        ))),
    }
}

/// The ingestor of a WebSocket handshake: `X-Api-Key` / `?apiKey=`, else a user token.
pub async fn ingestor(req: &HttpRequest) -> Result<crate::auth::ingest_key::Ingestor, ApiError> {
    use crate::auth::ingest_key::{Ingestor, API_KEY_HEADER};
    let query = web::Query::<TokenQuery>::from_query(req.query_string()).ok();
    let key = req
        .headers()
        .get(API_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query.and_then(|q| q.into_inner().api_key));
    match key {
        Some(key) => {
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or(ApiError::Unauthorized("keys are not configured"))?;
            Ingestor::from_key(&state.pool, &key).await
        }
        None => authenticate(req).await.map(Ingestor::User),
    }
}

/// The caller of a WebSocket handshake: `Authorization: Bearer` or `?token=`, still enabled.
pub async fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let claimed = claimed_user(req)?;
    let state = req.app_data::<web::Data<AppState>>().map(|s| s.get_ref());
    crate::auth::extractor::confirm(state, claimed).await
}

/// The user a WebSocket handshake's token names (not yet confirmed enabled).
fn claimed_user(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    if req
        .headers()
        .contains_key(actix_web::http::header::AUTHORIZATION)
    {
        return crate::auth::extractor::claimed_user(req);
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Unauthorized("authentication is not configured"))?;
    let query = web::Query::<TokenQuery>::from_query(req.query_string())
        .map_err(|_| ApiError::Unauthorized("the access token is invalid"))?;
    let token = query.token.as_deref().ok_or(ApiError::Unauthorized(
        "missing access token: send `?token=<token>` or `Authorization: Bearer <token>`",
    ))?;
    state.keys.verify(token)?.user()
}
