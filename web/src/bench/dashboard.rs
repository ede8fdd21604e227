//! `metrics-hub bench-dashboard`: the dashboard on a large history. Generates `--samples` calls
//! (default 10M) over `--assistants` assistants (100) and `--days` days (90) of one user, written
//! through the hub's own batch path (so every rollup is exactly what live ingestion builds), then
//! starts `metrics-hub serve` on that database and times `GET /api/v1/dashboard` uncached
//! (`Cache-Control: no-cache`) and cached, printing p50/p95 per range.
//!
//! Generating 10M samples takes several minutes, so the database (`bench_dashboard_<samples>_
//! <assistants>_<days>`) is kept and reused by later runs unless `--fresh` or `--drop` is given.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use clap::Args;
use persistence::postgres::models::{NewAssistant, NewUser};
use persistence::postgres::queries::{assistants, users};
use persistence::postgres::sample_store;
use persistence::AsyncPgConnection;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use super::target::{admin, spawn_serve, wait_ready};
use super::{progress, BenchError};
use hub::{Sample, SampleKind};

const EMAIL: &str = "bench-dashboard@example.com";
const PASSWORD: &str = "bench-password";
/// Samples per batch write while generating.
const BATCH: usize = 5_000;

/// How big a history and how many timed requests.
#[derive(Debug, Clone, Args)]
pub struct DashboardBenchArgs {
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

/// p50 and p95 of one measurement, milliseconds.
struct Timing {
    p50: f64,
    p95: f64,
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Runs the benchmark against the cluster of `database_url`.
pub async fn run(
    args: DashboardBenchArgs,
    database_url: &str,
    redis_url: &str,
) -> Result<(), BenchError> {
    let setup = |e: &dyn std::fmt::Display| BenchError::Setup(e.to_string());
    let (server, _) = database_url
        .rsplit_once('/')
        .ok_or_else(|| BenchError::Setup("APP_DATABASE__URL has no database name".into()))?;
    let admin_url = format!("{server}/postgres");
    let database = format!(
        "bench_dashboard_{}_{}_{}",
        args.samples, args.assistants, args.days
    );
    let url = format!("{server}/{database}");
    let ready = !args.fresh && history_complete(&url).await;
    if !ready {
        admin(
            &admin_url,
            &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        )
        .await?;
        admin(&admin_url, &format!("CREATE DATABASE {database}")).await?;
    }
    persistence::postgres::migrations::run_pending(&url)
        .await
        .map_err(|e| setup(&e))?;
    if ready {
        println!("reusing the history in database {database} (--fresh regenerates it)");
    } else {
        generate(&args, &url).await?;
    }
    let prefix = format!("{database}_{}", std::process::id());
    let (mut child, port) = spawn_serve(&url, redis_url, &prefix, 250)?;
    let base = format!("http://127.0.0.1:{port}");
    let outcome = async {
        wait_ready(&base).await?;
        measure(&args, &base).await
    }
    .await;
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    if args.drop {
        admin(
            &admin_url,
            &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
        )
        .await?;
    }
    let rows = outcome?;
    println!();
    println!(
        "metrics-hub bench-dashboard: {} samples, {} assistants, {} days ({} cores)",
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

/// Whether a previous run finished generating this database.
async fn history_complete(url: &str) -> bool {
    let Ok((client, connection)) = tokio_postgres::connect(url, tokio_postgres::NoTls).await else {
        return false;
    };
    actix_web::rt::spawn(connection);
    client
        .query_one("SELECT done FROM bench_history", &[])
        .await
        .is_ok_and(|row| row.get::<_, bool>(0))
}

async fn connect(url: &str) -> Result<AsyncPgConnection, BenchError> {
    use diesel_async::AsyncConnection;
    AsyncPgConnection::establish(url)
        .await
        .map_err(|e| BenchError::Setup(format!("cannot connect to {url}: {e}")))
}

/// Creates the user and assistants, then writes the history through the batch path, two
/// writers at a time (one per core).
async fn generate(args: &DashboardBenchArgs, url: &str) -> Result<(), BenchError> {
    let run = |e: &dyn std::fmt::Display| BenchError::Run(e.to_string());
    let mut conn = connect(url).await?;
    let hash = crate::auth::password::hash(PASSWORD.to_owned())
        .await
        .map_err(|e| run(&e))?;
    let user = users::insert(
        &mut conn,
        &NewUser {
            email: EMAIL,
            password_hash: &hash,
            role: "user",
        },
    )
    .await
    .map_err(|e| run(&e))?;
    let mut ids = Vec::new();
    for i in 0..args.assistants.max(1) {
        let name = format!("assistant-{i:03}");
        let assistant = assistants::insert(
            &mut conn,
            &NewAssistant {
                owner_id: user.id,
                name: &name,
                model_type: "gpt-4o",
            },
        )
        .await
        .map_err(|e| run(&e))?;
        ids.push(assistant.id);
    }
    let per_assistant = args.samples / ids.len();
    let bar = progress(per_assistant * ids.len(), "generating history");
    let now = Utc::now();
    let writers = 2;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let mine: Vec<i64> = ids.iter().copied().skip(w).step_by(writers).collect();
        let url = url.to_owned();
        let bar = bar.clone();
        let days = args.days;
        tasks.push(actix_web::rt::spawn(async move {
            let mut conn = connect(&url).await?;
            for id in mine {
                let mut rng = StdRng::seed_from_u64(id.unsigned_abs());
                let mut written = 0;
                while written < per_assistant {
                    let n = BATCH.min(per_assistant - written);
                    let mut batch: Vec<Sample> = (written..written + n)
                        .map(|i| call(&mut rng, now, days, i, per_assistant))
                        .collect();
                    sample_store::write_batch(&mut conn, id, &mut batch)
                        .await
                        .map_err(|e| BenchError::Run(e.to_string()))?;
                    written += n;
                    bar.inc(n as u64);
                }
            }
            Ok::<(), BenchError>(())
        }));
    }
    for task in tasks {
        task.await.map_err(|e| run(&e))??;
    }
    bar.finish();
    use diesel_async::RunQueryDsl;
    diesel::sql_query("CREATE TABLE bench_history AS SELECT true AS done")
        .execute(&mut conn)
        .await
        .map_err(|e| run(&e))?;
    diesel::sql_query("VACUUM ANALYZE")
        .execute(&mut conn)
        .await
        .map_err(|e| run(&e))?;
    Ok(())
}

/// The `i`-th of `total` calls of one assistant, spread evenly over `days` days up to `now`.
fn call(rng: &mut StdRng, now: DateTime<Utc>, days: u32, i: usize, total: usize) -> Sample {
    const MODELS: [&str; 4] = [
        "gpt-4o",
        "gpt-4o-mini",
        "claude-3-5-sonnet",
        "llama-3.1-70b",
    ];
    const COUNTRIES: [&str; 7] = ["US", "DE", "GB", "FR", "IN", "BR", "JP"];
    const DOMAINS: [&str; 5] = ["support", "billing", "onboarding", "sales", "docs"];
    const CODES: [i16; 4] = [429, 500, 502, 503];
    let span_ms = i64::from(days) * 86_400_000;
    let offset = span_ms - (i as i64 * span_ms / total.max(1) as i64);
    let ts = now - chrono::Duration::milliseconds(offset.max(1));
    let failed = rng.gen_bool(0.05);
    let latency: f64 = 300.0 * (rng.gen_range(0.0f64..1.5).exp());
    let tokens_in: i64 = rng.gen_range(100..4_000);
    let tokens_out: i64 = if failed { 0 } else { rng.gen_range(20..1_500) };
    Sample {
        ts,
        kind: SampleKind::Call,
        calls: 1,
        errors: i64::from(failed),
        duration_ms: rng.gen_range(500..120_000),
        cost_nanos: (tokens_in * 2_500 + tokens_out * 10_000) / 1_000 * 1_000,
        tokens_in,
        tokens_out,
        model: Some(MODELS[rng.gen_range(0..MODELS.len())].to_owned()),
        status: Some(if failed { "error" } else { "success" }.to_owned()),
        status_code: Some(if failed {
            CODES[rng.gen_range(0..CODES.len())]
        } else {
            200
        }),
        latency_ms: Some(latency as i32 + if failed { 2_000 } else { 0 }),
        country: Some(COUNTRIES[rng.gen_range(0..COUNTRIES.len())].to_owned()),
        domain: Some(DOMAINS[rng.gen_range(0..DOMAINS.len())].to_owned()),
        metadata: None,
        client_id: None,
        needs_price: false,
    }
}

/// Times the dashboard: every range uncached, then 7d cached.
async fn measure(
    args: &DashboardBenchArgs,
    base: &str,
) -> Result<Vec<(String, Timing)>, BenchError> {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(60))
        .finish();
    let mut login = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": EMAIL, "password": PASSWORD}))
        .await
        .map_err(|e| BenchError::Run(format!("login: {e}")))?;
    let body: serde_json::Value = login
        .json()
        .await
        .map_err(|e| BenchError::Run(format!("login: {e}")))?;
    let token = body["accessToken"]
        .as_str()
        .ok_or_else(|| BenchError::Run(format!("login failed: {body}")))?
        .to_owned();
    let time = |range: &'static str, cached: bool| {
        let client = client.clone();
        let token = token.clone();
        let url = format!("{base}/api/v1/dashboard?range={range}");
        async move {
            let mut samples = Vec::with_capacity(args.requests);
            // One untimed request first: warms PostgreSQL's buffers (and fills the cache).
            for i in 0..=args.requests {
                let mut request = client.get(&url).bearer_auth(&token);
                if !cached {
                    request = request.insert_header(("Cache-Control", "no-cache"));
                }
                let started = Instant::now();
                let mut response = request
                    .send()
                    .await
                    .map_err(|e| BenchError::Run(format!("GET {url}: {e}")))?;
                let body = response
                    .body()
                    .limit(64 * 1024 * 1024)
                    .await
                    .map_err(|e| BenchError::Run(format!("GET {url}: {e}")))?;
                let elapsed = started.elapsed().as_secs_f64() * 1_000.0;
                if !response.status().is_success() {
                    return Err(BenchError::Run(format!(
                        "GET {url}: {} {}",
                        response.status(),
                        String::from_utf8_lossy(&body)
                    )));
                }
                let hit = response
                    .headers()
                    .get("x-cache")
                    .is_some_and(|v| v.as_bytes() == b"hit");
                if cached && i > 0 && !hit {
                    return Err(BenchError::Run(format!("GET {url}: expected a cache hit")));
                }
                if i > 0 {
                    samples.push(elapsed);
                }
            }
            samples.sort_by(f64::total_cmp);
            Ok::<Timing, BenchError>(Timing {
                p50: percentile(&samples, 0.50),
                p95: percentile(&samples, 0.95),
            })
        }
    };
    let mut rows = Vec::new();
    for range in ["24h", "7d", "1m", "3m"] {
        rows.push((
            format!("/dashboard?range={range} uncached"),
            time(range, false).await?,
        ));
    }
    rows.push((
        "/dashboard?range=7d cached".to_owned(),
        time("7d", true).await?,
    ));
    Ok(rows)
}
