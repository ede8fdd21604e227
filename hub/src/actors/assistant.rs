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
use super::messages::{Ack, Drain, Idle, Ingest, IngestError, Publish, SeqFloor};
use super::registry::Registry;
use crate::budget::{BudgetAlert, BudgetCheck};
use crate::live::Delta;
use crate::store::{LiveBus, SampleStore, WriteError};
use crate::{Sample, Totals};

/// One ingestion request waiting for its batch.
struct Waiting {
    samples: Vec<Sample>,
    reply: oneshot::Sender<Result<Ack, IngestError>>,
    /// It shared a batch that storage refused: it is written in a batch of its own, so one
    /// client's poisoned samples never fail another client's.
    alone: bool,
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
    /// Budget alerts raised since the last announcement.
    unannounced_alerts: Vec<BudgetAlert>,
    /// Whether a budget covering the assistant was spent at the last check.
    over_budget: bool,
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
            unannounced_alerts: Vec::new(),
            over_budget: false,
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
            let full = rows + next.samples.len() > self.config.max_batch;
            let isolated = next.alone || batch.first().is_some_and(|w| w.alone);
            if !batch.is_empty() && (full || isolated) {
                break;
            }
            rows += next.samples.len();
            if let Some(waiting) = self.queue.pop_front() {
                batch.push(waiting);
            }
        }
        // Move (not copy) the samples into one batch; they come back with the result so the
        // acknowledgement can count what was stored.
        let mut samples = Vec::with_capacity(rows);
        let mut counts = Vec::with_capacity(batch.len());
        for waiting in &mut batch {
            counts.push(waiting.samples.len());
            samples.append(&mut waiting.samples);
        }
        self.writing = true;
        let store = Arc::clone(&self.store);
        let assistant_id = self.assistant_id;
        let write = async move {
            let result = store.write_batch(assistant_id, &mut samples).await;
            // Budgets are checked after the commit; a failed check keeps the last known state.
            let budgets = match &result {
                Ok(_) => store
                    .check_budgets(assistant_id, Utc::now())
                    .await
                    .map_err(|error| tracing::warn!(assistant_id, %error, "budgets not checked"))
                    .ok(),
                Err(_) => None,
            };
            (samples, result, budgets)
        };
        ctx.spawn(
            write
                .into_actor(self)
                .map(move |(samples, result, budgets), act, ctx| {
                    act.writing = false;
                    act.buffered = act.buffered.saturating_sub(rows);
                    act.last_activity = Instant::now();
                    if let Some(BudgetCheck {
                        over_budget,
                        new_alerts,
                    }) = budgets
                    {
                        act.over_budget = over_budget;
                        act.unannounced_alerts.extend(new_alerts);
                    }
                    match result {
                        Ok(stored) => act.acknowledge(batch, &counts, &samples, &stored, ctx),
                        Err(WriteError::Refused(detail)) if batch.len() > 1 => {
                            tracing::warn!(assistant_id, %detail, rows, "batch refused; retrying each request alone");
                            act.requeue_alone(batch, &counts, samples);
                        }
                        Err(WriteError::Refused(detail)) => {
                            tracing::warn!(assistant_id, %detail, rows, "request refused by storage");
                            for waiting in batch {
                                let detail = detail.clone();
                                let _ = waiting.reply.send(Err(IngestError::Refused { detail }));
                            }
                        }
                        Err(WriteError::Unavailable(error)) => {
                            tracing::warn!(assistant_id, %error, rows, "batch not stored; clients will retry");
                            for waiting in batch {
                                let _ = waiting.reply.send(Err(IngestError::Unavailable));
                            }
                        }
                    }
                    act.write_next(ctx);
                }),
        );
    }

    /// Puts the requests of a refused batch back at the head of the queue, in their order and
    /// with their samples, each to be written alone.
    fn requeue_alone(&mut self, batch: Vec<Waiting>, counts: &[usize], samples: Vec<Sample>) {
        let mut samples = samples.into_iter();
        let mut requeued: Vec<Waiting> = Vec::with_capacity(batch.len());
        for (mut waiting, &count) in batch.into_iter().zip(counts) {
            waiting.samples = samples.by_ref().take(count).collect();
            waiting.alone = true;
            self.buffered += count;
            requeued.push(waiting);
        }
        for waiting in requeued.into_iter().rev() {
            self.queue.push_front(waiting);
        }
    }

    /// Answers each request of a committed batch: `counts[i]` of `samples` are request `i`'s,
    /// `stored` says which were new.
    fn acknowledge(
        &mut self,
        batch: Vec<Waiting>,
        counts: &[usize],
        samples: &[Sample],
        stored: &[bool],
        ctx: &mut Context<Self>,
    ) {
        // A store that reports fewer flags than samples has not stored the rest.
        let flags = stored.iter().copied().chain(std::iter::repeat(false));
        let mut outcomes = samples.iter().zip(flags);
        for (waiting, &count) in batch.into_iter().zip(counts) {
            let mut ack = Ack {
                accepted: 0,
                duplicates: 0,
                over_budget: self.over_budget,
            };
            for (sample, new) in outcomes.by_ref().take(count) {
                if new {
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
        if !self.has_news() || self.announce_scheduled || self.announcing {
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
                // A drain may be waiting for this scheduled announcement to settle.
                act.finish_drain_if_done(ctx);
            });
        }
    }

    fn announce(&mut self, ctx: &mut Context<Self>) {
        if !self.has_news() || self.announcing {
            return;
        }
        let added = std::mem::take(&mut self.unannounced);
        let alerts = std::mem::take(&mut self.unannounced_alerts);
        let over_budget = self.over_budget;
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
                    // Alerts are announced once: keep them for the next delta.
                    return alerts;
                }
            };
            let delta = Delta {
                assistant_id,
                seq: 0,
                at: now,
                added: added.into(),
                stats: stats.into(),
                alerts,
                over_budget,
            };
            let published = match &bus {
                Some(bus) => {
                    // The bus numbers above what this node delivered (its own numbers too).
                    let floor = live.send(SeqFloor { assistant_id }).await.unwrap_or(0);
                    bus.publish(&delta, floor).await.map_err(|e| {
                        tracing::debug!(assistant_id, error = %e, "live bus unavailable; delivering on this node");
                    })
                }
                None => Err(()),
            };
            if published.is_err() {
                live.do_send(Publish { delta });
            }
            Vec::new()
        };
        ctx.spawn(work.into_actor(self).map(|unsent, act, ctx| {
            act.announcing = false;
            // Retry unsent alerts with the next delta, unless stopping (they stay in the
            // stored alert history either way).
            if act.draining.is_empty() {
                act.unannounced_alerts.splice(0..0, unsent);
            }
            act.schedule_announce(ctx);
            act.finish_drain_if_done(ctx);
        }));
    }

    /// Whether something committed has not been announced yet (totals or budget alerts).
    fn has_news(&self) -> bool {
        !self.unannounced.is_empty() || !self.unannounced_alerts.is_empty()
    }

    fn is_quiet(&self) -> bool {
        self.queue.is_empty()
            && !self.writing
            && !self.announcing
            && !self.announce_scheduled
            && !self.has_news()
    }

    fn finish_drain_if_done(&mut self, ctx: &mut Context<Self>) {
        if !self.draining.is_empty() && self.queue.is_empty() && !self.writing {
            // Announce what is left now rather than after the coalescing delay.
            if self.has_news() && !self.announcing {
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
            let over_budget = self.over_budget;
            return Box::pin(async move {
                Ok(Ack {
                    accepted: 0,
                    duplicates: 0,
                    over_budget,
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
            alone: false,
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use async_trait::async_trait;
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::actors::messages::{Live, Subscribe};
    use crate::live::LiveEvent;
    use crate::store::StoreError;
    use crate::{SampleKind, Stats};

    /// Samples kept in memory; client ids deduplicated like the real store.
    #[derive(Default)]
    struct MemoryStore {
        samples: Mutex<Vec<Sample>>,
        fail: Mutex<bool>,
        /// A daily budget on the total cost stored, alerted once.
        budget_nanos: Option<i64>,
        alerted: Mutex<bool>,
    }

    #[async_trait]
    impl SampleStore for MemoryStore {
        async fn write_batch(
            &self,
            _: i64,
            samples: &mut [Sample],
        ) -> Result<Vec<bool>, WriteError> {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if *self.fail.lock().map_err(|e| StoreError(e.to_string()))? {
                return Err(StoreError("down".into()).into());
            }
            // Like PostgreSQL refusing a value: the whole batch fails, nothing is kept.
            if samples.iter().any(|s| s.model.as_deref() == Some(POISON)) {
                return Err(WriteError::Refused("value out of range".into()));
            }
            let mut stored = self.samples.lock().map_err(|e| StoreError(e.to_string()))?;
            let mut flags = Vec::new();
            for sample in samples.iter() {
                let seen = sample.client_id.is_some()
                    && stored.iter().any(|s| s.client_id == sample.client_id);
                if !seen {
                    stored.push(sample.clone());
                }
                flags.push(!seen);
            }
            Ok(flags)
        }

        async fn check_budgets(
            &self,
            _: i64,
            now: DateTime<Utc>,
        ) -> Result<BudgetCheck, StoreError> {
            let Some(limit_nanos) = self.budget_nanos else {
                return Ok(BudgetCheck::default());
            };
            let spent_nanos: i64 = self
                .samples
                .lock()
                .map_err(|e| StoreError(e.to_string()))?
                .iter()
                .map(|s| s.cost_nanos)
                .sum();
            let over_budget = spent_nanos >= limit_nanos;
            let mut alerted = self.alerted.lock().map_err(|e| StoreError(e.to_string()))?;
            let mut new_alerts = Vec::new();
            if over_budget && !*alerted {
                *alerted = true;
                new_alerts.push(BudgetAlert {
                    budget_id: 7,
                    assistant_id: Some(1),
                    period: crate::budget::BudgetPeriod::Daily,
                    period_start: now.date_naive(),
                    limit_nanos,
                    spent_nanos,
                });
            }
            Ok(BudgetCheck {
                over_budget,
                new_alerts,
            })
        }

        async fn stats(&self, _: i64, _: DateTime<Utc>) -> Result<Stats, StoreError> {
            let stored = self.samples.lock().map_err(|e| StoreError(e.to_string()))?;
            let mut stats = Stats::default();
            for sample in stored.iter() {
                stats.today.add_sample(sample);
            }
            Ok(stats)
        }
    }

    /// The model name [`MemoryStore`] refuses to store.
    const POISON: &str = "poison";

    fn call(client_id: Option<&str>) -> Sample {
        Sample {
            ts: Utc::now(),
            kind: SampleKind::Call,
            calls: 1,
            errors: 0,
            duration_ms: 1_000,
            cost_nanos: 5,
            tokens_in: 1,
            tokens_out: 1,
            model: None,
            status: None,
            status_code: None,
            latency_ms: None,
            country: None,
            domain: None,
            metadata: None,
            client_id: client_id.map(str::to_owned),
            needs_price: false,
        }
    }

    /// Collects what a subscriber receives.
    struct Collector(std::sync::Arc<Mutex<Vec<LiveEvent>>>);

    impl Actor for Collector {
        type Context = Context<Self>;
    }

    impl Handler<Live> for Collector {
        type Result = ();
        fn handle(&mut self, msg: Live, _: &mut Self::Context) {
            if let Ok(mut seen) = self.0.lock() {
                seen.push(msg.event);
            }
        }
    }

    fn start(store: Arc<MemoryStore>, config: HubConfig) -> (Addr<AssistantActor>, Addr<LiveHub>) {
        let live = LiveHub::new(store.clone(), None, config.history).start();
        let actor = AssistantActor::new(1, config, store, None, live.clone(), None).start();
        (actor, live)
    }

    fn config() -> HubConfig {
        HubConfig {
            coalesce: Duration::from_millis(200),
            ..HubConfig::default()
        }
    }

    #[actix_rt::test]
    async fn concurrent_requests_are_acknowledged_after_they_are_stored() {
        let store = Arc::new(MemoryStore::default());
        let (actor, _) = start(store.clone(), config());
        let requests = (0..5).map(|i| {
            actor.send(Ingest {
                assistant_id: 1,
                samples: vec![call(Some(&format!("c{i}"))), call(None)],
            })
        });
        let acks = futures_util::future::join_all(requests).await;
        for ack in acks {
            assert_eq!(
                ack.ok().and_then(Result::ok),
                Some(Ack {
                    accepted: 2,
                    duplicates: 0,
                    over_budget: false,
                })
            );
        }
        assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 10);
        let retry = actor
            .send(Ingest {
                assistant_id: 1,
                samples: vec![call(Some("c0"))],
            })
            .await
            .ok()
            .and_then(Result::ok);
        assert_eq!(
            retry,
            Some(Ack {
                accepted: 0,
                duplicates: 1,
                over_budget: false,
            })
        );
    }

    #[actix_rt::test]
    async fn a_full_buffer_refuses_and_a_failed_write_is_not_acknowledged() {
        let store = Arc::new(MemoryStore::default());
        let (actor, _) = start(
            store.clone(),
            HubConfig {
                buffer_capacity: 3,
                ..config()
            },
        );
        let too_many = actor
            .send(Ingest {
                assistant_id: 1,
                samples: vec![call(None); 4],
            })
            .await
            .ok();
        assert_eq!(
            too_many,
            Some(Err(IngestError::Busy {
                retry_after_secs: 1
            }))
        );
        if let Ok(mut fail) = store.fail.lock() {
            *fail = true;
        }
        let failed = actor
            .send(Ingest {
                assistant_id: 1,
                samples: vec![call(None)],
            })
            .await
            .ok();
        assert_eq!(failed, Some(Err(IngestError::Unavailable)));
        assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(9), 0);
    }

    #[actix_rt::test]
    async fn a_request_storage_refuses_fails_alone_and_its_batch_mates_are_stored() {
        let store = Arc::new(MemoryStore::default());
        let (actor, _) = start(store.clone(), config());
        let poisoned = Sample {
            model: Some(POISON.into()),
            ..call(None)
        };
        // The first request is written at once; the next three wait and share one batch.
        let requests = [
            vec![call(Some("first"))],
            vec![call(Some("before"))],
            vec![call(None), poisoned],
            vec![call(Some("after")), call(None)],
        ]
        .map(|samples| {
            actor.send(Ingest {
                assistant_id: 1,
                samples,
            })
        });
        let answers: Vec<_> = futures_util::future::join_all(requests)
            .await
            .into_iter()
            .map(|answer| answer.ok().map(|r| r.map(|ack| ack.accepted)))
            .collect();
        assert_eq!(
            answers,
            vec![
                Some(Ok(1)),
                Some(Ok(1)),
                Some(Err(IngestError::Refused {
                    detail: "value out of range".into()
                })),
                Some(Ok(2)),
            ]
        );
        let stored: Vec<Option<String>> = store
            .samples
            .lock()
            .map(|s| s.iter().map(|s| s.client_id.clone()).collect())
            .unwrap_or_default();
        assert_eq!(
            stored,
            vec![
                Some("first".into()),
                Some("before".into()),
                Some("after".into()),
                None
            ]
        );
    }

    #[actix_rt::test]
    async fn deltas_are_coalesced_numbered_and_a_drain_waits_for_the_last_one() {
        let store = Arc::new(MemoryStore::default());
        let (actor, live) = start(store.clone(), config());
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let collector = Collector(seen.clone()).start();
        live.send(Subscribe {
            session_id: 1,
            subscriber: collector.recipient(),
            assistant_id: 1,
            since: None,
        })
        .await
        .ok();
        for _ in 0..5 {
            let _ = actor
                .send(Ingest {
                    assistant_id: 1,
                    samples: vec![call(None)],
                })
                .await;
        }
        // The first batch is announced at once; the next four wait for the coalescing interval,
        // and the drain must not finish before they are announced.
        let drained = tokio::time::timeout(Duration::from_secs(3), actor.send(Drain)).await;
        assert!(drained.is_ok(), "drain hung");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let events = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let deltas: Vec<(u64, i64, i64)> = events
            .iter()
            .filter_map(|e| match e {
                LiveEvent::Delta(d) => Some((
                    d.seq,
                    Totals::from(d.added).calls,
                    Stats::from(d.stats).today.calls,
                )),
                LiveEvent::Snapshot { .. } => None,
            })
            .collect();
        assert!(
            deltas.len() >= 2 && deltas.len() < 5,
            "coalesced: {deltas:?}"
        );
        let seqs: Vec<u64> = deltas.iter().map(|d| d.0).collect();
        assert_eq!(seqs, (1..=deltas.len() as u64).collect::<Vec<_>>());
        assert_eq!(deltas.iter().map(|d| d.1).sum::<i64>(), 5);
        assert_eq!(deltas.last().map(|d| d.2), Some(5));
    }

    #[actix_rt::test]
    async fn crossing_a_budget_flags_acks_and_pushes_one_alert() {
        // Each call costs 5 nano-dollars; the budget is 12.
        let store = Arc::new(MemoryStore {
            budget_nanos: Some(12),
            ..MemoryStore::default()
        });
        let (actor, live) = start(store.clone(), config());
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        live.send(Subscribe {
            session_id: 1,
            subscriber: Collector(seen.clone()).start().recipient(),
            assistant_id: 1,
            since: None,
        })
        .await
        .ok();
        let mut flags = Vec::new();
        for _ in 0..4 {
            let ack = actor
                .send(Ingest {
                    assistant_id: 1,
                    samples: vec![call(None)],
                })
                .await
                .ok()
                .and_then(Result::ok);
            flags.push(ack.map(|a| a.over_budget));
        }
        assert_eq!(flags, [Some(false), Some(false), Some(true), Some(true)]);
        let drained = tokio::time::timeout(Duration::from_secs(3), actor.send(Drain)).await;
        assert!(drained.is_ok(), "drain hung");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let events = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let alerts: Vec<(i64, i64)> = events
            .iter()
            .filter_map(|e| match e {
                LiveEvent::Delta(d) => Some(d.alerts.iter().map(|a| (a.budget_id, a.spent_nanos))),
                LiveEvent::Snapshot { .. } => None,
            })
            .flatten()
            .collect();
        assert_eq!(alerts, [(7, 15)]);
        let last_over = events.iter().rev().find_map(|e| match e {
            LiveEvent::Delta(d) => Some(d.over_budget),
            LiveEvent::Snapshot { .. } => None,
        });
        assert_eq!(last_over, Some(true));
    }
}
