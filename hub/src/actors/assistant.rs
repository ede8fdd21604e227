//! One actor per active assistant: it buffers incoming samples (bounded), writes them in
//! batches with group commit, acknowledges each request only after its batch is durable, and
//! announces what changed to live subscribers, coalesced.
//!
//! Group commit: a batch is written as soon as the previous one has committed, with everything
//! that arrived meanwhile. Under load, batches grow by themselves; when idle, a lone sample is
//! written at once.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use chrono::Utc;
use tokio::sync::oneshot;

use super::config::HubConfig;
use super::live_hub::LiveHub;
use super::messages::{Ack, Drain, Idle, Ingest, IngestError, Publish};
use super::registry::Registry;
use crate::live::Delta;
use crate::store::{LiveBus, SampleStore};
use crate::{Sample, Totals};

/// One ingestion request waiting for its batch.
struct Waiting {
    samples: Vec<Sample>,
    reply: oneshot::Sender<Result<Ack, IngestError>>,
}

/// The actor of one assistant.
pub struct AssistantActor {
    assistant_id: i64,
    config: HubConfig,
    store: Arc<dyn SampleStore>,
    bus: Option<Arc<dyn LiveBus>>,
    live: Addr<LiveHub>,
    registry: Option<Addr<Registry>>,
    queue: VecDeque<Waiting>,
    /// Samples in `queue` plus those in the batch being written.
    buffered: usize,
    writing: bool,
    /// Committed but not yet announced.
    unannounced: Totals,
    last_announced: Option<Instant>,
    announce_scheduled: bool,
    announcing: bool,
    last_activity: Instant,
    draining: Vec<oneshot::Sender<()>>,
}

impl AssistantActor {
    /// A new actor for `assistant_id`; the registry (if any) is told when it is idle.
    pub fn new(
        assistant_id: i64,
        config: HubConfig,
        store: Arc<dyn SampleStore>,
        bus: Option<Arc<dyn LiveBus>>,
        live: Addr<LiveHub>,
        registry: Option<Addr<Registry>>,
    ) -> Self {
        Self {
            assistant_id,
            config,
            store,
            bus,
            live,
            registry,
            queue: VecDeque::new(),
            buffered: 0,
            writing: false,
            unannounced: Totals::default(),
            last_announced: None,
            announce_scheduled: false,
            announcing: false,
            last_activity: Instant::now(),
            draining: Vec::new(),
        }
    }

    /// Writes the next batch unless one is being written: whole requests, oldest first, up to
    /// `max_batch` samples (a larger request goes alone).
    fn write_next(&mut self, ctx: &mut Context<Self>) {
        if self.writing || self.queue.is_empty() {
            self.finish_drain_if_done(ctx);
            return;
        }
        let mut batch: Vec<Waiting> = Vec::new();
        let mut rows = 0;
        while let Some(next) = self.queue.front() {
            if !batch.is_empty() && rows + next.samples.len() > self.config.max_batch {
                break;
            }
            rows += next.samples.len();
            if let Some(waiting) = self.queue.pop_front() {
                batch.push(waiting);
            }
        }
        let samples: Vec<Sample> = batch
            .iter()
            .flat_map(|w| w.samples.iter().cloned())
            .collect();
        self.writing = true;
        let store = Arc::clone(&self.store);
        let assistant_id = self.assistant_id;
        let write = async move { store.write_batch(assistant_id, &samples).await };
        ctx.spawn(write.into_actor(self).map(move |result, act, ctx| {
            act.writing = false;
            act.buffered = act.buffered.saturating_sub(rows);
            act.last_activity = Instant::now();
            match result {
                Ok(stored) => act.acknowledge(batch, &stored, ctx),
                Err(error) => {
                    tracing::warn!(assistant_id, %error, rows, "batch not stored; clients will retry");
                    for waiting in batch {
                        let _ = waiting.reply.send(Err(IngestError::Unavailable));
                    }
                }
            }
            act.write_next(ctx);
        }));
    }

    fn acknowledge(&mut self, batch: Vec<Waiting>, stored: &[bool], ctx: &mut Context<Self>) {
        let mut flags = stored.iter().copied();
        for waiting in batch {
            let mut ack = Ack {
                accepted: 0,
                duplicates: 0,
            };
            for sample in &waiting.samples {
                if flags.next().unwrap_or(false) {
                    ack.accepted += 1;
                    self.unannounced.add_sample(sample);
                } else {
                    ack.duplicates += 1;
                }
            }
            let _ = waiting.reply.send(Ok(ack));
        }
        self.schedule_announce(ctx);
    }

    /// Announces committed samples at most once per `coalesce` interval: at once if the last
    /// announcement is older than that, otherwise when the interval is over.
    fn schedule_announce(&mut self, ctx: &mut Context<Self>) {
        if self.unannounced.is_empty() || self.announce_scheduled || self.announcing {
            return;
        }
        let wait = self
            .last_announced
            .map(|at| self.config.coalesce.saturating_sub(at.elapsed()))
            .unwrap_or(Duration::ZERO);
        if wait.is_zero() {
            self.announce(ctx);
        } else {
            self.announce_scheduled = true;
            ctx.run_later(wait, |act, ctx| {
                act.announce_scheduled = false;
                act.announce(ctx);
            });
        }
    }

    fn announce(&mut self, ctx: &mut Context<Self>) {
        if self.unannounced.is_empty() || self.announcing {
            return;
        }
        let added = std::mem::take(&mut self.unannounced);
        self.announcing = true;
        self.last_announced = Some(Instant::now());
        let store = Arc::clone(&self.store);
        let bus = self.bus.clone();
        let live = self.live.clone();
        let assistant_id = self.assistant_id;
        let work = async move {
            let now = Utc::now();
            let stats = match store.stats(assistant_id, now).await {
                Ok(stats) => stats,
                Err(error) => {
                    tracing::warn!(assistant_id, %error, "live stats unavailable; delta skipped");
                    return;
                }
            };
            let delta = Delta {
                assistant_id,
                seq: 0,
                at: now,
                added: added.into(),
                stats: stats.into(),
            };
            let published = match &bus {
                Some(bus) => bus.publish(&delta).await.map_err(|e| {
                    tracing::debug!(assistant_id, error = %e, "live bus unavailable; delivering on this node");
                }),
                None => Err(()),
            };
            if published.is_err() {
                live.do_send(Publish { delta });
            }
        };
        ctx.spawn(work.into_actor(self).map(|(), act, ctx| {
            act.announcing = false;
            act.schedule_announce(ctx);
            act.finish_drain_if_done(ctx);
        }));
    }

    fn is_quiet(&self) -> bool {
        self.queue.is_empty()
            && !self.writing
            && !self.announcing
            && !self.announce_scheduled
            && self.unannounced.is_empty()
    }

    fn finish_drain_if_done(&mut self, ctx: &mut Context<Self>) {
        if !self.draining.is_empty() && self.queue.is_empty() && !self.writing {
            // Announce what is left now rather than after the coalescing delay.
            if !self.unannounced.is_empty() && !self.announcing {
                self.announce(ctx);
                return;
            }
            if self.is_quiet() {
                for done in self.draining.drain(..) {
                    let _ = done.send(());
                }
                ctx.stop();
            }
        }
    }
}

impl Actor for AssistantActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let tick = (self.config.idle_timeout / 4).max(Duration::from_millis(10));
        ctx.run_interval(tick, |act, _| {
            if act.is_quiet()
                && act.draining.is_empty()
                && act.last_activity.elapsed() >= act.config.idle_timeout
            {
                if let Some(registry) = &act.registry {
                    registry.do_send(Idle {
                        assistant_id: act.assistant_id,
                    });
                }
            }
        });
    }

    fn stopping(&mut self, _: &mut Self::Context) -> Running {
        if self.queue.is_empty() && !self.writing {
            Running::Stop
        } else {
            // Never drop acknowledged work: keep running until the buffer is written.
            Running::Continue
        }
    }
}

impl Handler<Ingest> for AssistantActor {
    type Result = ResponseFuture<Result<Ack, IngestError>>;

    fn handle(&mut self, msg: Ingest, ctx: &mut Self::Context) -> Self::Result {
        self.last_activity = Instant::now();
        let count = msg.samples.len();
        if !self.draining.is_empty() {
            return Box::pin(async { Err(IngestError::ShuttingDown) });
        }
        if count == 0 {
            return Box::pin(async {
                Ok(Ack {
                    accepted: 0,
                    duplicates: 0,
                })
            });
        }
        if self.buffered + count > self.config.buffer_capacity {
            let retry_after_secs = self.config.retry_after.as_secs().max(1);
            return Box::pin(async move { Err(IngestError::Busy { retry_after_secs }) });
        }
        let (reply, answer) = oneshot::channel();
        self.buffered += count;
        self.queue.push_back(Waiting {
            samples: msg.samples,
            reply,
        });
        self.write_next(ctx);
        Box::pin(async move { answer.await.unwrap_or(Err(IngestError::Unavailable)) })
    }
}

impl Handler<Drain> for AssistantActor {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: Drain, ctx: &mut Self::Context) -> Self::Result {
        let (done, finished) = oneshot::channel();
        self.draining.push(done);
        self.finish_drain_if_done(ctx);
        Box::pin(async move {
            let _ = finished.await;
        })
    }
}
