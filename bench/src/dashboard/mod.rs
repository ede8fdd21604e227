//! `metrics-hub-bench dashboard`: the dashboard on a large history. Generates `--samples` calls
//! (default 10M) over `--assistants` assistants (100) and `--days` days (90) of one user, written
//! through the hub's own batch path (so every rollup is exactly what live ingestion builds), then
//! starts `metrics-hub serve` on that database and times `GET /api/v1/dashboard` uncached
//! (`Cache-Control: no-cache`) and cached, printing p50/p95 per range.
//!
//! Generating 10M samples takes several minutes, so the database (`bench_dashboard_<samples>_
//! <assistants>_<days>`) is kept and reused by later runs unless `--fresh` or `--drop` is given.

mod history;
mod timing;

use clap::Args;

use crate::cluster::Cluster;
use crate::hub_process::{HubBinary, HubConfig, HubProcess};
use crate::BenchError;

/// The user who owns the generated history; the timed requests log in as them.
const EMAIL: &str = "bench-dashboard@example.com";
const PASSWORD: &str = "bench-password";

/// How big a history and how many timed requests.
#[derive(Debug, Clone, Args)]
pub struct DashboardArgs {
    /// Calls in the generated history.
    #[arg(long, default_value_t = 10_000_000)]
    pub samples: usize,
    /// Assistants of the one user they are spread over.
    #[arg(long, default_value_t = 100)]
    pub assistants: usize,
    /// Days of history, ending now.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Timed requests per measurement.
    #[arg(long, default_value_t = 100)]
    pub requests: usize,
    /// Regenerate the history even if a previous run left it.
    #[arg(long)]
    pub fresh: bool,
    /// Drop the database afterwards.
    #[arg(long)]
    pub drop: bool,
}

/// Runs the benchmark against `binary` on the cluster of `database_url`.
pub async fn run(
    args: DashboardArgs,
    binary: &HubBinary,
    database_url: &str,
    redis_url: &str,
) -> Result<(), BenchError> {
    let cluster = Cluster::of(database_url)?;
    let database = format!(
        "bench_dashboard_{}_{}_{}",
        args.samples, args.assistants, args.days
    );
    let url = cluster.url(&database);
    let ready = !args.fresh && history::complete(&url).await;
    if !ready {
        cluster.recreate(&database).await?;
    }
    persistence::postgres::migrations::run_pending(&url)
        .await
        .map_err(|e| BenchError::Setup(e.to_string()))?;
    if ready {
        println!("reusing the history in database {database} (--fresh regenerates it)");
    } else {
        history::generate(&args, &url).await?;
    }
    let prefix = format!("{database}_{}", std::process::id());
    let mut hub = HubProcess::spawn(
        binary,
        HubConfig {
            database_url: &url,
            redis_url,
            key_prefix: &prefix,
            coalesce_ms: 250,
        },
    )?;
    let outcome = async {
        hub.wait_ready().await?;
        timing::measure(&args, hub.base()).await
    }
    .await;
    hub.stop();
    if args.drop {
        cluster.drop(&database).await?;
    }
    let rows = outcome?;
    println!();
    println!(
        "metrics-hub-bench dashboard: {} samples, {} assistants, {} days ({} cores)",
        args.samples,
        args.assistants,
        args.days,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (what, timing) in rows {
        println!(
            "  {what:<34} p50 {:>7.1} ms   p95 {:>7.1} ms",
            timing.p50, timing.p95
        );
    }
    Ok(())
}
