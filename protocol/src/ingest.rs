//! What clients post to store usage: per-call events (`POST /assistants/{id}/events` and the
//! ingestion WebSocket) and daily records (`POST /assistants/{id}/metrics`).
//!
//! These are the raw shapes, before any check: the hub validates them into samples and reports
//! every invalid field at once. The limits in the field docs and schema attributes are the
//! hub's (`hub::sample`, `hub::daily`), written out here for the OpenAPI document.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::Value;

/// One LLM call. See docs/streaming.md for every rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// When the call happened (RFC 3339), from 2000-01-01 to 5 minutes ahead of the server's
    /// clock; default now.
    pub ts: Option<DateTime<Utc>>,
    /// 1 to 100 characters, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "gpt-4o",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub model: Option<String>,
    /// `success` or `error`. Default: `error` for a `statusCode` of 400 or more, else `success`.
    #[cfg_attr(feature = "openapi", schema(example = "success", value_type = Option<CallStatus>))]
    pub status: Option<String>,
    /// HTTP status code of the call, `100..=599`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 200, minimum = 100, maximum = 599)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub status_code: Option<i64>,
    /// `0..=3600000` (one hour).
    #[cfg_attr(
        feature = "openapi",
        schema(example = 850, minimum = 0, maximum = 3_600_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub latency_ms: Option<i64>,
    /// `0..=86400000` (one day).
    #[cfg_attr(
        feature = "openapi",
        schema(example = 42000, minimum = 0, maximum = 86_400_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub duration_ms: Option<i64>,
    /// `0..=1e9`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 1200, minimum = 0, maximum = 1_000_000_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub tokens_in: Option<i64>,
    /// `0..=1e9`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 300, minimum = 0, maximum = 1_000_000_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub tokens_out: Option<i64>,
    /// Agent runs: how many LLM calls this run made, `0..=1e6`. Optional (averages count only
    /// the runs that report it).
    #[cfg_attr(
        feature = "openapi",
        schema(example = 3, minimum = 0, maximum = 1_000_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub llm_calls: Option<i64>,
    /// Agent runs: how many tool calls this run made, `0..=1e6`. Optional.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 2, minimum = 0, maximum = 1_000_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub tool_calls: Option<i64>,
    /// Input tokens read from the provider's prompt cache: part of `tokensIn` (as OpenAI
    /// reports cached prompt tokens), so `0..=tokensIn`. Optional.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 800, minimum = 0, maximum = 1_000_000_000)
    )]
    #[serde(default, deserialize_with = "crate::json_int::optional_integer")]
    pub cache_read_tokens: Option<i64>,
    /// US dollars, `0..=1e6`; absent: priced from the model price table when tokens are sent.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 0.0061, minimum = 0, maximum = 1_000_000)
    )]
    pub cost: Option<f64>,
    /// Two-letter country code (stored upper-case).
    #[cfg_attr(feature = "openapi", schema(example = "DE", pattern = "^[A-Za-z]{2}$"))]
    pub country: Option<String>,
    /// 1 to 100 characters, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "support",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub domain: Option<String>,
    /// Any JSON object, at most 4096 bytes serialised.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<Value>,
    /// Retry-safe id, stored once per assistant; 1 to 128 characters, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 128,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub client_id: Option<String>,
    /// The conversation this call belongs to (OTLP: `gen_ai.conversation.id`): a session is
    /// active while its calls keep arriving within the idle timeout (see docs/streaming.md).
    /// 1 to 128 characters, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "conv-7f3a",
            min_length = 1,
            max_length = 128,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub session_id: Option<String>,
}

/// One day of usage as the client reports it. Posting twice for the same day adds up.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DailyMetricsRequest {
    /// UTC day, `YYYY-MM-DD`, from 2000-01-01 to one day ahead of today.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-20", pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"))]
    pub date: NaiveDate,
    /// Calls that day, `0..=1e9`.
    #[serde(alias = "call_count", deserialize_with = "crate::json_int::integer")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = 120, minimum = 0, maximum = 1_000_000_000)
    )]
    pub call_count: i64,
    /// Minutes of call time that day, `0..=1e7` (0 when `callCount` is 0).
    #[serde(alias = "total_minutes")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = 95.5, minimum = 0, maximum = 10_000_000)
    )]
    pub total_minutes: f64,
    /// Cost that day in US dollars, `0..=1e6` (0 when `callCount` is 0).
    #[serde(alias = "total_cost")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = 4.2, minimum = 0, maximum = 1_000_000)
    )]
    pub total_cost: f64,
    /// Optional; if sent it must equal `totalCost / callCount` rounded to the decimals sent.
    #[serde(alias = "avg_call_cost")]
    #[cfg_attr(feature = "openapi", schema(example = 0.035, minimum = 0))]
    pub avg_call_cost: Option<f64>,
    /// Optional id for safe retries: a second post with the same id changes nothing. 1 to 128
    /// characters, no control characters.
    #[serde(alias = "client_id")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "2026-11-20-nightly-export",
            min_length = 1,
            max_length = 128,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub client_id: Option<String>,
}

/// Status of one call (the values `Event::status` accepts; documentation only, so a wrong
/// value is reported with every other invalid field instead of as a parse error).
#[derive(Debug)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(rename_all = "lowercase"))]
pub enum CallStatus {
    Success,
    Error,
}
