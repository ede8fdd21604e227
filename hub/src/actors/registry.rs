//! The registry: routes each assistant's samples to its actor, starting the actor on first use
//! and stopping it once idle. Actors are spread over a few arbiters (threads) so batch
//! encoding of many assistants uses every core.

use std::collections::HashMap;
use std::sync::Arc;

use actix::prelude::*;
use futures_util::future::join_all;

use super::assistant::AssistantActor;
use super::config::HubConfig;
use super::live_hub::LiveHub;
use super::messages::{
    Ack, ActiveCount, ActiveSessions, Drain, Idle, Ingest, IngestError, LiveSessions, Retire,
    Shutdown,
};
use crate::sessions::Session;
use crate::store::{LiveBus, SampleStore};

/// Starts, finds and stops assistant actors.
pub struct Registry {
    config: HubConfig,
    store: Arc<dyn SampleStore>,
    bus: Option<Arc<dyn LiveBus>>,
    live: Addr<LiveHub>,
    arbiters: Vec<Arbiter>,
    actors: HashMap<i64, Addr<AssistantActor>>,
    shutting_down: bool,
}

impl Registry {
    /// A registry whose actors run on `threads` arbiters.
    pub fn new(
        config: HubConfig,
        store: Arc<dyn SampleStore>,
        bus: Option<Arc<dyn LiveBus>>,
        live: Addr<LiveHub>,
        threads: usize,
    ) -> Self {
        Self {
            config,
            store,
            bus,
            live,
            arbiters: (0..threads.max(1)).map(|_| Arbiter::new()).collect(),
            actors: HashMap::new(),
            shutting_down: false,
        }
    }

    fn actor_for(&mut self, assistant_id: i64, me: Addr<Self>) -> Addr<AssistantActor> {
        if let Some(addr) = self.actors.get(&assistant_id).filter(|a| a.connected()) {
            return addr.clone();
        }
        let index = usize::try_from(assistant_id.unsigned_abs()).unwrap_or(0) % self.arbiters.len();
        let arbiter = self.arbiters[index].handle();
        let (config, store, bus, live) = (
            self.config.clone(),
            Arc::clone(&self.store),
            self.bus.clone(),
            self.live.clone(),
        );
        let addr = AssistantActor::start_in_arbiter(&arbiter, move |_| {
            AssistantActor::new(assistant_id, config, store, bus, live, Some(me.recipient()))
        });
        self.actors.insert(assistant_id, addr.clone());
        addr
    }
}

impl Actor for Registry {
    type Context = Context<Self>;

    fn stopped(&mut self, _: &mut Self::Context) {
        for arbiter in &self.arbiters {
            arbiter.stop();
        }
    }
}

impl Handler<Ingest> for Registry {
    type Result = ResponseFuture<Result<Ack, IngestError>>;

    #[tracing::instrument(name = "registry.ingest", skip_all, fields(
        assistant_id = msg.assistant_id,
        request_id = %msg.request_id,
    ))]
    fn handle(&mut self, msg: Ingest, ctx: &mut Self::Context) -> Self::Result {
        if self.shutting_down {
            return Box::pin(async { Err(IngestError::ShuttingDown) });
        }
        let actor = self.actor_for(msg.assistant_id, ctx.address());
        Box::pin(async move {
            actor
                .send(msg)
                .await
                .unwrap_or(Err(IngestError::Unavailable))
        })
    }
}

impl Handler<Idle> for Registry {
    type Result = ();

    fn handle(&mut self, msg: Idle, _: &mut Self::Context) {
        // Removed first, so nothing new is routed to it; it still drains what it holds.
        if let Some(actor) = self.actors.remove(&msg.assistant_id) {
            actor.do_send(Drain);
        }
    }
}

impl Handler<Retire> for Registry {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, msg: Retire, _: &mut Self::Context) -> Self::Result {
        let actor = self.actors.remove(&msg.assistant_id);
        Box::pin(async move {
            if let Some(actor) = actor {
                let _ = actor.send(Drain).await;
            }
        })
    }
}

impl Handler<Shutdown> for Registry {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Shutdown, _: &mut Self::Context) -> Self::Result {
        self.shutting_down = true;
        let actors: Vec<_> = self.actors.drain().map(|(_, a)| a).collect();
        Box::pin(async move {
            join_all(actors.iter().map(|a| a.send(Drain))).await;
        })
    }
}

impl Handler<LiveSessions> for Registry {
    type Result = ResponseFuture<Vec<Session>>;

    fn handle(&mut self, msg: LiveSessions, _: &mut Self::Context) -> Self::Result {
        // Only running actors hold sessions: an assistant without one has had no call within
        // its idle timeout on this node (a restarted node reads them back on the next call).
        let actors: Vec<_> = msg
            .assistants
            .iter()
            .filter_map(|id| self.actors.get(id).filter(|a| a.connected()).cloned())
            .collect();
        Box::pin(async move {
            let answers = join_all(actors.iter().map(|a| a.send(ActiveSessions))).await;
            let mut sessions: Vec<Session> = answers.into_iter().flatten().flatten().collect();
            sessions.sort_by(|a, b| {
                b.last_event_at
                    .cmp(&a.last_event_at)
                    .then_with(|| a.assistant_id.cmp(&b.assistant_id))
                    .then_with(|| a.session_id.cmp(&b.session_id))
            });
            sessions
        })
    }
}

impl Handler<ActiveCount> for Registry {
    type Result = usize;

    fn handle(&mut self, _: ActiveCount, _: &mut Self::Context) -> usize {
        self.actors.values().filter(|a| a.connected()).count()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::{call, MemoryStore};

    fn start(store: Arc<MemoryStore>, idle_timeout: Duration) -> Addr<Registry> {
        let config = HubConfig {
            idle_timeout,
            ..HubConfig::default()
        };
        let live = LiveHub::new(store.clone(), None, config.history).start();
        Registry::new(config, store, None, live, 1).start()
    }

    async fn ingest(
        registry: &Addr<Registry>,
        assistant_id: i64,
    ) -> Option<Result<Ack, IngestError>> {
        registry
            .send(Ingest {
                assistant_id,
                samples: vec![call(None)],
                request_id: "test".into(),
            })
            .await
            .ok()
    }

    #[actix_rt::test]
    async fn each_assistant_gets_an_actor_and_an_idle_one_is_drained_and_stopped() {
        let store = Arc::new(MemoryStore::default());
        // Long enough that no actor idles out between these three quick requests even on a
        // starved machine (a 40 ms timeout did, on a loaded CI), short enough to wait out below.
        let registry = start(store.clone(), Duration::from_millis(500));
        for assistant in [1, 2, 1] {
            assert!(matches!(ingest(&registry, assistant).await, Some(Ok(_))));
        }
        assert_eq!(registry.send(ActiveCount).await.ok(), Some(2));
        let mut active = None;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            active = registry.send(ActiveCount).await.ok();
            if active == Some(0) {
                break;
            }
        }
        assert_eq!(active, Some(0), "idle actors were not stopped");
        assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 3);
        // A stopped assistant's actor starts again on its next sample.
        assert!(matches!(ingest(&registry, 1).await, Some(Ok(_))));
        assert_eq!(registry.send(ActiveCount).await.ok(), Some(1));
    }

    #[actix_rt::test]
    async fn retiring_drains_and_stops_only_that_assistants_actor() {
        let store = Arc::new(MemoryStore::default());
        let registry = start(store.clone(), Duration::from_secs(60));
        for assistant in [1, 2] {
            assert!(matches!(ingest(&registry, assistant).await, Some(Ok(_))));
        }
        assert!(registry.send(Retire { assistant_id: 1 }).await.is_ok());
        assert_eq!(registry.send(ActiveCount).await.ok(), Some(1));
        assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 2);
        // Retiring an assistant without a running actor is a no-op.
        assert!(registry.send(Retire { assistant_id: 9 }).await.is_ok());
        assert_eq!(registry.send(ActiveCount).await.ok(), Some(1));
    }

    #[actix_rt::test]
    async fn shutdown_drains_every_actor_and_refuses_what_comes_after() {
        let store = Arc::new(MemoryStore::default());
        let registry = start(store.clone(), Duration::from_secs(60));
        let first = registry.send(Ingest {
            assistant_id: 7,
            samples: vec![call(None); 3],
            request_id: "test".into(),
        });
        let (first, drained) = tokio::join!(first, registry.send(Shutdown));
        assert!(matches!(first, Ok(Ok(_))));
        assert!(drained.is_ok());
        assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 3);
        assert_eq!(
            ingest(&registry, 7).await,
            Some(Err(IngestError::ShuttingDown))
        );
    }
}
