//! `metrics-hub-bench`: the benchmarks of metrics-hub, a binary of their own so the server
//! carries none of their code. Both start the `metrics-hub` binary built beside this one (or
//! the one `--hub-binary` names) and read `APP_DATABASE__URL` and `APP_REDIS__URL` as the server
//! does; they need the local stack and `APP_ENVIRONMENT=dev`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use metrics_hub_bench::dashboard::{self, DashboardArgs};
use metrics_hub_bench::ingest::{self, IngestArgs};
use metrics_hub_bench::HubBinary;
use persistence::error::error_text;
use secrecy::ExposeSecret;
use web::settings::Settings;

/// Benchmarks of a real metrics-hub process on this machine.
#[derive(Debug, Parser)]
#[command(name = "metrics-hub-bench", version, about)]
struct Cli {
    /// The `metrics-hub` binary to start (default: `metrics-hub` beside this executable).
    #[arg(long, global = true, env = "METRICS_HUB_BINARY")]
    hub_binary: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure ingestion, baselines, live latency and memory on this machine (needs the local
    /// stack: it creates and drops a database of its own).
    Ingest(IngestArgs),
    /// Time `GET /dashboard` uncached and cached on a generated history (default 10M samples,
    /// 100 assistants, 90 days; the history is kept for later runs).
    Dashboard(DashboardArgs),
}

#[actix_rt::main]
async fn main() -> ExitCode {
    let _telemetry = web::telemetry::init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("metrics-hub-bench: {}", error_text(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let binary = HubBinary::locate(cli.hub_binary)?;
    let settings = Settings::load()?;
    let database_url = settings.database.url.expose_secret();
    let redis_url = settings.redis.url.expose_secret();
    match cli.command {
        Command::Ingest(args) => ingest::run(args, &binary, database_url, redis_url).await?,
        Command::Dashboard(args) => dashboard::run(args, &binary, database_url, redis_url).await?,
    }
    Ok(())
}
