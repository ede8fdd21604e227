//! Retention: what is kept how long, the cleanup that enforces it, and the job that runs the
//! cleanup every interval. Raw samples (runs, exports) and minute rollups (the last 24 hours
//! of the live statistics) go after their periods; hour and day rollups stay, so dashboards,
//! series and totals of old periods do not change. The same cleanup runs from the job, from
//! `metrics-hub retention run` and from the admin API's "run cleanup now".
//!
//! With TimescaleDB the hypertable also gets a native retention policy for raw samples
//! (`add_retention_policy`), applied when the job starts; the job's own pass then drops the
//! same chunks and finds little to do.

use std::time::Duration;

use chrono::{DateTime, Utc};
use persistence::postgres::queries::{health, retention};
use persistence::{PersistenceError, PgPool};
use protocol::admin::{CleanupReport, RetentionPeriods};

use crate::settings::RetentionSettings;

/// How long each kind of data is kept, in days (`None`: forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub raw_sample_days: Option<u32>,
    pub minute_rollup_days: Option<u32>,
}

impl Policy {
    /// The policy of the settings (`0` days: kept forever).
    pub fn of(settings: &RetentionSettings) -> Self {
        let days = |d: u32| (d > 0).then_some(d);
        Self {
            raw_sample_days: days(settings.raw_sample_days),
            minute_rollup_days: days(settings.minute_rollup_days),
        }
    }

    /// Whether anything is ever dropped.
    pub fn drops_anything(&self) -> bool {
        self.raw_sample_days.is_some() || self.minute_rollup_days.is_some()
    }

    /// The periods as the API shows them.
    pub fn periods(&self) -> RetentionPeriods {
        RetentionPeriods {
            raw_sample_days: self.raw_sample_days.unwrap_or(0),
            minute_rollup_days: self.minute_rollup_days.unwrap_or(0),
        }
    }
}

/// `days` before `now`.
fn cutoff(now: DateTime<Utc>, days: Option<u32>) -> Option<DateTime<Utc>> {
    days.map(|d| now - chrono::Duration::days(i64::from(d)))
}

/// Drops what `policy` says is older than its period at `now`, and says what went.
pub async fn clean_up(
    pool: &PgPool,
    policy: Policy,
    now: DateTime<Utc>,
) -> Result<CleanupReport, PersistenceError> {
    let mut conn = pool.get().await?;
    let raw_cutoff = cutoff(now, policy.raw_sample_days);
    let minute_cutoff = cutoff(now, policy.minute_rollup_days);
    let raw_samples_dropped = match raw_cutoff {
        Some(at) => retention::drop_raw_samples(&mut conn, at).await?,
        None => 0,
    };
    let minute_rollups_dropped = match minute_cutoff {
        Some(at) => retention::drop_minute_rollups(&mut conn, at).await?,
        None => 0,
    };
    Ok(CleanupReport {
        raw_samples_dropped,
        minute_rollups_dropped,
        raw_cutoff,
        minute_cutoff,
        timescaledb: health::timescaledb_enabled(&mut conn).await?,
    })
}

/// The longest wait before the job's first pass: a hub restarted more often than its interval
/// still cleans up, and a hub that just started serves (and drains its backlog) before it
/// deletes in bulk.
pub const FIRST_PASS_DELAY: Duration = Duration::from_secs(600);

/// Runs forever: applies the native policy (TimescaleDB), then cleans up every `interval`, the
/// first time after `interval` or [`FIRST_PASS_DELAY`], whichever is shorter. Failures are
/// logged and retried at the next interval.
pub async fn run(pool: PgPool, policy: Policy, interval: Duration) {
    match pool.get().await {
        Ok(mut conn) => {
            match retention::apply_native_policy(&mut conn, policy.raw_sample_days).await {
                Ok(native) => tracing::info!(native, ?policy, "retention policy in force"),
                Err(error) => tracing::warn!(%error, "could not apply the native retention policy"),
            }
        }
        Err(error) => tracing::warn!(%error, "could not apply the native retention policy"),
    }
    let first = tokio::time::Instant::now() + interval.min(FIRST_PASS_DELAY);
    let mut ticks = tokio::time::interval_at(first, interval);
    loop {
        ticks.tick().await;
        match clean_up(&pool, policy, Utc::now()).await {
            Ok(report) => tracing::info!(
                raw_samples = report.raw_samples_dropped,
                minute_rollups = report.minute_rollups_dropped,
                "retention: old data dropped"
            ),
            Err(error) => tracing::warn!(%error, "retention job failed; retrying next interval"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_days_keeps_forever_and_cutoffs_count_back_from_now() {
        let settings = RetentionSettings {
            raw_sample_days: 90,
            minute_rollup_days: 0,
            interval_seconds: 60,
        };
        let policy = Policy::of(&settings);
        assert_eq!(policy.raw_sample_days, Some(90));
        assert_eq!(policy.minute_rollup_days, None);
        assert!(policy.drops_anything());
        let now = DateTime::from_timestamp(100 * 86_400, 0).unwrap_or_default();
        assert_eq!(
            cutoff(now, policy.raw_sample_days),
            DateTime::from_timestamp(10 * 86_400, 0)
        );
        assert_eq!(cutoff(now, policy.minute_rollup_days), None);
    }
}
