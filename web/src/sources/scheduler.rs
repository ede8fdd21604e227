//! The sources scheduler of one hub node: it wakes at the next due time (at the latest every
//! `APP_SOURCES__TICK_MS`), claims due sources (`FOR UPDATE SKIP LOCKED` with a lease, so
//! several nodes never poll one source twice and a node that dies lets its lease run out), and
//! polls them on a bounded pool: at most `concurrency` polls in flight on the node and at most
//! `per_integration` per integration, so a slow integration cannot starve the others. Each poll
//! has a time limit (the fetch has its own, shorter one); a poll cut off keeps its lease until
//! it runs out, then another node tries again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::web;
use chrono::Utc;
use persistence::postgres::queries::sources as source_rows;
use tokio::sync::Semaphore;

use super::poll::{poll, Mode};
use crate::state::AppState;

/// How the scheduler paces itself.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// Longest sleep between two looks for due sources.
    pub tick: Duration,
    /// Most sources claimed at once.
    pub claim_batch: i64,
    /// Most polls in flight on this node.
    pub concurrency: usize,
    /// Most polls in flight per integration on this node.
    pub per_integration: usize,
    /// How long a claimed source is this node's (longer than a poll may take).
    pub lease: Duration,
}

impl SchedulerConfig {
    /// The scheduler settings.
    pub fn of(s: &super::config::SourcesSettings) -> Self {
        Self {
            tick: Duration::from_millis(s.tick_ms),
            claim_batch: s.claim_batch,
            concurrency: s.concurrency,
            per_integration: s.per_integration,
            lease: s.lease(),
        }
    }
}

/// The node's limits: one semaphore for the node, one per integration.
struct Slots {
    node: Arc<Semaphore>,
    per_integration: usize,
    integrations: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Claimed polls not yet finished (running or waiting for a slot).
    outstanding: Arc<AtomicUsize>,
}

impl Slots {
    fn of_integration(&self, integration: &str) -> Arc<Semaphore> {
        let mut map = self
            .integrations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            map.entry(integration.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_integration))),
        )
    }
}

/// Polls due sources until the process ends. Run it as a background task.
pub async fn run(state: web::Data<AppState>, config: SchedulerConfig) {
    let slots = Arc::new(Slots {
        node: Arc::new(Semaphore::new(config.concurrency)),
        per_integration: config.per_integration,
        integrations: Mutex::default(),
        outstanding: Arc::new(AtomicUsize::new(0)),
    });
    // Claimed polls may wait for their integration's slot: at most twice the node's
    // concurrency are held, so leases do not run out while waiting.
    let most_held = config.concurrency.saturating_mul(2);
    loop {
        let held = slots.outstanding.load(Ordering::Acquire);
        let room = i64::try_from(most_held.saturating_sub(held)).unwrap_or(0);
        let wanted = room.min(config.claim_batch);
        let claimed = if wanted > 0 {
            claim(&state, wanted, &config, &slots).await
        } else {
            0
        };
        if wanted > 0 && claimed == wanted {
            continue;
        }
        tokio::time::sleep(sleep_for(&state, &config).await).await;
    }
}

/// Claims up to `wanted` due sources and starts their polls; how many were claimed.
async fn claim(
    state: &web::Data<AppState>,
    wanted: i64,
    config: &SchedulerConfig,
    slots: &Arc<Slots>,
) -> i64 {
    let lease = chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::minutes(2));
    let claimed = match state.pool.get().await {
        Ok(mut conn) => source_rows::claim_due(&mut conn, wanted, Utc::now() + lease).await,
        Err(error) => {
            tracing::warn!(%error, "sources scheduler: no database connection");
            return 0;
        }
    };
    let claimed = match claimed {
        Ok(claimed) => claimed,
        Err(error) => {
            tracing::warn!(%error, "sources scheduler: claiming due sources failed");
            return 0;
        }
    };
    let count = i64::try_from(claimed.len()).unwrap_or(i64::MAX);
    for source in claimed {
        let integration = state
            .sources
            .template(&source.template_id)
            .map_or_else(|| "unknown".to_owned(), |t| t.integration.clone());
        let (state, slots) = (state.clone(), Arc::clone(slots));
        let limit = state.sources.poll_limit();
        slots.outstanding.fetch_add(1, Ordering::AcqRel);
        actix_web::rt::spawn(async move {
            // Released however the task ends, a panic included, so the node never stops claiming.
            let _outstanding = Outstanding(Arc::clone(&slots));
            let of_integration = slots.of_integration(&integration);
            let permits = (
                of_integration.acquire_owned().await,
                Arc::clone(&slots.node).acquire_owned().await,
            );
            let source_id = source.id;
            match tokio::time::timeout(limit, poll(&state, source, Mode::Scheduled)).await {
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::warn!(source_id, %error, "scheduled poll failed"),
                Err(_) => tracing::warn!(source_id, "scheduled poll cut off at its time limit"),
            }
            drop(permits);
        });
    }
    count
}

/// One claimed poll not finished yet; dropping it gives its place back.
struct Outstanding(Arc<Slots>);

impl Drop for Outstanding {
    fn drop(&mut self) {
        self.0.outstanding.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Until the next source is due, at most one tick (and at least a few milliseconds).
async fn sleep_for(state: &web::Data<AppState>, config: &SchedulerConfig) -> Duration {
    let next = match state.pool.get().await {
        Ok(mut conn) => source_rows::next_due(&mut conn).await.ok().flatten(),
        Err(_) => None,
    };
    let until = next
        .and_then(|at| (at - Utc::now()).to_std().ok())
        .unwrap_or(Duration::from_millis(20));
    until.clamp(Duration::from_millis(20), config.tick)
}
