//! Storage traits wrapped with measurements: [`MeteredStore`] times and counts batch writes,
//! [`MeteredBus`] the live bus's operations. Each forwards every method of its trait to the
//! wrapped one unchanged (a method added to a trait must be forwarded here too, or the trait's
//! default would silently answer instead).

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{BusLabel, BusOp, Cause, CauseLabel, Instruments, Outcome, OutcomeLabel};
use crate::alert_rules::RuleAlert;
use crate::budget::BudgetCheck;
use crate::live::Delta;
use crate::sessions::{Session, SessionConfig};
use crate::store::{LiveBus, SampleStore, StoreError};
use crate::{Sample, Stats};

/// A [`SampleStore`] that records every batch write in [`Instruments`].
pub struct MeteredStore {
    inner: Arc<dyn SampleStore>,
    instruments: Instruments,
}

impl MeteredStore {
    pub fn new(inner: Arc<dyn SampleStore>, instruments: Instruments) -> Self {
        Self { inner, instruments }
    }
}

#[async_trait]
impl SampleStore for MeteredStore {
    async fn write_batch(
        &self,
        assistant_id: i64,
        samples: &mut [Sample],
    ) -> Result<Vec<bool>, StoreError> {
        let started = Instant::now();
        let result = self.inner.write_batch(assistant_id, samples).await;
        let i = &self.instruments;
        match &result {
            Ok(stored) => {
                i.commit_seconds.observe(started.elapsed().as_secs_f64());
                i.batch_size.observe(stored.len() as f64);
                let new = stored.iter().filter(|s| **s).count() as u64;
                let label = |outcome| OutcomeLabel { outcome };
                i.samples.get_or_create(&label(Outcome::Stored)).inc_by(new);
                i.samples
                    .get_or_create(&label(Outcome::Duplicate))
                    .inc_by(stored.len() as u64 - new);
            }
            Err(error) => {
                i.batch_failures
                    .get_or_create(&CauseLabel {
                        cause: Cause::from(error),
                    })
                    .inc();
            }
        }
        result
    }

    async fn check_budgets(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<BudgetCheck, StoreError> {
        self.inner.check_budgets(assistant_id, now).await
    }

    async fn stats(&self, assistant_id: i64, now: DateTime<Utc>) -> Result<Stats, StoreError> {
        self.inner.stats(assistant_id, now).await
    }

    async fn active_sessions(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
        config: SessionConfig,
    ) -> Result<Vec<Session>, StoreError> {
        self.inner.active_sessions(assistant_id, now, config).await
    }

    async fn check_alert_rules(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<RuleAlert>, StoreError> {
        self.inner.check_alert_rules(assistant_id, now).await
    }
}

/// A [`LiveBus`] that records failures and publish times in [`Instruments`].
pub struct MeteredBus {
    inner: Arc<dyn LiveBus>,
    instruments: Instruments,
}

impl MeteredBus {
    pub fn new(inner: Arc<dyn LiveBus>, instruments: Instruments) -> Self {
        Self { inner, instruments }
    }

    fn failed<T>(&self, op: BusOp, result: &Result<T, StoreError>) {
        if let Err(error) = result {
            let cause = Cause::from(error);
            self.instruments
                .bus_errors
                .get_or_create(&BusLabel { op, cause })
                .inc();
        }
    }
}

#[async_trait]
impl LiveBus for MeteredBus {
    async fn publish(&self, delta: &Delta, floor: u64) -> Result<u64, StoreError> {
        let started = Instant::now();
        let result = self.inner.publish(delta, floor).await;
        self.instruments
            .bus_publish_seconds
            .observe(started.elapsed().as_secs_f64());
        self.failed(BusOp::Publish, &result);
        result
    }

    async fn raise_floor(&self, assistant_id: i64, floor: u64) -> Result<(), StoreError> {
        let result = self.inner.raise_floor(assistant_id, floor).await;
        self.failed(BusOp::RaiseFloor, &result);
        result
    }

    async fn latest(&self, assistant_id: i64) -> Result<Option<Delta>, StoreError> {
        let result = self.inner.latest(assistant_id).await;
        self.failed(BusOp::Latest, &result);
        result
    }
}
