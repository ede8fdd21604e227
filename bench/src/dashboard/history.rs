//! The generated history of `metrics-hub-bench dashboard`: one user, their assistants and their
//! calls, written through the hub's own batch path (`sample_store::write_batch`), so every
//! rollup is exactly what live ingestion builds. A marker table says the history is complete,
//! so an interrupted generation is never reused.

use chrono::{DateTime, Utc};
use persistence::postgres::models::{NewAssistant, NewUser};
use persistence::postgres::queries::{assistants, users};
use persistence::postgres::sample_store;
use persistence::AsyncPgConnection;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{DashboardArgs, EMAIL, PASSWORD};
use crate::progress;
use crate::BenchError;
use hub::{Sample, SampleKind};

/// Samples per batch write while generating.
const BATCH: usize = 5_000;

/// Whether a previous run finished generating the history in database `url`.
pub(super) async fn complete(url: &str) -> bool {
    let Ok(client) = crate::cluster::connect(url).await else {
        return false;
    };
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
pub(super) async fn generate(args: &DashboardArgs, url: &str) -> Result<(), BenchError> {
    let run = |e: &dyn std::fmt::Display| BenchError::Run(e.to_string());
    let mut conn = connect(url).await?;
    let hash = web::auth::password::hash(PASSWORD.to_owned())
        .await
        .map_err(|e| run(&e))?;
    let user = users::insert(
        &mut conn,
        &NewUser {
            email: EMAIL,
            password_hash: &hash,
            role: "user",
            name: None,
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
    let bar = progress::bar(per_assistant * ids.len(), "generating history");
    let now = Utc::now();
    let writers = 2;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let mine: Vec<i64> = ids.iter().copied().skip(w).step_by(writers).collect();
        let url = url.to_owned();
        let bar = bar.clone();
        let days = args.days;
        tasks.push(actix_rt::spawn(async move {
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
        llm_calls: None,
        tool_calls: None,
        cache_read_tokens: None,
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
        session_id: None,
        needs_price: false,
        price_id: None,
    }
}
