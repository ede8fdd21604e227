//! The assistant actor's active sessions: read back from storage when it starts, swept when
//! they end, and listed on request (`GET /sessions/live` asks through the registry).

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use chrono::Utc;

use super::AssistantActor;
use crate::actors::messages::ActiveSessions;
use crate::sessions::Session;

/// How long a starting actor waits for the sessions stored before it (then starts without).
const SEED_TIMEOUT: Duration = Duration::from_secs(2);

impl AssistantActor {
    /// Starts with the sessions the store holds as active (samples committed before this actor
    /// started, by an earlier actor or process). Batches wait until this is done, so no sample
    /// is counted twice; a store that does not answer in time just leaves them out.
    pub(super) fn seed_sessions(&mut self, ctx: &mut Context<Self>) {
        self.seeding = true;
        let store = Arc::clone(&self.store);
        let (assistant_id, config) = (self.assistant_id, self.config.sessions);
        let read = async move {
            let read = store.active_sessions(assistant_id, Utc::now(), config);
            match tokio::time::timeout(SEED_TIMEOUT, read).await {
                Ok(Ok(sessions)) => sessions,
                Ok(Err(error)) => {
                    tracing::warn!(assistant_id, %error, "active sessions not read back");
                    Vec::new()
                }
                Err(_) => {
                    tracing::warn!(assistant_id, "active sessions not read back in time");
                    Vec::new()
                }
            }
        };
        ctx.spawn(
            read.into_actor(self)
                .map(|sessions: Vec<Session>, act, ctx| {
                    act.sessions.seed(sessions, Utc::now());
                    act.seeding = false;
                    act.write_next(ctx);
                }),
        );
    }

    /// Forgets ended sessions a quarter of the idle timeout after they end at the latest, and
    /// announces that the count dropped.
    pub(super) fn sweep_sessions(&mut self, ctx: &mut Context<Self>) {
        let sweep = (self.config.sessions.idle_timeout / 4)
            .clamp(Duration::from_millis(10), Duration::from_secs(5));
        ctx.run_interval(sweep, |act, ctx| {
            if act.sessions.expire(Utc::now()) > 0 {
                act.schedule_announce(ctx);
            }
        });
    }
}

impl Handler<ActiveSessions> for AssistantActor {
    type Result = MessageResult<ActiveSessions>;

    fn handle(&mut self, _: ActiveSessions, _: &mut Self::Context) -> Self::Result {
        MessageResult(self.sessions.active(Utc::now()))
    }
}
