//! The retention job: every interval, drops raw samples older than the configured number of
//! days (see `persistence::postgres::queries::retention`). Rollups are kept, so dashboards and totals of
//! old periods do not change.

use std::time::Duration;

use chrono::Utc;
use persistence::postgres::queries::retention;
use persistence::PgPool;

/// Runs forever; failures are logged and retried at the next interval.
pub async fn run(pool: PgPool, days: u32, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        let cutoff = Utc::now() - chrono::Duration::days(i64::from(days));
        let result = match pool.get().await {
            Ok(mut conn) => retention::drop_raw_samples(&mut conn, cutoff)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match result {
            Ok(dropped) => tracing::info!(dropped, %cutoff, "retention: old raw samples dropped"),
            Err(error) => tracing::warn!(%error, "retention job failed; retrying next interval"),
        }
    }
}
