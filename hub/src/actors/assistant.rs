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
use crate::alert_rules::RuleAlert;
use crate::budget::{BudgetAlert, BudgetCheck};
use crate::live::{Delta, SessionsChange};
use crate::sessions::SessionTracker;
use crate::store::{LiveBus, SampleStore, StoreError};
use crate::{Sample, Totals};

/// One ingestion request waiting for its batch.
struct Waiting {
    samples: Vec<Sample>,
    /// The request the samples came with ([`Ingest::request_id`]), for the logs.
    request_id: String,
    reply: oneshot::Sender<Result<Ack, IngestError>>,
    /// It shared a batch storage refused or failed on: it is written in a batch of its own, so one
    /// client's poisoned samples never fail another client's.
    alone: bool,
}

/// The request ids of a batch, comma-separated, for one log line about the whole batch.
struct RequestIds<'a>(&'a [Waiting]);

impl std::fmt::Display for RequestIds<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, waiting) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(&waiting.request_id)?;
        }
        Ok(())
    }
}

/// Evaluates the alert rules covering an assistant after one of its batches committed; a
/// failure is logged and raises nothing (the next batch evaluates again).
async fn check_rules_after_commit(store: &dyn SampleStore, assistant_id: i64) -> Vec<RuleAlert> {
    match store.check_alert_rules(assistant_id, Utc::now()).await {
        Ok(alerts) => alerts,
        Err(error) => {
            tracing::warn!(assistant_id, %error, "alert rules not evaluated");
            Vec::new()
        }
    }
}

/// The actor of one assistant.
pub struct AssistantActor {
    assistant_id: i64,
    config: HubConfig,
    store: Arc<dyn SampleStore>,
    bus: Option<Arc<dyn LiveBus>>,
    live: Addr<LiveHub>,
    /// Told when the actor has been idle (the registry then drains and forgets it).
    idle: Option<Recipient<Idle>>,
    queue: VecDeque<Waiting>,
    /// Samples in `queue` plus those in the batch being written.
    buffered: usize,
    writing: bool,
    /// Committed but not yet announced.
    unannounced: Totals,
    /// Budget alerts raised since the last announcement.
    unannounced_alerts: Vec<BudgetAlert>,
    /// Rule firings raised since the last announcement.
    unannounced_rule_alerts: Vec<RuleAlert>,
    /// Whether a budget covering the assistant was spent at the last check.
    over_budget: bool,
    last_announced: Option<Instant>,
    announce_scheduled: bool,
    announcing: bool,
    last_activity: Instant,
    draining: Vec<oneshot::Sender<()>>,
    /// The assistant's active sessions, from the samples it committed (and those stored before
    /// it started, see [`AssistantActor::seed_sessions`]).
    sessions: SessionTracker,
    /// Reading the sessions stored before it started: batches wait, so none is counted twice.
    seeding: bool,
}

impl AssistantActor {
    /// A new actor for `assistant_id`; `idle` (the registry, if any) is told when it is idle.
    pub fn new(
        assistant_id: i64,
        config: HubConfig,
        store: Arc<dyn SampleStore>,
        bus: Option<Arc<dyn LiveBus>>,
        live: Addr<LiveHub>,
        idle: Option<Recipient<Idle>>,
    ) -> Self {
        Self {
            assistant_id,
            store,
            bus,
            live,
            idle,
            queue: VecDeque::new(),
            buffered: 0,
            writing: false,
            unannounced: Totals::default(),
            unannounced_alerts: Vec::new(),
            unannounced_rule_alerts: Vec::new(),
            over_budget: false,
            last_announced: None,
            announce_scheduled: false,
            announcing: false,
            last_activity: Instant::now(),
            draining: Vec::new(),
            sessions: SessionTracker::new(assistant_id, config.sessions),
            seeding: false,
            config,
        }
    }

    /// Writes the next batch unless one is being written: whole requests, oldest first, up to
    /// `max_batch` samples (a larger request goes alone).
    fn write_next(&mut self, ctx: &mut Context<Self>) {
        if self.seeding {
            return;
        }
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
            let (budgets, rules) = match &result {
                Ok(_) => (
                    crate::budget::check_after_commit(store.as_ref(), assistant_id).await,
                    check_rules_after_commit(store.as_ref(), assistant_id).await,
                ),
                Err(_) => (None, Vec::new()),
            };
            (samples, result, budgets, rules)
        };
        ctx.spawn(
            write
                .into_actor(self)
                .map(move |(samples, result, budgets, rules), act, ctx| {
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
                    act.unannounced_rule_alerts.extend(rules);
                    let requests = RequestIds(&batch);
                    match result {
                        Ok(stored) => act.acknowledge(batch, &counts, &samples, &stored, ctx),
                        Err(error) if !error.is_transient() && batch.len() > 1 => {
                            tracing::warn!(assistant_id, %error, rows, %requests, "batch not stored; retrying each request alone");
                            act.requeue_alone(batch, &counts, samples);
                        }
                        Err(StoreError::Refused { detail }) => {
                            tracing::warn!(assistant_id, %detail, rows, %requests, "request refused by storage");
                            for waiting in batch {
                                let detail = detail.clone();
                                let _ = waiting.reply.send(Err(IngestError::Refused { detail }));
                            }
                        }
                        Err(error @ StoreError::Failed { .. }) => {
                            tracing::error!(assistant_id, %error, rows, %requests, "request not stored");
                            for waiting in batch {
                                let _ = waiting.reply.send(Err(IngestError::Failed));
                            }
                        }
                        Err(error @ StoreError::Unavailable { .. }) => {
                            tracing::warn!(assistant_id, %error, rows, %requests, "batch not stored; clients will retry");
                            for waiting in batch {
                                let _ = waiting.reply.send(Err(IngestError::Unavailable));
                            }
                        }
                    }
                    act.write_next(ctx);
                }),
        );
    }

    /// Puts the requests of a batch storage refused (or failed on) back at the head of the queue, in their order and
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
        let new = samples
            .iter()
            .zip(flags.clone())
            .filter_map(|(s, new)| new.then_some(s));
        self.sessions.record(new, Utc::now());
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
            tracing::debug!(
                assistant_id = self.assistant_id,
                request_id = %waiting.request_id,
                accepted = ack.accepted,
                duplicates = ack.duplicates,
                "stored"
            );
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
        let rule_alerts = std::mem::take(&mut self.unannounced_rule_alerts);
        let over_budget = self.over_budget;
        let sessions = self.sessions.has_changes().then(|| {
            let (changed, ended) = self.sessions.take_changes();
            SessionsChange {
                active: self.sessions.count(Utc::now()),
                changed,
                ended,
            }
        });
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
                    return (alerts, rule_alerts);
                }
            };
            let delta = Delta {
                assistant_id,
                seq: 0,
                at: now,
                added,
                stats,
                alerts,
                over_budget,
                rule_alerts,
                sessions,
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
            (Vec::new(), Vec::new())
        };
        ctx.spawn(
            work.into_actor(self)
                .map(|(unsent, unsent_rules), act, ctx| {
                    act.announcing = false;
                    // Retry unsent alerts with the next delta, unless stopping (they stay in the
                    // stored alert history either way).
                    if act.draining.is_empty() {
                        act.unannounced_alerts.splice(0..0, unsent);
                        act.unannounced_rule_alerts.splice(0..0, unsent_rules);
                    }
                    act.schedule_announce(ctx);
                    act.finish_drain_if_done(ctx);
                }),
        );
    }

    /// Whether something committed has not been announced yet (totals or budget alerts).
    fn has_news(&self) -> bool {
        !self.unannounced.is_empty()
            || !self.unannounced_alerts.is_empty()
            || !self.unannounced_rule_alerts.is_empty()
            || self.sessions.has_changes()
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
        self.seed_sessions(ctx);
        let tick = (self.config.idle_timeout / 4).max(Duration::from_millis(10));
        ctx.run_interval(tick, |act, _| {
            // An actor holding active sessions stays, so they are not forgotten.
            if act.is_quiet()
                && act.draining.is_empty()
                && act.last_activity.elapsed() >= act.config.idle_timeout
                && act.sessions.is_empty(Utc::now())
            {
                if let Some(idle) = &act.idle {
                    idle.do_send(Idle {
                        assistant_id: act.assistant_id,
                    });
                }
            }
        });
        self.sweep_sessions(ctx);
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
        let queued = self.enqueue(msg, ctx);
        Box::pin(async move {
            match queued {
                Queued::Waiting(answer) => answer.await.unwrap_or(Err(IngestError::Unavailable)),
                Queued::Answered(answer) => answer,
            }
        })
    }
}

/// What became of an ingest request: queued for the next batch, or answered at once.
enum Queued {
    Waiting(oneshot::Receiver<Result<Ack, IngestError>>),
    Answered(Result<Ack, IngestError>),
}

impl AssistantActor {
    /// Queues the samples of one request for writing, or answers at once: refused while
    /// draining or when the buffer is full, acknowledged when there is nothing to store.
    #[tracing::instrument(name = "assistant.ingest", skip_all, fields(
        assistant_id = msg.assistant_id,
        request_id = %msg.request_id,
        samples = msg.samples.len(),
    ))]
    fn enqueue(&mut self, msg: Ingest, ctx: &mut Context<Self>) -> Queued {
        self.last_activity = Instant::now();
        let count = msg.samples.len();
        if !self.draining.is_empty() {
            return Queued::Answered(Err(IngestError::ShuttingDown));
        }
        if count == 0 {
            return Queued::Answered(Ok(Ack {
                accepted: 0,
                duplicates: 0,
                over_budget: self.over_budget,
            }));
        }
        if self.buffered + count > self.config.buffer_capacity {
            let retry_after_secs = self.config.retry_after.as_secs().max(1);
            tracing::debug!(buffered = self.buffered, "buffer full; refused");
            return Queued::Answered(Err(IngestError::Busy { retry_after_secs }));
        }
        let (reply, answer) = oneshot::channel();
        self.buffered += count;
        tracing::debug!(buffered = self.buffered, "queued");
        self.queue.push_back(Waiting {
            samples: msg.samples,
            request_id: msg.request_id,
            reply,
            alone: false,
        });
        self.write_next(ctx);
        Queued::Waiting(answer)
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

mod sessions;
#[cfg(test)]
mod tests;
