//! What the hub needs from storage, as traits: the actors depend on these, the persistence
//! crate implements them for PostgreSQL and Redis, and unit tests use in-memory versions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::alert_rules::RuleAlert;
use crate::budget::BudgetCheck;
use crate::live::Delta;
use crate::sessions::{Session, SessionConfig};
use crate::{Sample, Stats};

/// Why storage failed, sorted by what the caller can do about it. Nothing of a failed write
/// was stored, and the hub never acknowledges samples after such an error.
///
/// The persistence crate sorts PostgreSQL and Redis errors into these variants (in one place
/// per store); the actors retry [`StoreError::Unavailable`] and answer the rest per request,
/// and the HTTP layer answers 503, 422 and 500 respectively.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Storage could not be reached or did not answer in time (a timeout, a lost connection,
    /// an exhausted pool, a server shutting down, a conflict with a concurrent transaction):
    /// the same operation may succeed later.
    #[error("storage unavailable: {detail}")]
    Unavailable { detail: String },
    /// Storage answered and refused the data (a constraint, a value out of range, a character
    /// it cannot store): sending the same data again cannot succeed. `detail` is the store's
    /// own message, meant to tell a client what was wrong.
    #[error("storage refused the data: {detail}")]
    Refused { detail: String },
    /// Anything else: the operation failed on this side (a row that does not decode, a value
    /// that does not encode, a misconfigured client). Neither a retry nor the caller's data is
    /// to blame; `detail` is for the logs only.
    #[error("storage failed: {detail}")]
    Failed { detail: String },
}

impl StoreError {
    /// A [`StoreError::Unavailable`] with this detail.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::Unavailable {
            detail: detail.into(),
        }
    }

    /// A [`StoreError::Refused`] with this detail.
    pub fn refused(detail: impl Into<String>) -> Self {
        Self::Refused {
            detail: detail.into(),
        }
    }

    /// A [`StoreError::Failed`] with this detail.
    pub fn failed(detail: impl Into<String>) -> Self {
        Self::Failed {
            detail: detail.into(),
        }
    }

    /// Whether the same operation may succeed if tried again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Durable storage of samples. `instruments::metered::MeteredStore` wraps the real one and
/// forwards every method: a method added here must be forwarded there too.
#[async_trait]
pub trait SampleStore: Send + Sync + 'static {
    /// Stores a batch of one assistant's samples in one transaction, with their rollups.
    /// Returns, per sample, whether it was stored (`false`: its client id was seen before,
    /// earlier in the batch or in an earlier batch). When this returns, the batch is durable.
    /// Samples that ask for a price (see [`Sample::needs_price`]) are priced in place.
    /// A failure stores nothing of the batch.
    async fn write_batch(
        &self,
        assistant_id: i64,
        samples: &mut [Sample],
    ) -> Result<Vec<bool>, StoreError>;

    /// Checks the budgets covering the assistant against their spend as of `now`; records and
    /// returns the alerts of budgets exceeded for the first time in their current period.
    async fn check_budgets(
        &self,
        assistant_id: i64,
        now: DateTime<Utc>,
    ) -> Result<BudgetCheck, StoreError>;

    /// Evaluates the error-rate and latency rules covering the assistant as of `now`: records
    /// and returns the firings raised (one open firing per rule, whatever other nodes do),
    /// resolves those whose metric is back under. A store without rules answers none.
    async fn check_alert_rules(
        &self,
        _assistant_id: i64,
        _now: DateTime<Utc>,
    ) -> Result<Vec<RuleAlert>, StoreError> {
        Ok(Vec::new())
    }

    /// The assistant's live statistics as of `now`, from the durable rollups.
    async fn stats(&self, assistant_id: i64, now: DateTime<Utc>) -> Result<Stats, StoreError>;

    /// The assistant's sessions active at `now` (a call within the idle timeout of `config`),
    /// from the stored samples, at most `config.max_sessions`, newest activity first: what an
    /// assistant actor starts with, so a restart does not forget them. A store without
    /// sessions answers none.
    async fn active_sessions(
        &self,
        _assistant_id: i64,
        _now: DateTime<Utc>,
        _config: SessionConfig,
    ) -> Result<Vec<Session>, StoreError> {
        Ok(Vec::new())
    }
}

/// Carries live deltas between hub nodes and assigns them their per-assistant sequence numbers.
/// `instruments::metered::MeteredBus` wraps the real one and forwards every method.
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
                    stats: delta.stats,
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
