//! `metrics-hub`: serve the hub, apply migrations, load demo data, name administrators, run
//! the retention cleanup or export an assistant's calls (the commands' code lives in
//! `web::cli`; this only dispatches). The benchmarks are a binary of their own, `metrics-hub-bench` (the `bench/`
//! crate), so none of their load generators is compiled into the server.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use persistence::error::error_text;
use secrecy::ExposeSecret;
use web::cli::admin::AdminCommand;
use web::cli::retention::RetentionCommand;
use web::settings::Settings;
use web::startup::Application;

/// Realtime usage metrics for LLM assistants.
#[derive(Debug, Parser)]
#[command(name = "metrics-hub", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (settings from `APP_*` variables; see the README).
    Serve {
        /// Apply pending migrations first.
        #[arg(long)]
        migrate: bool,
        /// Load demo data first (skipped when already present). Demo users share a published
        /// password: never on a hub others can reach.
        #[arg(long, env = "METRICS_HUB_DEMO_SEED")]
        seed: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load demo users, assistants and 90 days of usage, unless already present.
    Seed,
    /// Name administrators: `admin create --email E` (the first one of a new hub) or
    /// `admin promote EMAIL`.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Retention: `retention run` drops old raw samples and minute rollups now.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// The former name of `admin promote EMAIL`, kept so existing scripts work.
    #[command(hide = true)]
    MakeAdmin { email: String },
    /// Export one assistant's calls as CSV, JSON or NDJSON, straight from the database (an
    /// operator command: it reads any user's data; see docs/export.md).
    Export(Box<web::cli::export::ExportArgs>),
}

/// The hidden first argument that makes this executable a transformer worker process.
const TRANSFORM_WORKER: &str = "transform-worker";

fn main() -> ExitCode {
    // A transformer worker (see `sources::transform`): `serve` starts this executable again
    // with this argument to run untrusted jq programs in processes of their own. It talks on
    // stdin/stdout, so it starts before anything else (logging included) can print.
    if std::env::args().nth(1).as_deref() == Some(TRANSFORM_WORKER) {
        let code = sources::transform::worker::main();
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    actix_web::rt::System::new().block_on(serve_cli())
}

async fn serve_cli() -> ExitCode {
    let cli = Cli::parse();
    // Kept to the end of main: dropping it flushes the exported traces.
    let _telemetry = match cli.command {
        Command::Export(_) => web::telemetry::init_stderr(),
        _ => web::telemetry::init(),
    };
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{}", error_text(error.as_ref()));
            eprintln!("metrics-hub: {}", error_text(error.as_ref()));
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings::load()?;
    let database_url = settings.database.url.expose_secret().to_owned();
    let (migrate, seed, serve) = match command {
        Command::Serve { migrate, seed } => (migrate, seed, true),
        Command::Migrate => (true, false, false),
        Command::Seed => (false, true, false),
        Command::Admin { command } => {
            let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
            println!("{}", web::cli::admin::run(&pool, command).await?);
            return Ok(());
        }
        Command::MakeAdmin { email } => {
            let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
            let command = AdminCommand::Promote { email };
            println!("{}", web::cli::admin::run(&pool, command).await?);
            return Ok(());
        }
        Command::Retention { command } => {
            let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
            let policy = web::retention::Policy::of(&settings.retention);
            println!(
                "{}",
                web::cli::retention::run(&pool, policy, command).await?
            );
            return Ok(());
        }
        Command::Export(args) => {
            let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
            let calls = web::cli::export::run(&pool, &args).await?;
            tracing::info!(calls, "export written");
            return Ok(());
        }
    };
    if migrate {
        let applied = persistence::postgres::migrations::run_pending(&database_url).await?;
        tracing::info!(count = applied.len(), ?applied, "migrations applied");
    }
    if seed {
        let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
        let report = web::seed::seed(&pool, Utc::now().date_naive()).await?;
        if report.already_seeded {
            tracing::info!("demo data already present, nothing seeded");
        } else {
            tracing::info!(
                users = report.users,
                assistants = report.assistants,
                samples = report.samples,
                password = web::seed::DEMO_PASSWORD,
                "demo data seeded"
            );
        }
    }
    if serve {
        // Transformers run in worker processes: a runaway program costs only its worker.
        let workers = sources::transform::WorkerConfig::current_exe(&[TRANSFORM_WORKER])?;
        sources::transform::use_worker_processes(workers)?;
        let app = Application::build(&settings)?;
        tracing::info!(
            address = %format!("http://{}:{}", settings.http.host, app.port()),
            "metrics-hub listening"
        );
        app.run_until_stopped().await?;
    }
    Ok(())
}
