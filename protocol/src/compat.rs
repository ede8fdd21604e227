//! The dashboard payloads two of the seed documents define, served as their frontends consume
//! them (`GET /compat/dashboard`, seed 002; `GET /compat/telemetry`, seed 004), so those
//! frontends render against the hub with no change. The hub computes them from the same
//! analytics as `GET /dashboard` (`hub::analytics::compat` maps one onto the other).
//!
//! The seeds' frontends read numbers where the native payload may say `null` (nothing to
//! average): these payloads say 0 there. docs/compat.md documents every field.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::sessions::LiveSession;

/// Requests per bucket, as parallel arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSeries {
    /// Start of every bucket, RFC 3339, oldest first.
    pub timestamps: Vec<DateTime<Utc>>,
    pub success: Vec<i64>,
    pub error: Vec<i64>,
}

/// One number per bucket, as parallel arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueSeries {
    /// Start of every bucket, RFC 3339, oldest first.
    pub timestamps: Vec<DateTime<Utc>>,
    pub value: Vec<f64>,
}

/// A label and its count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelValue {
    pub label: String,
    pub value: i64,
}

/// Requests of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRequests {
    pub name: String,
    pub requests: i64,
}

/// Requests from one country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CountryRequests {
    pub country_code: String,
    pub requests: i64,
}

/// The seed-002 dashboard (`GET /compat/dashboard`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeedDashboard {
    /// The `range` asked for (`24h`, `7d`, `1m`, `3m` or `custom`).
    pub range: String,
    pub generated_at: DateTime<Utc>,
    pub requests: RequestSeries,
    /// Failed calls by status code, most first.
    pub errors_breakdown: Vec<LabelValue>,
    pub top_models: Vec<NamedRequests>,
    /// US dollars per bucket.
    pub costs: ValueSeries,
    pub top_countries: Vec<CountryRequests>,
    /// p95 latency per bucket in ms (0 for a bucket without latencies).
    pub latency: ValueSeries,
}

/// Totals of the telemetry window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelemetryOverview {
    pub total_requests: i64,
    pub successful_requests: i64,
    pub failed_requests: i64,
    /// Percent, 0..100 (0 without requests).
    pub success_rate: f64,
    /// Percent, 0..100 (0 without requests).
    pub error_rate: f64,
    /// US dollars.
    pub total_cost: f64,
    /// 0 when no call reported a latency.
    pub avg_latency_ms: f64,
}

/// Spend of the telemetry window and its projections, US dollars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelemetryCost {
    pub total: f64,
    /// Today's spend so far plus the run rate for the rest of the day.
    pub projected_daily: f64,
    /// This month's spend so far plus the run rate for the rest of the month.
    pub projected_monthly: f64,
    /// The run rate per hour (last 7 days plus today).
    pub per_hour: f64,
    /// `up`, `down` or `flat`: the window's complete part against the period before it.
    pub trend: String,
}

/// Tokens of the telemetry window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelemetryTokens {
    pub input: i64,
    pub output: i64,
    pub total: i64,
    /// Tokens (both ways) per request (0 without requests).
    pub per_request: f64,
}

/// Latency of the telemetry window, ms (0 when no call reported one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelemetryPerformance {
    pub avg_latency_ms: f64,
    pub p50: i64,
    pub p95: i64,
    pub p99: i64,
}

/// Usage of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TelemetryModel {
    /// `""` for daily records, which name no model.
    pub model: String,
    pub requests: i64,
    /// US dollars.
    pub cost: f64,
    /// Share of the window's requests, percent.
    pub percentage: f64,
}

/// Usage of one domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TelemetryDomain {
    pub domain: String,
    pub requests: i64,
    /// US dollars.
    pub cost: f64,
    /// Share of the window's requests, percent.
    pub percentage: f64,
}

/// One hour of the last 24.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TelemetryHour {
    /// Start of the hour, RFC 3339.
    pub hour: DateTime<Utc>,
    pub requests: i64,
    /// US dollars.
    pub cost: f64,
}

/// The active sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TelemetryLive {
    pub active_sessions: usize,
    /// As `GET /sessions/live` lists them, newest activity first.
    pub sessions_data: Vec<LiveSession>,
}

/// The seed-004 telemetry dashboard (`GET /compat/telemetry`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Telemetry {
    pub overview: TelemetryOverview,
    pub cost: TelemetryCost,
    pub tokens: TelemetryTokens,
    pub performance: TelemetryPerformance,
    pub model_usage: Vec<TelemetryModel>,
    pub domain_breakdown: Vec<TelemetryDomain>,
    pub hourly_trend: Vec<TelemetryHour>,
    pub live: TelemetryLive,
}
