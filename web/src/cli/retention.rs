//! `metrics-hub retention run`: one retention cleanup now, with the periods of the settings
//! (the same pass the serving hub's job and the admin API's "run cleanup now" make).

use chrono::Utc;
use clap::Subcommand;
use persistence::{PersistenceError, PgPool};

use crate::retention::{self, Policy};

/// What `metrics-hub retention` can do.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Drop raw samples and minute rollups older than their periods
    /// (`APP_RETENTION__RAW_SAMPLE_DAYS`, `APP_RETENTION__MINUTE_ROLLUP_DAYS`) and exit.
    Run,
}

/// Runs `command`; returns what to print on success.
pub async fn run(
    pool: &PgPool,
    policy: Policy,
    command: RetentionCommand,
) -> Result<String, PersistenceError> {
    match command {
        RetentionCommand::Run => {
            let report = retention::clean_up(pool, policy, Utc::now()).await?;
            let when = |cutoff: Option<chrono::DateTime<Utc>>| {
                cutoff.map_or("kept forever".to_owned(), |c| format!("before {c}"))
            };
            Ok(format!(
                "raw samples dropped: {} ({}){}\nminute rollups dropped: {} ({})",
                report.raw_samples_dropped,
                when(report.raw_cutoff),
                if report.timescaledb {
                    ", counted in TimescaleDB chunks"
                } else {
                    ""
                },
                report.minute_rollups_dropped,
                when(report.minute_cutoff),
            ))
        }
    }
}
