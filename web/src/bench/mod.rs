//! `metrics-hub bench`: measures the hub on this machine and prints the figures the README
//! reports. It starts a real `metrics-hub serve` process (so its memory is measured alone)
//! against a fresh database on the configured PostgreSQL and Redis, then runs, in one go:
//!
//! 1. durable ingestion over HTTP (batches of events, acknowledged after commit);
//! 2. durable ingestion over the ingestion WebSocket;
//! 3. baselines on the same PostgreSQL: `COPY` of the same rows, and one `INSERT` per row
//!    (what a naive one-insert-per-request service does, minus its HTTP cost);
//! 4. ingest-to-subscriber latency with many live WebSocket subscribers at a fixed rate;
//! 5. the hub's resident memory, and its growth per WebSocket client.
//!
//! `metrics-hub bench-dashboard` ([`dashboard`]) times the dashboard on a large history.

mod baselines;
pub mod dashboard;
mod ingest;
mod latency;
mod target;

use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

/// What to measure and how hard.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
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

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("{0}")]
    Setup(String),
    #[error("{0}")]
    Run(String),
}

/// Runs every phase and prints the report.
pub async fn run(args: BenchArgs, database_url: &str, redis_url: &str) -> Result<(), BenchError> {
    let target = target::Target::start(&args, database_url, redis_url).await?;
    let outcome = phases(&args, &target).await;
    target.stop().await;
    let report = outcome?;
    report.print(&args);
    Ok(())
}

async fn phases(args: &BenchArgs, target: &target::Target) -> Result<Report, BenchError> {
    let http = ingest::over_http(args, target).await?;
    let ws = ingest::over_websocket(args, target).await?;
    let copy = baselines::copy(args, target).await?;
    let naive = baselines::one_insert_per_row(args, target).await?;
    let rss_before = target.rss_kib();
    let latency = latency::measure(args, target).await?;
    let rss_idle = target.rss_kib();
    Ok(Report {
        http,
        ws,
        copy,
        naive,
        latency,
        rss_before,
        rss_idle,
    })
}

/// Everything measured.
struct Report {
    http: f64,
    ws: f64,
    copy: f64,
    naive: f64,
    latency: latency::Latency,
    rss_before: u64,
    rss_idle: u64,
}

impl Report {
    fn print(&self, args: &BenchArgs) {
        let per_client = self
            .latency
            .rss_with_subscribers
            .saturating_sub(self.rss_before) as f64
            / args.subscribers.max(1) as f64;
        println!();
        println!(
            "metrics-hub bench ({} cores)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!(
            "  durable ingest, HTTP batches of {:>5}     {:>10.0} samples/s",
            args.batch, self.http
        );
        println!(
            "  durable ingest, WebSocket batches of {:>5} {:>9.0} samples/s",
            args.batch, self.ws
        );
        println!(
            "  PostgreSQL COPY, same rows                 {:>10.0} rows/s",
            self.copy
        );
        println!(
            "  one INSERT per row ({} connections)        {:>10.0} rows/s",
            args.clients, self.naive
        );
        println!(
            "  HTTP ingest / COPY                         {:>10.2}",
            self.http / self.copy
        );
        println!(
            "  HTTP ingest / one INSERT per row           {:>10.1}",
            self.http / self.naive
        );
        println!(
            "  ingest -> subscriber latency ({} subscribers, {} events/s, coalescing {} ms): p50 {:.1} ms, p99 {:.1} ms ({} observations)",
            args.subscribers,
            args.rate,
            args.coalesce_ms,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.observations
        );
        println!(
            "  hub RSS: {} KiB before subscribers, {} KiB with them ({per_client:.1} KiB per WebSocket client), {} KiB after",
            self.rss_before, self.latency.rss_with_subscribers, self.rss_idle
        );
    }
}

/// A progress bar for `total` units of one phase.
fn progress(total: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{msg:<28} [{bar:40}] {pos}/{len} {per_sec} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
