//! Samples: the one additive unit of usage. A per-call event and a daily record both become a
//! [`Sample`] in storage units; everything downstream (buffers, batches, rollups, live totals)
//! handles only samples.

use chrono::{DateTime, Duration, Utc};
use protocol::ingest::Event;

use crate::daily::{DailyRecord, EARLIEST_DAY, MAX_CLIENT_ID_CHARS};
use crate::units::{self, MAX_SAMPLE_COST_USD};
use crate::ValidationErrors;

/// Whether a sample is one call or a pre-aggregated day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    Call,
    Daily,
}

impl SampleKind {
    /// The value stored in `usage_samples.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Daily => "daily",
        }
    }
}

/// One checked sample of one assistant, in storage units.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub ts: DateTime<Utc>,
    pub kind: SampleKind,
    pub calls: i64,
    pub errors: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// Agent metrics, when the call reported them (see [`crate::Totals`] for how they add up).
    pub llm_calls: Option<i64>,
    pub tool_calls: Option<i64>,
    /// Part of `tokens_in` (at most it).
    pub cache_read_tokens: Option<i64>,
    pub model: Option<String>,
    pub status: Option<String>,
    pub status_code: Option<i16>,
    pub latency_ms: Option<i32>,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub metadata: Option<serde_json::Value>,
    pub client_id: Option<String>,
    /// The session (conversation) the call belongs to, if the client named one.
    pub session_id: Option<String>,
    /// The client sent tokens and a model but no cost: price it from the model price table
    /// before storing (see [`crate::pricing`]).
    pub needs_price: bool,
    /// The price version (`model_prices` id) that priced the call, once priced.
    pub price_id: Option<i64>,
}

impl Sample {
    /// The sample a daily record stands for (at midnight UTC of its day).
    pub fn from_daily(record: DailyRecord) -> Self {
        Self {
            ts: record
                .date
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc(),
            kind: SampleKind::Daily,
            calls: record.calls,
            errors: 0,
            duration_ms: record.duration_ms,
            cost_nanos: record.cost_nanos,
            tokens_in: 0,
            tokens_out: 0,
            llm_calls: None,
            tool_calls: None,
            cache_read_tokens: None,
            model: None,
            status: None,
            status_code: None,
            latency_ms: None,
            country: None,
            domain: None,
            metadata: None,
            client_id: record.client_id,
            session_id: None,
            needs_price: false,
            price_id: None,
        }
    }
}

/// Most events one request may carry.
pub const MAX_EVENTS_PER_REQUEST: usize = 10_000;
/// How far ahead of the server's clock an event may be stamped.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);
/// Largest `metadata`, serialised.
pub const MAX_METADATA_BYTES: usize = 4096;
/// Longest latency accepted (one hour).
pub const MAX_LATENCY_MS: i64 = 3_600_000;
/// Longest duration of one call (one day).
pub const MAX_CALL_DURATION_MS: i64 = 86_400_000;
/// Most tokens one call may report in each direction.
pub const MAX_TOKENS: i64 = 1_000_000_000;
/// Most LLM calls or tool calls one run may report.
pub const MAX_AGENT_CALLS: i64 = 1_000_000;
/// Longest model or domain name.
pub const MAX_LABEL_CHARS: usize = 100;
/// Longest session id.
pub const MAX_SESSION_ID_CHARS: usize = 128;

/// Checks every event of a request; all or nothing. Field names in errors are prefixed with
/// `events[i].` when the request carried more than one event.
pub fn validate_events(
    inputs: Vec<Event>,
    now: DateTime<Utc>,
) -> Result<Vec<Sample>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if inputs.is_empty() {
        errors.add("events", "at least one event is required");
    } else if inputs.len() > MAX_EVENTS_PER_REQUEST {
        errors.add(
            "events",
            format!(
                "{} events in one request; at most {MAX_EVENTS_PER_REQUEST} are accepted",
                inputs.len()
            ),
        );
    }
    if !errors.errors().is_empty() {
        return Err(errors);
    }
    let single = inputs.len() == 1;
    let mut samples = Vec::with_capacity(inputs.len());
    for (index, input) in inputs.into_iter().enumerate() {
        let prefix = if single {
            String::new()
        } else {
            format!("events[{index}].")
        };
        if let Some(sample) = validate_event(input, now, &prefix, &mut errors) {
            samples.push(sample);
        }
    }
    errors.into_result(samples)
}

fn validate_event(
    input: Event,
    now: DateTime<Utc>,
    prefix: &str,
    errors: &mut ValidationErrors,
) -> Option<Sample> {
    let before = errors.errors().len();
    let mut fail = |field: &str, message: String| errors.add(format!("{prefix}{field}"), message);
    let ts = input.ts.unwrap_or(now);
    let earliest = EARLIEST_DAY
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    if ts > now + MAX_CLOCK_SKEW {
        fail("ts", format!("{ts} is in the future"));
    } else if ts < earliest {
        fail(
            "ts",
            format!("timestamps before {EARLIEST_DAY} are not accepted"),
        );
    }
    let status_code = match input.status_code {
        Some(code @ 100..=599) => i16::try_from(code).ok(),
        Some(code) => {
            fail(
                "statusCode",
                format!("{code} is not an HTTP status code (100..599)"),
            );
            None
        }
        None => None,
    };
    let status = match input.status.as_deref() {
        Some(status) => {
            if let Some(message) = status_error(status) {
                fail("status", message);
            }
            status.to_owned()
        }
        None if status_code.is_some_and(|c| c >= 400) => "error".to_owned(),
        None => "success".to_owned(),
    };
    let mut bounded = |field: &str, value: Option<i64>, max: i64| -> i64 {
        match value {
            Some(v) if !(0..=max).contains(&v) => {
                fail(field, format!("must be between 0 and {max}"));
                0
            }
            Some(v) => v,
            None => 0,
        }
    };
    let latency_ms = input
        .latency_ms
        .map(|v| bounded("latencyMs", Some(v), MAX_LATENCY_MS));
    let duration_ms = bounded("durationMs", input.duration_ms, MAX_CALL_DURATION_MS);
    let tokens_in = bounded("tokensIn", input.tokens_in, MAX_TOKENS);
    let tokens_out = bounded("tokensOut", input.tokens_out, MAX_TOKENS);
    let llm_calls = input
        .llm_calls
        .map(|v| bounded("llmCalls", Some(v), MAX_AGENT_CALLS));
    let tool_calls = input
        .tool_calls
        .map(|v| bounded("toolCalls", Some(v), MAX_AGENT_CALLS));
    let cache_read_tokens = input
        .cache_read_tokens
        .map(|v| bounded("cacheReadTokens", Some(v), MAX_TOKENS));
    if cache_read_tokens.is_some_and(|cached| cached > tokens_in) {
        // Cached prompt tokens are part of the prompt (OpenAI's `cached_tokens` is a subset of
        // `prompt_tokens`), and pricing bills `tokensIn - cacheReadTokens` at the input price.
        fail(
            "cacheReadTokens",
            format!(
                "must be at most tokensIn ({tokens_in}): cache reads are part of the input tokens"
            ),
        );
    }
    let cost = input.cost.unwrap_or(0.0);
    if !cost.is_finite() || !(0.0..=MAX_SAMPLE_COST_USD).contains(&cost) {
        fail(
            "cost",
            format!("must be between 0 and {MAX_SAMPLE_COST_USD}"),
        );
    }
    if let Some(country) = &input.country {
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            fail("country", "must be a two-letter country code".to_owned());
        }
    }
    if let Some(metadata) = &input.metadata {
        if !metadata.is_object() {
            fail("metadata", "must be a JSON object".to_owned());
        } else if metadata.to_string().len() > MAX_METADATA_BYTES {
            fail(
                "metadata",
                format!("must be at most {MAX_METADATA_BYTES} bytes as JSON"),
            );
        } else {
            errors.check_json_text(&format!("{prefix}metadata"), metadata);
        }
    }
    for (field, value, max) in [
        ("model", &input.model, MAX_LABEL_CHARS),
        ("domain", &input.domain, MAX_LABEL_CHARS),
        ("clientId", &input.client_id, MAX_CLIENT_ID_CHARS),
        ("sessionId", &input.session_id, MAX_SESSION_ID_CHARS),
    ] {
        if let Some(value) = value {
            errors.check_text(&format!("{prefix}{field}"), value, max);
        }
    }
    if errors.errors().len() > before {
        return None;
    }
    let needs_price = input.cost.is_none() && input.model.is_some() && tokens_in + tokens_out > 0;
    Some(Sample {
        ts,
        kind: SampleKind::Call,
        calls: 1,
        errors: i64::from(status == "error"),
        duration_ms,
        cost_nanos: units::usd_to_nanos(cost),
        tokens_in,
        tokens_out,
        llm_calls,
        tool_calls,
        cache_read_tokens,
        model: input.model,
        status: Some(status),
        status_code,
        latency_ms: latency_ms.and_then(|v| i32::try_from(v).ok()),
        country: input.country.map(|c| c.to_ascii_uppercase()),
        domain: input.domain,
        metadata: input.metadata,
        client_id: input.client_id,
        session_id: input.session_id,
        needs_price,
        price_id: None,
    })
}

/// Which calls a query counts: its `status` and `model` filters, checked once for every route
/// that takes them (metrics, analytics, runs and export).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFilter {
    /// `success` or `error`.
    pub status: Option<String>,
    /// A model name (1 to [`MAX_LABEL_CHARS`] characters, no control characters).
    pub model: Option<String>,
}

impl CallFilter {
    /// The filter, or every problem with it (field names `status` and `model`).
    pub fn parse(status: Option<&str>, model: Option<&str>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        if let Some(message) = status.and_then(status_error) {
            errors.add("status", message);
        }
        if let Some(model) = model {
            errors.check_text("model", model, MAX_LABEL_CHARS);
        }
        errors.into_result(Self {
            status: status.map(str::to_owned),
            model: model.map(str::to_owned),
        })
    }
}

/// Why `status` is not one a call may have (`success` or `error`); `None` when it is.
pub fn status_error(status: &str) -> Option<String> {
    (!matches!(status, "success" | "error"))
        .then(|| format!("{status:?} is neither \"success\" nor \"error\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-06-01T12:00:00Z".parse().unwrap_or_default()
    }

    fn fields(result: Result<Vec<Sample>, ValidationErrors>) -> Vec<String> {
        result
            .err()
            .map(|e| e.errors().iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_minimal_event_is_one_successful_call_now() {
        let samples = validate_events(vec![Event::default()], now()).unwrap_or_default();
        assert_eq!(samples.len(), 1);
        assert_eq!(samples[0].ts, now());
        assert_eq!((samples[0].calls, samples[0].errors), (1, 0));
        assert_eq!(samples[0].status.as_deref(), Some("success"));
    }

    #[test]
    fn a_4xx_or_5xx_status_code_makes_an_error_unless_told_otherwise() {
        let event = |code, status: Option<&str>| Event {
            status_code: Some(code),
            status: status.map(str::to_owned),
            ..Event::default()
        };
        let samples = validate_events(
            vec![
                event(503, None),
                event(200, None),
                event(404, Some("success")),
            ],
            now(),
        )
        .unwrap_or_default();
        let errors: Vec<i64> = samples.iter().map(|s| s.errors).collect();
        assert_eq!(errors, vec![1, 0, 0]);
    }

    #[test]
    fn every_bad_field_of_every_event_is_named() {
        let good = Event::default();
        let bad = Event {
            ts: Some(now() + Duration::hours(1)),
            status_code: Some(700),
            latency_ms: Some(-1),
            tokens_in: Some(-5),
            cost: Some(f64::NAN),
            country: Some("USA".into()),
            metadata: Some(serde_json::json!([1, 2])),
            client_id: Some(String::new()),
            session_id: Some("s\u{7}".into()),
            status: Some("ok".into()),
            ..Event::default()
        };
        assert_eq!(
            fields(validate_events(vec![good, bad], now())),
            vec![
                "events[1].ts",
                "events[1].statusCode",
                "events[1].status",
                "events[1].latencyMs",
                "events[1].tokensIn",
                "events[1].cost",
                "events[1].country",
                "events[1].metadata",
                "events[1].clientId",
                "events[1].sessionId",
            ]
        );
    }

    #[test]
    fn agent_metrics_are_bounded_and_cache_reads_are_part_of_the_input() {
        let event = |llm, tool, tokens_in, cached| Event {
            llm_calls: llm,
            tool_calls: tool,
            tokens_in,
            cache_read_tokens: cached,
            ..Event::default()
        };
        let good = validate_events(vec![event(Some(3), Some(0), Some(100), Some(100))], now())
            .unwrap_or_default();
        assert_eq!(
            good.iter()
                .map(|s| (s.llm_calls, s.tool_calls, s.cache_read_tokens))
                .collect::<Vec<_>>(),
            vec![(Some(3), Some(0), Some(100))]
        );
        let none = validate_events(vec![Event::default()], now()).unwrap_or_default();
        assert_eq!(none[0].llm_calls, None);
        let bad = vec![
            event(Some(-1), Some(MAX_AGENT_CALLS + 1), None, None),
            event(None, None, Some(10), Some(11)),
            event(None, None, None, Some(-3)),
        ];
        assert_eq!(
            fields(validate_events(bad, now())),
            vec![
                "events[0].llmCalls",
                "events[0].toolCalls",
                "events[1].cacheReadTokens",
                "events[2].cacheReadTokens",
            ]
        );
    }

    #[test]
    fn a_call_filter_names_each_bad_field() {
        assert_eq!(CallFilter::parse(None, None), Ok(CallFilter::default()));
        let both = CallFilter::parse(Some("error"), Some("gpt-4o"));
        assert_eq!(
            both.map(|f| (f.status, f.model)),
            Ok((Some("error".into()), Some("gpt-4o".into())))
        );
        let bad = CallFilter::parse(Some("ok"), Some("nul\0"));
        let fields: Vec<String> = bad
            .err()
            .map(|e| e.errors().iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default();
        assert_eq!(fields, vec!["status", "model"]);
    }

    #[test]
    fn empty_and_oversized_requests_are_rejected() {
        assert_eq!(fields(validate_events(Vec::new(), now())), vec!["events"]);
        let many = vec![Event::default(); MAX_EVENTS_PER_REQUEST + 1];
        assert_eq!(fields(validate_events(many, now())), vec!["events"]);
    }
}
