//! What the hub needs from storage, as traits: the actors depend on these, the persistence
//! crate implements them for PostgreSQL and Redis, and unit tests use in-memory versions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::budget::BudgetCheck;
use crate::live::Delta;
use crate::{Sample, Stats};

/// Why storage failed. The hub never acknowledges samples after such an error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("storage unavailable: {0}")]
pub struct StoreError(pub String);

/// Why a batch was not written. Nothing of it was stored in either case.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// Storage could not be reached or did not answer in time: the same batch may succeed later.
    #[error(transparent)]
    Unavailable(#[from] StoreError),
    /// Storage answered and refused the data: sending the same samples again cannot succeed.
    #[error("storage refused the samples: {0}")]
    Refused(String),
}

/// Durable storage of samples.
#[async_trait]
pub trait SampleStore: Send + Sync + 'static {
    /// Stores a batch of one assistant's samples in one transaction, with their rollups.
    /// Returns, per sample, whether it was stored (`false`: its client id was seen before,
    /// earlier in the batch or in an earlier batch). When this returns, the batch is durable.
    /// Samples that ask for a price (see [`Sample::needs_price`]) are priced in place.
    async fn write_batch(
        &self,
        assistant_id: i64,
        samples: &mut [Sample],
    ) -> Result<Vec<bool>, WriteError>;

    /// Checks the budgets covering the assistant against their spend as of `now`; records and
    /// returns the alerts of budgets exceeded for the first time in their current period.
    async fn check_budgets(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<BudgetCheck, StoreError>;

    /// The assistant's live statistics as of `now`, from the durable rollups.
    async fn stats(&self, assistant_id: i64, now: DateTime<Utc>) -> Result<Stats, StoreError>;
}

/// Carries live deltas between hub nodes and assigns them their per-assistant sequence numbers.
#[async_trait]
pub trait LiveBus: Send + Sync + 'static {
    /// Publishes a delta to every node (including this one); returns the sequence number it got,
    /// which is above `floor` (the highest number the publishing node knows for the assistant,
    /// including numbers it handed out itself while the bus was unavailable) and above every
    /// number the bus handed out before, even if it lost its state meanwhile.
    /// The bus also keeps it as the assistant's latest delta (see [`LiveBus::latest`]).
    async fn publish(&self, delta: &Delta, floor: u64) -> Result<u64, StoreError>;

    /// Makes the bus number the assistant's next delta above `floor` (a node that received a
    /// delta numbered below what it had delivered calls this).
    async fn raise_floor(&self, assistant_id: i64, floor: u64) -> Result<(), StoreError>;

    /// The assistant's most recently published delta (with its statistics), if the bus holds one.
    async fn latest(&self, assistant_id: i64) -> Result<Option<Delta>, StoreError>;
}

/// How old cached statistics may be before they are recomputed: the 24-hour window slides even
/// when nothing new arrives.
pub const MAX_CACHED_STATS_AGE: chrono::Duration = chrono::Duration::seconds(60);

/// An assistant's current statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentStats {
    pub stats: Stats,
    /// The sequence number of the delta they come from (0 when computed afresh).
    pub seq: u64,
    /// Whether they came from the bus's cache rather than the database.
    pub cached: bool,
}

/// The assistant's statistics: from the bus's cache of the latest delta when it is recent, from
/// the durable rollups otherwise (cache miss, stale entry, or bus unavailable).
pub async fn current_stats(
    store: &dyn SampleStore,
    bus: Option<&dyn LiveBus>,
    assistant_id: i64,
    now: DateTime<Utc>,
) -> Result<CurrentStats, StoreError> {
    if let Some(bus) = bus {
        match bus.latest(assistant_id).await {
            Ok(Some(delta))
                if now - delta.at <= MAX_CACHED_STATS_AGE
                    && delta.at.date_naive() == now.date_naive() =>
            {
                return Ok(CurrentStats {
                    stats: delta.stats.into(),
                    seq: delta.seq,
                    cached: true,
                });
            }
            Ok(_) => {}
            Err(error) => tracing::debug!(assistant_id, %error, "stats cache unavailable"),
        }
    }
    Ok(CurrentStats {
        stats: store.stats(assistant_id, now).await?,
        seq: 0,
        cached: false,
    })
}
