//! What the hub needs from storage, as traits: the actors depend on these, the persistence
//! crate implements them for PostgreSQL and Redis, and unit tests use in-memory versions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::live::Delta;
use crate::{Sample, Stats};

/// Why storage failed. The hub never acknowledges samples after such an error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// Durable storage of samples.
#[async_trait]
pub trait SampleStore: Send + Sync + 'static {
    /// Stores a batch of one assistant's samples in one transaction, with their rollups.
    /// Returns, per sample, whether it was stored (`false`: its client id was seen before,
    /// earlier in the batch or in an earlier batch). When this returns, the batch is durable.
    async fn write_batch(
        &self,
        assistant_id: i64,
        samples: &[Sample],
    ) -> Result<Vec<bool>, StoreError>;

    /// The assistant's live statistics as of `now`, from the durable rollups.
    async fn stats(&self, assistant_id: i64, now: DateTime<Utc>) -> Result<Stats, StoreError>;
}

/// Carries live deltas between hub nodes and assigns them their per-assistant sequence numbers.
#[async_trait]
pub trait LiveBus: Send + Sync + 'static {
    /// Publishes a delta to every node (including this one); returns the sequence number it got.
    async fn publish(&self, delta: &Delta) -> Result<u64, StoreError>;
}
