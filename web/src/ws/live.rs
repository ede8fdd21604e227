//! `WS /api/v1/ws/live`: one session actor per connection. It follows the assistants the
//! client subscribes to (after an ownership check), relays snapshots and deltas from the
//! node's live hub as JSON (see docs/streaming.md), and drops clients that stop answering
//! pings or whose user has been disabled since.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix::prelude::*;
use actix_web::{get, web, HttpRequest, HttpResponse};
use actix_web_actors::ws;
use hub::actors::messages::{Disconnect, Live, Subscribe, Unsubscribe};
use hub::actors::LiveHub;
use protocol::live::{ClientMessage, ServerMessage};

use super::{
    authenticate, check_handshake, close_on_error, keep_alive, recheck_account, Heartbeat,
    MAX_FRAME_BYTES,
};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::responses::{BadRequest, Unauthorized, Unavailable, UpgradeRequired};
use crate::state::AppState;

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// Live deltas a session may hold before the slowest clients start missing some.
const MAILBOX: usize = 1024;
/// Most assistants one subscribe message may name.
const MAX_SUBSCRIBE: usize = 1000;

/// Opens a live session (access token as `?token=` or bearer header). Protocol:
/// docs/streaming.md.
#[utoipa::path(
    tag = "live",
    params(("token" = Option<String>, Query, description = "Access token (browsers cannot set headers)")),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        BadRequest,
        Unauthorized,
        UpgradeRequired,
        Unavailable,
    )
)]
#[get("/ws/live")]
#[tracing::instrument(skip_all)]
pub async fn live(
    req: HttpRequest,
    stream: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, actix_web::Error> {
    check_handshake(&req)?;
    let user = authenticate(&req).await?;
    let session = LiveSession {
        id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
        user,
        hub: state.live.clone(),
        heartbeat: state.heartbeat,
        state,
        last_heard: Instant::now(),
        following: HashSet::new(),
    };
    ws::WsResponseBuilder::new(session, &req, stream)
        .frame_size(MAX_FRAME_BYTES)
        .start()
}

struct LiveSession {
    id: u64,
    user: AuthUser,
    hub: Addr<LiveHub>,
    state: web::Data<AppState>,
    heartbeat: Heartbeat,
    last_heard: Instant,
    following: HashSet<i64>,
}

impl LiveSession {
    fn send(ctx: &mut ws::WebsocketContext<Self>, message: &ServerMessage) {
        match serde_json::to_string(message) {
            Ok(text) => ctx.text(text),
            Err(error) => tracing::error!(%error, "cannot encode a live message"),
        }
    }

    fn error(ctx: &mut ws::WebsocketContext<Self>, assistant_id: Option<i64>, error: &ApiError) {
        use actix_web::ResponseError;
        Self::send(
            ctx,
            &ServerMessage::Error {
                assistant_id,
                status: error.status_code().as_u16(),
                detail: error.to_string(),
            },
        );
    }

    fn handle_text(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        let message = match serde_json::from_str::<ClientMessage>(text) {
            Ok(message) => message,
            Err(e) => {
                let error = ApiError::BadRequest(format!("malformed message: {e}"));
                Self::error(ctx, None, &error);
                return;
            }
        };
        match message {
            ClientMessage::Subscribe { assistants, since } => {
                if assistants.len() > MAX_SUBSCRIBE {
                    let error = ApiError::BadRequest(format!(
                        "at most {MAX_SUBSCRIBE} assistants per subscribe message"
                    ));
                    Self::error(ctx, None, &error);
                    return;
                }
                for assistant_id in assistants {
                    let since = since.get(&assistant_id.to_string()).copied();
                    self.subscribe(assistant_id, since, ctx);
                }
            }
            ClientMessage::Unsubscribe { assistants } => {
                for assistant_id in assistants {
                    self.following.remove(&assistant_id);
                    self.hub.do_send(Unsubscribe {
                        session_id: self.id,
                        assistant_id,
                    });
                }
            }
            ClientMessage::SubscribeSources { sources } => {
                if sources.len() > MAX_SUBSCRIBE {
                    let error = ApiError::BadRequest(format!(
                        "at most {MAX_SUBSCRIBE} sources per subscribe message"
                    ));
                    Self::error(ctx, None, &error);
                    return;
                }
                self.subscribe_sources(sources, ctx);
            }
            ClientMessage::UnsubscribeSources { sources } => {
                for source_id in sources {
                    self.state.sources.live.unsubscribe(self.id, source_id);
                }
            }
        }
    }

    fn subscribe(
        &mut self,
        assistant_id: i64,
        since: Option<u64>,
        ctx: &mut ws::WebsocketContext<Self>,
    ) {
        let (state, user) = (self.state.clone(), self.user);
        let check = async move { state.owners.check(&state.pool, &user, assistant_id).await };
        ctx.spawn(
            check
                .into_actor(self)
                .map(move |allowed, act, ctx| match allowed {
                    Ok(()) => {
                        act.following.insert(assistant_id);
                        act.hub.do_send(Subscribe {
                            session_id: act.id,
                            subscriber: ctx.address().recipient(),
                            assistant_id,
                            since,
                        });
                    }
                    Err(error) => Self::error(ctx, Some(assistant_id), &error),
                }),
        );
    }
}

impl LiveSession {
    /// Follows those of `sources` the user owns; the others answer an error (404, like a
    /// missing source).
    fn subscribe_sources(&mut self, sources: Vec<i64>, ctx: &mut ws::WebsocketContext<Self>) {
        let (state, user) = (self.state.clone(), self.user);
        let check = async move {
            let mut conn = state.pool.get().await?;
            let mut owned = Vec::new();
            for id in &sources {
                let found =
                    persistence::postgres::queries::sources::find_owned(&mut conn, user.id, *id)
                        .await?;
                owned.push((*id, found.is_some()));
            }
            Ok::<_, ApiError>(owned)
        };
        ctx.spawn(
            check
                .into_actor(self)
                .map(|checked, act, ctx| match checked {
                    Ok(checked) => {
                        for (source_id, owned) in checked {
                            if owned {
                                let recipient = ctx.address().recipient();
                                act.state
                                    .sources
                                    .live
                                    .subscribe(act.id, recipient, source_id);
                            } else {
                                let error =
                                    ApiError::NotFound(format!("source {source_id} not found"));
                                Self::error(ctx, None, &error);
                            }
                        }
                    }
                    Err(error) => Self::error(ctx, None, &error),
                }),
        );
    }
}

impl Handler<crate::sources::live::SourceFrame> for LiveSession {
    type Result = ();

    fn handle(&mut self, msg: crate::sources::live::SourceFrame, ctx: &mut Self::Context) {
        ctx.text(msg.text.to_string());
    }
}

impl Actor for LiveSession {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(MAILBOX);
        keep_alive(ctx, self.heartbeat, |act| act.last_heard);
        recheck_account(ctx, self.heartbeat.interval, self.state.clone(), self.user);
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.state.sources.live.disconnect(self.id);
        self.hub.do_send(Disconnect {
            session_id: self.id,
        });
    }
}

impl Handler<Live> for LiveSession {
    type Result = ();

    fn handle(&mut self, msg: Live, ctx: &mut Self::Context) {
        let frames = msg
            .encoded
            .get_or_init(|| msg.event.frames(chrono::Utc::now()));
        for text in frames.iter().filter(|t| !t.is_empty()) {
            ctx.text(text.clone());
        }
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for LiveSession {
    fn handle(&mut self, msg: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        self.last_heard = Instant::now();
        match msg {
            Ok(ws::Message::Text(text)) => self.handle_text(&text, ctx),
            Ok(ws::Message::Ping(bytes)) => ctx.pong(&bytes),
            Ok(ws::Message::Pong(_)) => {}
            Ok(ws::Message::Binary(_)) => {
                let error = ApiError::BadRequest("send JSON text frames".into());
                Self::error(ctx, None, &error);
            }
            Ok(ws::Message::Close(reason)) => {
                ctx.close(reason);
                ctx.stop();
            }
            Ok(ws::Message::Continuation(_) | ws::Message::Nop) => {}
            Err(error) => close_on_error(ctx, &error),
        }
    }
}
