//! The delivery worker of one hub node: every poll interval (and whenever an attempt ends) it
//! claims due deliveries from `webhook_deliveries`, as many as it has free slots (the bounded
//! in-memory queue: at most `concurrency` attempts in flight, nothing else held in memory), tries
//! each once and records the outcome. A failed attempt is tried again after an exponential
//! backoff with jitter, up to `max_attempts` in all; then the delivery is `failed`.
//!
//! Several nodes run a worker on the same table: the claim's `FOR UPDATE SKIP LOCKED` and lease
//! give each delivery to one node at a time, and a node that dies mid-attempt leaves a lease
//! that runs out, after which another node tries again (the attempt counts).

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use persistence::postgres::queries::deliveries::{self, Claimed, Outcome};
use persistence::PgPool;
use rand::Rng;
use tokio::task::JoinSet;

use super::sender::Sender;

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How often it looks for due deliveries when idle.
    pub poll_interval: Duration,
    /// Most attempts in flight on this node.
    pub concurrency: usize,
    /// Attempts per delivery in all.
    pub max_attempts: i32,
    /// The wait after the first failed attempt; doubled after each further one.
    pub backoff_base: Duration,
    /// The longest wait between attempts.
    pub backoff_max: Duration,
    /// How long a claimed delivery is this node's (longer than an attempt can take).
    pub lease: Duration,
}

/// The wait before attempt `failed + 1` after `failed` failed attempts: `base × 2^(failed−1)`,
/// at most `max`, then a random point of its upper half ("equal jitter"), so receivers that
/// failed together are not retried in lockstep.
pub fn backoff(config: &WorkerConfig, failed: i32) -> Duration {
    let doublings = u32::try_from(failed.saturating_sub(1)).unwrap_or(0).min(30);
    let full = config
        .backoff_base
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(config.backoff_max);
    let half = full / 2;
    half + rand::thread_rng().gen_range(Duration::ZERO..=full - half)
}

/// The outcome to record for an attempt that ended with `result`, as attempt `attempts`.
fn outcome(
    config: &WorkerConfig,
    attempts: i32,
    result: Result<u16, super::sender::SendError>,
) -> Outcome {
    match result {
        Ok(status) => Outcome::Delivered {
            status: i32::from(status),
        },
        Err(error) => {
            let status = error.status().map(i32::from);
            let text = error.to_string();
            if error.is_retryable() && attempts < config.max_attempts {
                let wait = chrono::Duration::from_std(backoff(config, attempts))
                    .unwrap_or(chrono::Duration::MAX);
                Outcome::Retry {
                    status,
                    error: text,
                    next_attempt_at: Utc::now() + wait,
                }
            } else {
                Outcome::Failed {
                    status,
                    error: text,
                }
            }
        }
    }
}

/// Tries one claimed delivery and records how it went.
#[tracing::instrument(name = "webhook.attempt", skip_all, fields(
    delivery_id = claimed.id,
    webhook_id = claimed.webhook_id,
    attempt = claimed.attempts,
))]
async fn attempt(pool: PgPool, sender: Sender, config: Arc<WorkerConfig>, claimed: Claimed) {
    let result = sender
        .send(&claimed.url, &claimed.payload, &claimed.secret, claimed.id)
        .await;
    match &result {
        Ok(status) => tracing::info!(status, "webhook delivered"),
        Err(error) => tracing::warn!(%error, "webhook attempt failed"),
    }
    let outcome = outcome(&config, claimed.attempts, result);
    let settled = match pool.get().await {
        Ok(mut conn) => deliveries::settle(&mut conn, claimed.id, &outcome)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(error) = settled {
        // The lease runs out and the delivery is tried again (the receiver may see it twice).
        tracing::error!(%error, "webhook outcome not recorded");
    }
}

/// Claims what fits in `free` slots.
async fn claim(pool: &PgPool, free: usize, lease: Duration) -> Vec<Claimed> {
    let lease_until = Utc::now() + chrono::Duration::from_std(lease).unwrap_or_default();
    let limit = i64::try_from(free).unwrap_or(i64::MAX);
    let claimed = match pool.get().await {
        Ok(mut conn) => deliveries::claim(&mut conn, limit, lease_until)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    claimed.unwrap_or_else(|error| {
        tracing::warn!(%error, "webhook deliveries not claimed; trying again");
        Vec::new()
    })
}

/// Runs the worker until the runtime stops.
pub async fn run(pool: PgPool, sender: Sender, config: WorkerConfig) {
    let config = Arc::new(config);
    let mut in_flight: JoinSet<()> = JoinSet::new();
    loop {
        let free = config.concurrency.saturating_sub(in_flight.len());
        if free > 0 {
            for claimed in claim(&pool, free, config.lease).await {
                in_flight.spawn(attempt(
                    pool.clone(),
                    sender.clone(),
                    Arc::clone(&config),
                    claimed,
                ));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(config.poll_interval) => {}
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> WorkerConfig {
        WorkerConfig {
            poll_interval: Duration::from_secs(1),
            concurrency: 2,
            max_attempts: 3,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(10),
            lease: Duration::from_secs(30),
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let config = config();
        for _ in 0..100 {
            let first = backoff(&config, 1);
            assert!(first >= Duration::from_millis(500) && first <= Duration::from_secs(1));
            let third = backoff(&config, 3);
            assert!(third >= Duration::from_secs(2) && third <= Duration::from_secs(4));
            let late = backoff(&config, 40);
            assert!(late >= Duration::from_secs(5) && late <= Duration::from_secs(10));
        }
    }

    #[test]
    fn the_last_attempt_and_refusals_are_final() {
        use super::super::sender::SendError;
        let config = config();
        let failed = |status| SendError::Status {
            status,
            excerpt: String::new(),
        };
        assert!(matches!(
            outcome(&config, 1, Err(failed(500))),
            Outcome::Retry {
                status: Some(500),
                ..
            }
        ));
        assert!(matches!(
            outcome(&config, 3, Err(failed(500))),
            Outcome::Failed { .. }
        ));
        let refused = SendError::Refused("loopback".into());
        assert!(matches!(
            outcome(&config, 1, Err(refused)),
            Outcome::Failed { status: None, .. }
        ));
        assert_eq!(
            outcome(&config, 2, Ok(204)),
            Outcome::Delivered { status: 204 }
        );
    }
}
