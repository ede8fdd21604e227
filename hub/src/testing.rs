//! In-memory stand-ins for the actors' tests: a sample store that keeps samples in memory
//! (client ids deduplicated like PostgreSQL's, a switch to fail, a model it refuses, a daily
//! budget), sample builders, and a subscriber that records what it receives. Compiled for tests
//! only.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix::prelude::*;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::actors::messages::Live;
use crate::budget::{BudgetAlert, BudgetCheck};
use crate::live::LiveEvent;
use crate::store::{SampleStore, StoreError};
use crate::{Sample, SampleKind, Stats};

/// Samples kept in memory; client ids deduplicated like the real store.
#[derive(Default)]
pub struct MemoryStore {
    pub samples: Mutex<Vec<Sample>>,
    pub fail: Mutex<bool>,
    /// A daily budget on the total cost stored, alerted once.
    pub budget_nanos: Option<i64>,
    pub alerted: Mutex<bool>,
}

#[async_trait]
impl SampleStore for MemoryStore {
    async fn write_batch(&self, _: i64, samples: &mut [Sample]) -> Result<Vec<bool>, StoreError> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        if *self.fail.lock().map_err(poisoned)? {
            return Err(StoreError::unavailable("down"));
        }
        // Like PostgreSQL refusing a value: the whole batch fails, nothing is kept.
        if samples.iter().any(|s| s.model.as_deref() == Some(POISON)) {
            return Err(StoreError::refused("value out of range"));
        }
        // Like a row that does not decode: the whole batch fails, and the data is not to blame.
        if samples.iter().any(|s| s.model.as_deref() == Some(BROKEN)) {
            return Err(StoreError::failed("unexpected null in column client_id"));
        }
        let mut stored = self.samples.lock().map_err(poisoned)?;
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

    async fn check_budgets(&self, _: i64, now: DateTime<Utc>) -> Result<BudgetCheck, StoreError> {
        let Some(limit_nanos) = self.budget_nanos else {
            return Ok(BudgetCheck::default());
        };
        let spent_nanos: i64 = self
            .samples
            .lock()
            .map_err(poisoned)?
            .iter()
            .map(|s| s.cost_nanos)
            .sum();
        let over_budget = spent_nanos >= limit_nanos;
        let mut alerted = self.alerted.lock().map_err(poisoned)?;
        let mut new_alerts = Vec::new();
        if over_budget && !*alerted {
            *alerted = true;
            new_alerts.push(BudgetAlert {
                budget_id: 7,
                assistant_id: Some(1),
                period: crate::budget::BudgetPeriod::Daily,
                period_start: now.date_naive(),
                threshold: 100,
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
        let stored = self.samples.lock().map_err(poisoned)?;
        let mut stats = Stats::default();
        for sample in stored.iter() {
            stats.today.add_sample(sample);
        }
        Ok(stats)
    }
}

/// The model name [`MemoryStore`] refuses to store.
pub const POISON: &str = "poison";

/// The model name [`MemoryStore`] fails on (as on a bug, not on the data or an outage).
pub const BROKEN: &str = "broken";

/// A poisoned lock of the in-memory store: a test panicked while holding it.
fn poisoned<T>(error: std::sync::PoisonError<T>) -> StoreError {
    StoreError::failed(error.to_string())
}

pub fn call(client_id: Option<&str>) -> Sample {
    Sample {
        ts: Utc::now(),
        kind: SampleKind::Call,
        calls: 1,
        errors: 0,
        duration_ms: 1_000,
        cost_nanos: 5,
        tokens_in: 1,
        tokens_out: 1,
        llm_calls: None,
        tool_calls: None,
        cache_read_tokens: None,
        model: None,
        status: None,
        status_code: None,
        latency_ms: None,
        country: None,
        domain: None,
        metadata: None,
        client_id: client_id.map(str::to_owned),
        session_id: None,
        needs_price: false,
        price_id: None,
    }
}

/// The message that ingests `samples` for assistant 1, as a test request.
pub fn ingest(samples: Vec<Sample>) -> crate::actors::messages::Ingest {
    crate::actors::messages::Ingest {
        assistant_id: 1,
        samples,
        request_id: "test".into(),
    }
}

/// Collects what a subscriber receives.
pub struct Collector(pub Arc<Mutex<Vec<LiveEvent>>>);

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
