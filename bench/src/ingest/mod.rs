//! `metrics-hub-bench ingest`: measures the hub on this machine and prints the figures the
//! README reports. It starts a real `metrics-hub serve` process (so its memory is measured
//! alone) against a fresh database on the configured PostgreSQL and Redis, then runs, in one go:
//!
//! 1. durable ingestion over HTTP (batches of events, acknowledged after commit);
//! 2. the same calls over OTLP/HTTP protobuf (`/v1/traces`, one GenAI span per call), and its
//!    ratio to HTTP (the target is at least 0.8);
//! 3. durable ingestion over the ingestion WebSocket;
//! 4. baselines on the same PostgreSQL: `COPY` of the same rows, and one `INSERT` per row
//!    (what a naive one-insert-per-request service does, minus its HTTP cost);
//! 5. ingest-to-subscriber latency with many live WebSocket subscribers at a fixed rate;
//! 6. the hub's resident memory, and its growth per WebSocket client.
//!
//! The database is dropped afterwards, whatever the outcome.

mod baselines;
mod latency;
mod otlp;
mod report;
mod target;
mod throughput;

use clap::Args;

use crate::{BenchError, HubBinary};
use report::Report;
use target::Target;

/// What to measure and how hard.
#[derive(Debug, Clone, Args)]
pub struct IngestArgs {
    /// Events sent in each ingestion phase.
    #[arg(long, default_value_t = 200_000)]
    pub events: usize,
    /// Events per request or WebSocket message.
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
    /// Concurrent ingestion clients.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// Assistants the events are spread over.
    #[arg(long, default_value_t = 8)]
    pub assistants: usize,
    /// Rows for the one-INSERT-per-row baseline.
    #[arg(long, default_value_t = 20_000)]
    pub naive_rows: usize,
    /// Live WebSocket subscribers during the latency phase.
    #[arg(long, default_value_t = 1_000)]
    pub subscribers: usize,
    /// Events per second ingested during the latency phase.
    #[arg(long, default_value_t = 10_000)]
    pub rate: usize,
    /// Length of the latency phase, seconds.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// The hub's live coalescing interval during the run (APP_HUB__COALESCE_MS).
    #[arg(long, default_value_t = 250)]
    pub coalesce_ms: u64,
}

/// Runs every phase against `binary` on the cluster of `database_url` and prints the report.
pub async fn run(
    args: IngestArgs,
    binary: &HubBinary,
    database_url: &str,
    redis_url: &str,
) -> Result<(), BenchError> {
    let target = Target::start(&args, binary, database_url, redis_url).await?;
    let outcome = phases(&args, &target).await;
    target.stop().await;
    outcome?.print(&args);
    Ok(())
}

async fn phases(args: &IngestArgs, target: &Target) -> Result<Report, BenchError> {
    let http = throughput::over_http(args, target).await?;
    let otlp = otlp::over_otlp(args, target).await?;
    let ws = throughput::over_websocket(args, target).await?;
    let copy = baselines::copy(args, target).await?;
    let naive = baselines::one_insert_per_row(args, target).await?;
    let rss_before = target.rss_kib();
    let latency = latency::measure(args, target).await?;
    let rss_idle = target.rss_kib();
    Ok(Report {
        http,
        otlp,
        ws,
        copy,
        naive,
        latency,
        rss_before,
        rss_idle,
    })
}
