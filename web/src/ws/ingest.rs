//! `WS /api/v1/ws/ingest`: streaming ingestion. Each text frame carries events for one
//! assistant and is answered, once they are durable, by an ack (or a nack saying why nothing
//! was stored). Several frames may be in flight; answers carry the client's message id.

use std::time::Instant;

use actix::prelude::*;
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use actix_web_actors::ws;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing_actix_web::RequestId;

use super::{
    check_handshake, close_on_error, ingestor, keep_alive, recheck_account, Heartbeat,
    MAX_FRAME_BYTES,
};
use crate::auth::ingest_key::Ingestor;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::ingest::accept_events;
use crate::ingest::decode::parse_event_values;
use crate::routes::openapi::responses::{BadRequest, Unauthorized, Unavailable, UpgradeRequired};
use crate::state::AppState;

/// Frames one connection may have waiting for their acks; more are refused with a 429 nack.
const MAX_IN_FLIGHT: usize = 64;

/// Opens an ingestion session (`?apiKey=`, `X-Api-Key`, `?token=` or a bearer header).
#[utoipa::path(
    tag = "live",
    params(
        ("apiKey" = Option<String>, Query, description = "Ingestion key"),
        ("token" = Option<String>, Query, description = "Access token"),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        BadRequest,
        Unauthorized,
        UpgradeRequired,
        Unavailable,
    )
)]
#[get("/ws/ingest")]
#[tracing::instrument(skip_all)]
pub async fn ingest(
    req: HttpRequest,
    stream: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, actix_web::Error> {
    check_handshake(&req)?;
    let ingestor = ingestor(&req).await?;
    let account = account_of(&state, ingestor).await?;
    let connection = req
        .extensions()
        .get::<RequestId>()
        .map_or_else(|| "ws".to_owned(), ToString::to_string);
    let session = IngestSession {
        ingestor,
        account,
        heartbeat: state.heartbeat,
        state,
        connection,
        last_heard: Instant::now(),
        in_flight: 0,
    };
    ws::WsResponseBuilder::new(session, &req, stream)
        .frame_size(MAX_FRAME_BYTES)
        .start()
}

/// The user whose account the session depends on: the token's user, or the owner of the key's
/// assistant (re-confirmed every heartbeat, see [`recheck_account`]).
async fn account_of(state: &AppState, ingestor: Ingestor) -> Result<AuthUser, ApiError> {
    match ingestor {
        Ingestor::User(user) => Ok(user),
        Ingestor::Key { assistant_id } => {
            let mut conn = state.pool.get().await?;
            let assistant =
                persistence::postgres::queries::assistants::find(&mut conn, assistant_id)
                    .await?
                    .ok_or(ApiError::Unauthorized("the API key is invalid or revoked"))?;
            Ok(AuthUser {
                id: assistant.owner_id,
                role: persistence::postgres::models::Role::User,
            })
        }
    }
}

struct IngestSession {
    ingestor: Ingestor,
    account: AuthUser,
    state: web::Data<AppState>,
    /// The request id of the handshake; a frame's samples are logged as `<connection>/<frame id>`.
    connection: String,
    heartbeat: Heartbeat,
    last_heard: Instant,
    in_flight: usize,
}

/// One frame from the client.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IngestFrame {
    id: String,
    assistant_id: i64,
    events: Vec<Value>,
}

/// The answer to one frame.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Answer {
    #[serde(rename_all = "camelCase")]
    Ack {
        id: String,
        accepted: usize,
        duplicates: usize,
        over_budget: bool,
    },
    #[serde(rename_all = "camelCase")]
    Nack {
        id: Option<String>,
        status: u16,
        detail: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
}

impl Answer {
    fn nack(id: Option<String>, error: &ApiError) -> Self {
        let retry_after = match error {
            ApiError::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            ApiError::NotStored(_) | ApiError::Unavailable(_) => Some(1),
            _ => None,
        };
        Self::Nack {
            id,
            status: error.status_code().as_u16(),
            detail: match error {
                ApiError::Validation(errors) => format!("invalid input: {errors}"),
                other => other.to_string(),
            },
            retry_after,
        }
    }
}

impl IngestSession {
    fn answer(ctx: &mut ws::WebsocketContext<Self>, answer: &Answer) {
        match serde_json::to_string(answer) {
            Ok(text) => ctx.text(text),
            Err(error) => tracing::error!(%error, "cannot encode an ingest answer"),
        }
    }

    fn handle_frame(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        let frame = match serde_json::from_str::<IngestFrame>(text) {
            Ok(frame) => frame,
            Err(e) => {
                let id = serde_json::from_str::<Value>(text)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_owned));
                let error = ApiError::BadRequest(format!("malformed message: {e}"));
                Self::answer(ctx, &Answer::nack(id, &error));
                return;
            }
        };
        if self.in_flight >= MAX_IN_FLIGHT {
            let error = ApiError::Busy {
                detail: format!("at most {MAX_IN_FLIGHT} messages may wait for their acks"),
                retry_after_secs: 1,
            };
            Self::answer(ctx, &Answer::nack(Some(frame.id), &error));
            return;
        }
        self.in_flight += 1;
        let (ingestor, state) = (self.ingestor, self.state.clone());
        let request_id = format!("{}/{}", self.connection, frame_label(&frame.id));
        let id = frame.id.clone();
        let work = async move {
            let AppState {
                pool,
                owners,
                registry,
                ..
            } = state.get_ref();
            ingestor.check(pool, owners, frame.assistant_id).await?;
            let events = parse_event_values(frame.events)?;
            accept_events(registry, frame.assistant_id, events, request_id).await
        };
        ctx.spawn(work.into_actor(self).map(move |result, act, ctx| {
            act.in_flight -= 1;
            let answer = match result {
                Ok(ack) => Answer::Ack {
                    id,
                    accepted: ack.accepted,
                    duplicates: ack.duplicates,
                    over_budget: ack.over_budget,
                },
                Err(error) => Answer::nack(Some(id), &error),
            };
            Self::answer(ctx, &answer);
        }));
    }
}

impl Actor for IngestSession {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        keep_alive(ctx, self.heartbeat, |act| act.last_heard);
        // Closed once the user (or the key's owner) is disabled.
        recheck_account(
            ctx,
            self.heartbeat.interval,
            self.state.clone(),
            self.account,
        );
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for IngestSession {
    fn handle(&mut self, msg: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        self.last_heard = Instant::now();
        match msg {
            Ok(ws::Message::Text(text)) => self.handle_frame(&text, ctx),
            Ok(ws::Message::Ping(bytes)) => ctx.pong(&bytes),
            Ok(ws::Message::Binary(_)) => {
                let error = ApiError::BadRequest("send JSON text frames".into());
                Self::answer(ctx, &Answer::nack(None, &error));
            }
            Ok(ws::Message::Close(reason)) => {
                ctx.close(reason);
                ctx.stop();
            }
            Ok(ws::Message::Pong(_) | ws::Message::Continuation(_) | ws::Message::Nop) => {}
            Err(error) => close_on_error(ctx, &error),
        }
    }
}

/// A client's frame id as it may appear in the logs: at most 64 characters, control
/// characters escaped (the id is the client's to choose).
fn frame_label(id: &str) -> String {
    id.chars().take(64).flat_map(char::escape_default).collect()
}

#[cfg(test)]
mod tests {
    use super::frame_label;

    #[test]
    fn frame_ids_are_logged_short_and_escaped() {
        assert_eq!(frame_label("batch-7"), "batch-7");
        assert_eq!(frame_label("a\nforged line"), "a\\nforged line");
        assert_eq!(frame_label(&"x".repeat(500)).len(), 64);
    }
}
