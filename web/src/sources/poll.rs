//! One poll of a source, the single path used by creation (with the historical backfill), by
//! `POST /sources/{id}/refresh` and by the scheduler: render the template's request, fetch it
//! (with the connection's secret, decrypted), transform the response with the active
//! transformer (seeding the template's, or generating one when an LLM endpoint is configured),
//! and store the points and the source's new state in one transaction, then tell the live
//! followers.
//!
//! Failures are recorded on the source (`lastError`, one more consecutive failure) and, when
//! the transformer failed, on the transformer (`failureCount`). Retries wait now, 1 h, then
//! 6 h (an upstream 429 waits its `Retry-After`). At the third failure in a row of a
//! transformer it is regenerated from the fresh sample when generation is configured, else
//! marked failed and the owner alerted; a source whose fetches keep failing alerts its owner
//! that it now retries every 6 hours.

use ::sources::FetchError;
use ::sources::{EndpointKind, Frequency, Template};
use chrono::{DateTime, Duration, Utc};
use persistence::postgres::models::{Point, Source, Transformer};
use persistence::postgres::queries::{connections, sources as source_rows, transformers};
use protocol::live::SourceMessage;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest response kept as a source's sample (bigger ones are not kept).
pub const MAX_SAMPLE_BYTES: usize = 1 << 20;
/// Consecutive failures after which the owner is alerted (and a transformer regenerated or
/// marked failed).
pub const ALERT_AFTER: i32 = 3;

/// Why a poll runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The scheduler found it due.
    Scheduled,
    /// The owner asked (`POST /sources/{id}/refresh`).
    Refresh,
    /// It was just created: the backfill runs too.
    Create,
}

/// What a poll did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub source: Source,
    pub points_written: i64,
}

/// Why a poll failed, as a sentence for `lastError`.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{0}")]
    Setup(String),
    #[error("the request could not be built: {0}")]
    Render(#[from] ::sources::TemplateError),
    #[error("fetching failed: {0}")]
    Fetch(#[from] FetchError),
    #[error("the {kind} transformer (version {version}) failed: {error}")]
    Transform {
        transformer: Box<Transformer>,
        kind: &'static str,
        version: i32,
        error: ::sources::TransformError,
        sample: Value,
    },
    #[error(
        "no transformer turns this template's {0} responses into points yet: write one \
         (with a preview on the sample) or configure an LLM endpoint (APP_LLM__*)"
    )]
    NoTransformer(&'static str, Value),
    /// The hub's own failure (database): the request fails, nothing is recorded.
    #[error(transparent)]
    Hub(ApiError),
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Self {
        Self::Hub(e.into())
    }
}

impl From<persistence::postgres::pool::PoolError> for Failure {
    fn from(e: persistence::postgres::pool::PoolError) -> Self {
        Self::Hub(e.into())
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Self::Hub(e)
    }
}

/// What a successful attempt gathered.
struct Gathered {
    sample: Value,
    points: Vec<::sources::transform::Point>,
    backfilled: bool,
}

/// Polls `source` once and records the outcome. Errors are only the hub's own (database);
/// an upstream or transformer failure is an `Ok` outcome whose source carries `lastError`.
pub async fn poll(state: &AppState, source: Source, mode: Mode) -> Result<Outcome, ApiError> {
    // No database connection is held while upstream or the LLM endpoint is asked.
    state
        .sources
        .seed_transformers(&mut *state.pool.get().await?)
        .await?;
    let mut source = source;
    // A regenerated transformer is tried at once, once.
    for round in 0..2 {
        match attempt(state, &source, mode).await {
            Ok(gathered) => return succeed(state, &source, gathered).await,
            Err(Failure::Hub(e)) => return Err(e),
            Err(failure) => {
                let (outcome, regenerated) = fail(state, &source, failure).await?;
                if !regenerated || round == 1 {
                    return Ok(outcome);
                }
                source = outcome.source;
            }
        }
    }
    Err(ApiError::internal(diesel::result::Error::NotFound))
}

async fn secret_of(
    state: &AppState,
    source: &Source,
    template: &Template,
) -> Result<Option<secrecy::SecretString>, Failure> {
    let Some(id) = source.connection_id else {
        if template.needs_connection {
            return Err(Failure::Setup(format!(
                "the {} integration needs a connection; choose one",
                template.integration
            )));
        }
        return Ok(None);
    };
    let found = connections::find(&mut *state.pool.get().await?, id).await?;
    let Some(connection) = found else {
        return Err(Failure::Setup(format!("connection {id} no longer exists")));
    };
    state
        .sources
        .secrets
        .decrypt(&connection.secret)
        .map(Some)
        .map_err(|e| Failure::Setup(e.to_string()))
}

async fn fetch(
    state: &AppState,
    template: &Template,
    kind: EndpointKind,
    source: &Source,
    secret: Option<&secrecy::SecretString>,
) -> Result<Value, Failure> {
    use secrecy::ExposeSecret;
    let base = state.sources.base_url(template);
    let params = super::views::parameters(&source.parameters);
    let request = template.render(kind, &params, &base, Utc::now(), source.last_fetched_at)?;
    let hosts = template.allowed_hosts(&base);
    let fetched = state
        .sources
        .fetcher(template)
        .fetch(
            &request,
            &template.auth,
            secret.map(|s| s.expose_secret()),
            &hosts,
        )
        .await?;
    Ok(fetched.body)
}

async fn attempt(state: &AppState, source: &Source, mode: Mode) -> Result<Gathered, Failure> {
    let template = state.sources.template(&source.template_id).ok_or_else(|| {
        Failure::Setup(format!("template {} no longer exists", source.template_id))
    })?;
    let secret = secret_of(state, source, template).await?;
    let sample = fetch(
        state,
        template,
        EndpointKind::Polling,
        source,
        secret.as_ref(),
    )
    .await?;
    let mut points = run(state, template, EndpointKind::Polling, source, &sample).await?;
    let backfill = template.historical.is_some()
        && template.is_time_series
        && (mode == Mode::Create || source.backfilled_at.is_none());
    if backfill {
        let kind = EndpointKind::Historical;
        let old = fetch(state, template, kind, source, secret.as_ref()).await?;
        let mut history = run(state, template, kind, source, &old).await?;
        if let Some(days) = template.historical_data_limit_days {
            let oldest = Utc::now() - Duration::days(i64::from(days));
            history.retain(|p| p.timestamp >= oldest);
        }
        // The polled points come last: at the same time, they win.
        history.append(&mut points);
        points = history;
    }
    Ok(Gathered {
        sample,
        points,
        backfilled: backfill,
    })
}

/// The response a transformer of `kind` would run on for `source`: the stored sample of the
/// polling endpoint (fetched now when there is none), or the historical endpoint's, fetched
/// now. The error is a sentence for a preview.
pub async fn sample(
    state: &AppState,
    source: &Source,
    kind: EndpointKind,
) -> Result<Value, String> {
    if kind == EndpointKind::Polling {
        if let Some(sample) = &source.sample {
            return Ok(sample.clone());
        }
    }
    let template = state
        .sources
        .template(&source.template_id)
        .ok_or_else(|| format!("template {} no longer exists", source.template_id))?;
    let secret = secret_of(state, source, template)
        .await
        .map_err(|e| e.to_string())?;
    fetch(state, template, kind, source, secret.as_ref())
        .await
        .map_err(|e| e.to_string())
}

/// The transformer that turns `template`'s `kind` responses into points for `source`: the
/// active one, else a generated one (when an LLM endpoint is configured).
async fn transformer_for(
    state: &AppState,
    template: &Template,
    kind: EndpointKind,
    source: &Source,
    sample: &Value,
) -> Result<Option<Transformer>, Failure> {
    let scope = template.hosts.is_empty().then_some(source.id);
    let mut conn = state.pool.get().await?;
    let current = transformers::current(&mut conn, &template.id, kind.as_str(), scope).await?;
    drop(conn);
    if let Some(t) = current.filter(|t| t.status == "active") {
        return Ok(Some(t));
    }
    Ok(super::generation::generate(state, template, kind, scope, sample).await?)
}

async fn run(
    state: &AppState,
    template: &Template,
    kind: EndpointKind,
    source: &Source,
    sample: &Value,
) -> Result<Vec<::sources::transform::Point>, Failure> {
    let Some(transformer) = transformer_for(state, template, kind, source, sample).await? else {
        return Err(Failure::NoTransformer(kind.as_str(), sample.clone()));
    };
    match super::transform_blocking(&transformer.program, sample, state.sources.limits()).await {
        Ok(points) => {
            // A shared transformer never keeps a user's response as its example: other users
            // read transformers, and a response may come from a private repository or project.
            let own = transformer.source_id.is_some();
            if (own && transformer.input_example.is_none()) || transformer.failure_count > 0 {
                let mut conn = state.pool.get().await?;
                if own && transformer.input_example.is_none() {
                    let output =
                        serde_json::json!(points.iter().map(|p| p.view()).collect::<Vec<_>>());
                    transformers::set_examples(&mut conn, transformer.id, sample, &output).await?;
                }
                // Its failures count in a row: a success ends the streak.
                transformers::reset_failures(&mut conn, transformer.id).await?;
            }
            Ok(points)
        }
        Err(error) => Err(Failure::Transform {
            kind: kind.as_str(),
            version: transformer.version,
            transformer: Box::new(transformer),
            error,
            sample: sample.clone(),
        }),
    }
}

/// Whether a transformer run hit a limit of its input or output rather than failing on it.
fn is_limit(error: &::sources::TransformError) -> bool {
    use ::sources::TransformError as E;
    matches!(
        error,
        E::TooManyPoints(_) | E::OutputTooLarge(_) | E::InputTooLarge { .. } | E::Timeout(_)
    )
}

/// `value`, when it is small enough to keep as a sample.
fn bounded(value: Value) -> Option<Value> {
    let size = serde_json::to_vec(&value).map_or(usize::MAX, |v| v.len());
    (size <= MAX_SAMPLE_BYTES).then_some(value)
}

fn frequency_of(source: &Source) -> Frequency {
    Frequency::parse(&source.frequency).unwrap_or(Frequency::Manual)
}

async fn succeed(
    state: &AppState,
    source: &Source,
    gathered: Gathered,
) -> Result<Outcome, ApiError> {
    let rows: Vec<Point> = gathered
        .points
        .iter()
        .map(|p| Point {
            source_id: source.id,
            ts: p.timestamp,
            value: p.value,
            dimensions: Value::Object(p.dimensions.clone()),
        })
        .collect();
    let success = source_rows::Success {
        sample: bounded(gathered.sample),
        next_poll_at: state.sources.next_poll(frequency_of(source), Utc::now()),
        backfilled: gathered.backfilled,
        replace: !source.is_time_series,
    };
    let mut conn = state.pool.get().await?;
    let (written, after) =
        source_rows::store_success(&mut conn, source.id, &rows, &success).await?;
    drop(conn);
    tracing::info!(source_id = source.id, written, "source polled");
    let mut views: Vec<_> = gathered.points.iter().map(|p| p.view()).collect();
    views.sort_by_key(|p| p.timestamp);
    state
        .sources
        .live
        .publish(&SourceMessage {
            source_id: source.id,
            points: views,
            replaced: success.replace,
            last_fetched_at: after.last_fetched_at,
            last_error: None,
            consecutive_failures: 0,
            alert: None,
        })
        .await;
    Ok(Outcome {
        source: after,
        points_written: i64::try_from(written).unwrap_or(i64::MAX),
    })
}

/// When to try again after the `failures`-th failure in a row: now, in 1 h, then every 6 h;
/// an upstream 429 waits what it asked. Manual sources wait for the next refresh.
fn retry_at(
    source: &Source,
    failure: &Failure,
    failures: i32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    frequency_of(source).interval()?;
    if let Failure::Fetch(FetchError::RateLimited {
        retry_after: Some(wait),
    }) = failure
    {
        return Some(now + Duration::from_std(*wait).unwrap_or(Duration::hours(1)));
    }
    Some(match failures {
        ..=1 => now,
        2 => now + Duration::hours(1),
        _ => now + Duration::hours(6),
    })
}

/// Records `failure`; whether a regenerated transformer is worth trying at once.
async fn fail(
    state: &AppState,
    source: &Source,
    failure: Failure,
) -> Result<(Outcome, bool), ApiError> {
    let message = failure.to_string();
    let now = Utc::now();
    tracing::warn!(source_id = source.id, error = %message, "source poll failed");
    if let Failure::NoTransformer(_, sample) = &failure {
        // Not counted: nothing upstream is wrong, a transformer is missing.
        let next = state.sources.next_poll(frequency_of(source), now);
        let sample = bounded(sample.clone());
        let mut conn = state.pool.get().await?;
        let after =
            source_rows::set_error(&mut conn, source.id, Some(&message), sample, next).await?;
        drop(conn);
        announce(state, &after, None).await;
        return Ok((outcome(after), false));
    }
    let failures = source.consecutive_failures.saturating_add(1);
    let next = retry_at(source, &failure, failures, now);
    let (broken, sample) = match &failure {
        // A limit (too large an input, too many points, too slow) is this source's data, not
        // the program's fault: it must not count against a transformer other users share.
        Failure::Transform {
            transformer,
            sample,
            error,
            ..
        } if !is_limit(error) => (Some(transformer.as_ref()), bounded(sample.clone())),
        Failure::Transform { sample, .. } => (None, bounded(sample.clone())),
        _ => (None, None),
    };
    // The transformer's own failures in a row decide (a source's fetch failures do not).
    let transformer_failures = broken.map_or(0, |t| t.failure_count.saturating_add(1));
    // The LLM endpoint is asked before a database connection is taken.
    let mut regenerated = false;
    if let (Some(broken), true) = (broken, transformer_failures >= ALERT_AFTER) {
        if let (Some(t), Failure::Transform { sample, .. }) =
            (state.sources.template(&source.template_id), &failure)
        {
            regenerated = super::generation::regenerate(state, t, broken, sample).await?;
        }
    }
    let mut conn = state.pool.get().await?;
    let after = source_rows::record_failure(&mut conn, source.id, &message, next, sample).await?;
    let alert = match broken {
        Some(broken) => {
            transformers::count_failure(&mut conn, broken.id).await?;
            if transformer_failures >= ALERT_AFTER && !regenerated {
                transformers::mark_failed(&mut conn, broken.id).await?;
                Some(format!(
                    "The transformer of \"{}\" failed {ALERT_AFTER} polls in a row and was \
                     marked failed; nothing is stored until a new one is written. Last error: \
                     {message}",
                    source.name
                ))
            } else {
                None
            }
        }
        None => (after.consecutive_failures == ALERT_AFTER).then(|| {
            format!(
                "\"{}\" failed {ALERT_AFTER} polls in a row and is now retried every 6 hours. \
                 Last error: {message}",
                source.name
            )
        }),
    };
    drop(conn);
    if let Some(alert) = &alert {
        tracing::warn!(source_id = source.id, owner_id = source.owner_id, %alert, "source alert");
    }
    announce(state, &after, alert).await;
    Ok((outcome(after), regenerated))
}

fn outcome(source: Source) -> Outcome {
    Outcome {
        source,
        points_written: 0,
    }
}

async fn announce(state: &AppState, source: &Source, alert: Option<String>) {
    state
        .sources
        .live
        .publish(&SourceMessage {
            source_id: source.id,
            points: Vec::new(),
            replaced: false,
            last_fetched_at: source.last_fetched_at,
            last_error: source.last_error.clone(),
            consecutive_failures: i64::from(source.consecutive_failures),
            alert,
        })
        .await;
}
