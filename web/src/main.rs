//! `metrics-hub`: serve the hub, apply migrations, load demo data, name the first
//! administrator, or export an assistant's calls (`web::cli`). The benchmarks are a binary of their own, `metrics-hub-bench` (the `bench/`
//! crate), so none of their load generators is compiled into the server.

use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use persistence::error::error_text;
use secrecy::ExposeSecret;
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
    /// Give a registered user the admin role (manages prices, sees every user's data). A new
    /// hub has no administrator: register, then run this once.
    MakeAdmin {
        /// The user's email, as registered.
        email: String,
    },
    /// Export one assistant's calls as CSV, JSON or NDJSON, straight from the database (an
    /// operator command: it reads any user's data; see docs/export.md).
    Export(Box<web::cli::export::ExportArgs>),
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Export(_) => web::telemetry::init_stderr(),
        _ => web::telemetry::init(),
    }
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
        Command::MakeAdmin { email } => {
            let pool = persistence::postgres::pool::build_pool(&settings.database.pool())?;
            let user = web::admin::make_admin(&pool, &email).await?;
            tracing::info!(user_id = user.id, email = %user.email, "user is now an administrator");
            println!("{} is now an administrator", user.email);
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
        let app = Application::build(&settings)?;
        tracing::info!(
            address = %format!("http://{}:{}", settings.http.host, app.port()),
            "metrics-hub listening"
        );
        app.run_until_stopped().await?;
    }
    Ok(())
}
