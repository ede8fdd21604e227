//! What `GET /runs` answers: individual calls, newest first, a keyset page at a time (the
//! exports write the same objects, one per line or in one array).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub id: i64,
    pub assistant_id: i64,
    pub ts: DateTime<Utc>,
    #[serde(default)]
    pub model: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::ingest::CallStatus>))]
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_code: Option<i16>,
    #[serde(default)]
    pub latency_ms: Option<i32>,
    pub duration_ms: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// US dollars.
    pub cost: f64,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    /// The event's `metadata` object, as sent (absent when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<serde_json::Value>,
    /// The session the call named (absent when none was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Agent metrics the call reported (absent: not reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub llm_calls: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<i64>,
    /// Input tokens read from the prompt cache (part of `tokensIn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_tokens: Option<i64>,
    /// The price version that priced the call from its tokens; absent when the client reported
    /// the cost (or no price applied, leaving it at 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<PriceUsed>,
}

/// The price version a call's cost was computed with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PriceUsed {
    /// The version's id (`GET /prices` or `GET /prices/overrides`).
    pub id: i64,
    /// Absent when the version has since been removed (a user's override can be).
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub effective_from: Option<DateTime<Utc>>,
    /// Whether it was the owner's override rather than the shared table.
    #[serde(default)]
    pub is_override: bool,
}

/// A page of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RunsPage {
    /// Newest first.
    pub runs: Vec<RunView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// Body of `POST /export/links`: the export a download link is for, as the query string of
/// `GET /export` (filters, `sort` and `format`; no `cursor` or `limit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExportLinkRequest {
    /// e.g. `assistant=3&start=2026-08-01&end=2026-08-07&country=DE&format=csv`.
    pub query: String,
}

/// A signed download link: `GET` it (no `Authorization` header needed) once, before it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExportLink {
    /// Path and query on the hub, e.g. `/api/v1/export/download?format=csv&token=…`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// One posted daily record, as `GET /export/daily` writes it (one object per record as stored;
/// several records of one day are several objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DailyRecordView {
    pub id: i64,
    pub assistant_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: chrono::NaiveDate,
    pub call_count: i64,
    pub total_minutes: f64,
    /// US dollars.
    pub total_cost: f64,
    /// `totalCost / callCount`, 0 without calls.
    pub avg_call_cost: f64,
    #[serde(default)]
    pub client_id: Option<String>,
}
