//! Tuning of the actors, with defaults that suit one node.

use std::time::Duration;

use crate::sessions::SessionConfig;

/// Limits and timings of the hub.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// Most samples one assistant may hold unacknowledged; beyond it ingestion gets 429.
    pub buffer_capacity: usize,
    /// Most samples written in one batch (one transaction).
    pub max_batch: usize,
    /// An assistant actor with nothing to do for this long stops.
    pub idle_timeout: Duration,
    /// At most one live delta per assistant per this interval.
    pub coalesce: Duration,
    /// What clients are told to wait before retrying after a 429.
    pub retry_after: Duration,
    /// Recent deltas kept per assistant for resuming subscribers.
    pub history: usize,
    /// How active sessions are tracked (idle timeout, bound per assistant).
    pub sessions: SessionConfig,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            buffer_capacity: 100_000,
            max_batch: 10_000,
            idle_timeout: Duration::from_secs(60),
            coalesce: Duration::from_millis(250),
            retry_after: Duration::from_secs(1),
            history: 256,
            sessions: SessionConfig::default(),
        }
    }
}
