//! Demo data for `metrics-hub seed`: a few users and assistants with 90 days of realistic
//! per-call usage (several models, weekly rhythm, growth, errors with status codes).
//!
//! Deterministic (fixed random seed) and idempotent: when the first demo user exists it does
//! nothing, so the run script can seed on every start.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};
use hub::{Sample, SampleKind};
use persistence::postgres::models::{NewAssistant, NewModelPrice, NewUser, Role};
use persistence::postgres::queries::{assistants, prices, users};
use persistence::postgres::sample_store;
use persistence::{PersistenceError, PgPool};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use crate::error::ApiError;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password";
/// Days of history generated, ending today.
pub const DEMO_DAYS: u64 = 90;

/// Samples per write (one transaction each).
const WRITE_CHUNK: usize = 5_000;

struct DemoAssistant {
    name: &'static str,
    model_type: &'static str,
    /// Models it calls, with relative weights.
    models: &'static [(&'static str, u32)],
    /// Typical calls on a weekday.
    daily_calls: f64,
    /// Whether its calls report agent metrics (LLM calls, tool calls, cache-read tokens); the
    /// others report none, as older clients do.
    agent: bool,
}

struct DemoUser {
    email: &'static str,
    role: Role,
    assistants: &'static [DemoAssistant],
}

const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        email: "ada@example.com",
        role: Role::User,
        assistants: &[
            DemoAssistant {
                name: "Support bot",
                model_type: "gpt-4o",
                models: &[("gpt-4o", 7), ("gpt-4o-mini", 3)],
                daily_calls: 220.0,
                agent: false,
            },
            DemoAssistant {
                name: "Sales agent",
                model_type: "claude-3-5-sonnet",
                models: &[("claude-3-5-sonnet", 8), ("claude-3-5-haiku", 2)],
                daily_calls: 90.0,
                agent: true,
            },
            DemoAssistant {
                name: "Docs helper",
                model_type: "llama-3.1-70b",
                models: &[("llama-3.1-70b", 1)],
                daily_calls: 45.0,
                agent: false,
            },
        ],
    },
    DemoUser {
        email: "grace@example.com",
        role: Role::User,
        assistants: &[
            DemoAssistant {
                name: "Triage agent",
                model_type: "gpt-4o-mini",
                models: &[("gpt-4o-mini", 1)],
                daily_calls: 160.0,
                agent: true,
            },
            DemoAssistant {
                name: "Code reviewer",
                model_type: "claude-3-5-sonnet",
                models: &[("claude-3-5-sonnet", 1)],
                daily_calls: 30.0,
                agent: true,
            },
        ],
    },
    DemoUser {
        email: "admin@example.com",
        role: Role::Admin,
        assistants: &[],
    },
];

/// The demo price table (US dollars per million input, output and cache-read tokens), stored
/// in `model_prices` from 2024 on: demo calls carry tokens but no cost and are priced from it,
/// as calls of clients that send no cost are. Llama has no cache-read price.
const DEMO_PRICES: &[(&str, f64, f64, Option<f64>)] = &[
    ("gpt-4o", 2.5, 10.0, Some(1.25)),
    ("gpt-4o-mini", 0.15, 0.6, Some(0.075)),
    ("claude-3-5-sonnet", 3.0, 15.0, Some(0.3)),
    ("claude-3-5-haiku", 0.8, 4.0, Some(0.08)),
    ("llama-3.1-70b", 0.9, 0.9, None),
];

const COUNTRIES: &[&str] = &["US", "DE", "GB", "FR", "IN", "BR", "JP"];
const DOMAINS: &[&str] = &["support", "billing", "onboarding", "sales", "docs"];
const ERROR_CODES: &[i16] = &[429, 500, 502, 503, 504, 400];

/// What a seed run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub users: usize,
    pub assistants: usize,
    pub samples: usize,
    /// `true` when demo data was already present and nothing was written.
    pub already_seeded: bool,
}

/// Writes the demo data unless it is already there.
pub async fn seed(pool: &PgPool, today: NaiveDate) -> Result<SeedReport, ApiError> {
    let mut conn = pool.get().await?;
    let first = DEMO_USERS.first().map_or("", |u| u.email);
    if users::find_by_email(&mut conn, first).await?.is_some() {
        return Ok(SeedReport {
            already_seeded: true,
            ..SeedReport::default()
        });
    }
    let password_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let since = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
        .and_utc();
    for (model, input, output, cache_read) in DEMO_PRICES {
        let new = NewModelPrice {
            model,
            effective_from: since,
            input_nanos_per_mtok: hub::units::usd_to_nanos(*input),
            output_nanos_per_mtok: hub::units::usd_to_nanos(*output),
            cache_read_nanos_per_mtok: cache_read.map(hub::units::usd_to_nanos),
            owner_id: None,
        };
        if let Err(error) = prices::insert(&mut conn, &new).await {
            // Already there (an admin may have added it): keep theirs.
            tracing::debug!(model, %error, "demo price not added");
        }
    }
    let mut rng = StdRng::seed_from_u64(0x006d_6574_7269_6373);
    let mut report = SeedReport::default();
    for demo in DEMO_USERS {
        let user = users::insert(
            &mut conn,
            &NewUser {
                email: demo.email,
                password_hash: &password_hash,
                role: demo.role.as_str(),
                name: None,
            },
        )
        .await?;
        report.users += 1;
        for spec in demo.assistants {
            let assistant = assistants::insert(
                &mut conn,
                &NewAssistant {
                    owner_id: user.id,
                    name: spec.name,
                    model_type: spec.model_type,
                },
            )
            .await?;
            let mut history = generate(&mut rng, spec, today, Utc::now());
            report.samples += history.len();
            store(&mut conn, assistant.id, &mut history).await?;
            report.assistants += 1;
        }
    }
    Ok(report)
}

/// Writes the history through the same batch path as live ingestion, so samples and every
/// rollup agree.
async fn store(
    conn: &mut persistence::AsyncPgConnection,
    assistant_id: i64,
    history: &mut [Sample],
) -> Result<(), PersistenceError> {
    for chunk in history.chunks_mut(WRITE_CHUNK) {
        sample_store::write_batch(conn, assistant_id, chunk).await?;
    }
    Ok(())
}

/// 90 days of calls for one assistant, none later than `now`.
fn generate(
    rng: &mut StdRng,
    spec: &DemoAssistant,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Sample> {
    let mut out = Vec::new();
    let total_weight: u32 = spec.models.iter().map(|(_, w)| w).sum();
    for back in (0..DEMO_DAYS).rev() {
        let Some(day) = today.checked_sub_days(Days::new(back)) else {
            continue;
        };
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let growth = 0.7 + 0.3 * (DEMO_DAYS - back) as f64 / DEMO_DAYS as f64;
        let noise = rng.gen_range(0.8..1.2);
        let expected = spec.daily_calls * growth * noise * if weekend { 0.45 } else { 1.0 };
        // An incident every few weeks: error rate spikes for a day.
        let incident = rng.gen_bool(0.05);
        let error_rate = if incident { 0.25 } else { 0.03 };
        let calls = expected.round() as u32;
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        for _ in 0..calls {
            // Office-hours bias: most calls between 07:00 and 20:00 UTC.
            let second = if rng.gen_bool(0.8) {
                rng.gen_range(7 * 3600..20 * 3600)
            } else {
                rng.gen_range(0..86_400)
            };
            let ts = midnight + Duration::seconds(second);
            if ts > now {
                continue;
            }
            let mut pick = rng.gen_range(0..total_weight.max(1));
            let model = spec
                .models
                .iter()
                .find(|(_, w)| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                })
                .map_or(spec.model_type, |(m, _)| m);
            let failed = rng.gen_bool(error_rate);
            let tokens_in: i64 = rng.gen_range(200..3_000);
            let tokens_out: i64 = if failed { 0 } else { rng.gen_range(50..1_200) };
            let latency_ms: i32 = rng.gen_range(250..2_500) + if failed { 3_000 } else { 0 };
            let duration_ms: i64 = rng.gen_range(20_000..480_000);
            // Derived from the values drawn above, so the random sequence (and every other
            // demo number) is the same whether or not an assistant reports agent metrics.
            let agent = |value: i64| spec.agent.then_some(value);
            let llm_calls = agent(1 + duration_ms % 6);
            let tool_calls = agent(duration_ms / 1_000 % 5);
            let cache_read_tokens = agent(tokens_in * i64::from(latency_ms % 70) / 100);
            out.push(Sample {
                ts,
                kind: SampleKind::Call,
                calls: 1,
                errors: i64::from(failed),
                duration_ms: if failed {
                    duration_ms / 10
                } else {
                    duration_ms
                },
                // Priced from DEMO_PRICES when stored.
                cost_nanos: 0,
                tokens_in,
                tokens_out,
                llm_calls,
                tool_calls,
                cache_read_tokens,
                model: Some(model.to_owned()),
                status: Some(if failed { "error" } else { "success" }.to_owned()),
                status_code: Some(if failed {
                    ERROR_CODES[rng.gen_range(0..ERROR_CODES.len())]
                } else {
                    200
                }),
                latency_ms: Some(latency_ms),
                country: Some(COUNTRIES[rng.gen_range(0..COUNTRIES.len())].to_owned()),
                domain: Some(DOMAINS[rng.gen_range(0..DOMAINS.len())].to_owned()),
                metadata: None,
                client_id: None,
                session_id: None,
                needs_price: true,
                price_id: None,
            });
        }
    }
    out
}
