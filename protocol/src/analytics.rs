//! What the analytics endpoints answer: `GET /dashboard` (KPIs, trend, projection, series,
//! breakdowns, anomalies), `GET /summary` and `GET /timeseries`.
//!
//! The hub computes these from its rollups (`hub::analytics`) and the dashboard draws them, both
//! from this one definition, so a payload change that breaks the dashboard breaks its build.
//! Money is in US dollars, times in milliseconds; a ratio whose denominator is zero is `null`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Width of one bucket of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Hour,
    Day,
    /// ISO weeks, starting on Monday.
    Week,
}

/// A half-open UTC interval `[start, end)` cut into buckets of one granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub granularity: Granularity,
}

/// Latency percentiles in milliseconds (`null` when no call reported a latency).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Percentiles {
    pub p50: Option<i64>,
    pub p95: Option<i64>,
    pub p99: Option<i64>,
}

/// Summary KPIs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Kpis {
    /// Samples stored (one per call, one per daily record).
    pub runs: i64,
    pub calls: i64,
    pub successes: i64,
    pub errors: i64,
    /// Successes / calls, 0..1.
    pub success_rate: Option<f64>,
    /// Average duration of a call.
    pub avg_duration_ms: Option<f64>,
    pub total_cost: f64,
    pub cost_per_run: Option<f64>,
    pub cost_per_success: Option<f64>,
    pub cost_per_failure: Option<f64>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// Average latency of the calls that reported one.
    pub avg_latency_ms: Option<f64>,
    pub latency: Percentiles,
    /// Agent runs: LLM calls per run, over the runs that reported `llmCalls` (`null`: none did).
    #[serde(default)]
    pub avg_llm_calls: Option<f64>,
    /// Tool calls per run, over the runs that reported `toolCalls` (`null`: none did).
    #[serde(default)]
    pub avg_tool_calls: Option<f64>,
    /// Input tokens read from the prompt cache (part of `tokensIn`).
    #[serde(default)]
    pub cache_read_tokens: i64,
    /// `cacheReadTokens / tokensIn` over the runs that reported cache reads, 0..1 (`null`: none
    /// did, or they had no input tokens).
    #[serde(default)]
    pub cache_hit_rate: Option<f64>,
}

/// How the current period compares with the one before it (same length, just before).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub previous_calls: i64,
    pub previous_cost: f64,
    /// Change in percent (`null` when the previous period had none).
    pub calls_change_pct: Option<f64>,
    pub cost_change_pct: Option<f64>,
    /// Change of the error rate in percentage points (`null` without calls in either period).
    pub error_rate_change_pts: Option<f64>,
}

/// The KPIs of the complete part of the window (its buckets that have ended) and of the period
/// of the same length just before it: every KPI's change, like for like.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub current: Kpis,
    pub previous: Kpis,
}

/// Projected spend, in US dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// Spend per day at the run rate of the last 7 days plus today so far.
    pub daily_run_rate: f64,
    pub today_cost: f64,
    /// Today's spend so far plus the run rate for the rest of the day.
    pub projected_today: f64,
    pub month_to_date_cost: f64,
    /// This month's spend so far plus the run rate for the rest of the month.
    pub projected_month: f64,
}

/// One flagged day of one metric: more than 2σ from the mean of the 7 days before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Anomaly {
    pub day: NaiveDate,
    /// `calls`, `errors` or `cost`.
    pub metric: String,
    pub value: f64,
    /// Mean and (population) standard deviation of the trailing days.
    pub trailing_mean: f64,
    pub trailing_stddev: f64,
    /// `high` or `low`.
    pub direction: String,
}

/// One bucket of a time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SeriesPoint {
    pub bucket: DateTime<Utc>,
    pub calls: i64,
    pub successes: i64,
    pub errors: i64,
    /// US dollars.
    pub cost: f64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub avg_duration_ms: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    pub latency: Percentiles,
}

/// Usage of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelUsage {
    /// `""` for samples without a model (daily records).
    pub model: String,
    pub calls: i64,
    pub errors: i64,
    pub cost: f64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub latency: Percentiles,
}

/// A model and its calls (`GET /models`, most used first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelCalls {
    pub model: String,
    pub calls: i64,
}

/// Calls under one label value (a country or a domain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LabelUsage {
    pub label: String,
    pub calls: i64,
    pub errors: i64,
    pub cost: f64,
}

/// Success and error counts of one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestsPoint {
    pub bucket: DateTime<Utc>,
    pub success: i64,
    pub error: i64,
}

/// Spend of one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CostPoint {
    pub bucket: DateTime<Utc>,
    /// US dollars.
    pub cost: f64,
}

/// Tokens of one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokensPoint {
    pub bucket: DateTime<Utc>,
    pub tokens_in: i64,
    pub tokens_out: i64,
}

/// Latency of one bucket (ms; `null` without latencies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LatencyPoint {
    pub bucket: DateTime<Utc>,
    pub avg: Option<f64>,
    pub p50: Option<i64>,
    pub p95: Option<i64>,
    pub p99: Option<i64>,
}

/// Failed calls with one status code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusCodeCount {
    pub status_code: String,
    pub count: i64,
}

/// The whole dashboard of a window (`GET /dashboard`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    pub window: Window,
    /// Assistants included.
    pub assistants: Vec<i64>,
    /// The status filter (`success` or `error`) of the KPIs, trend, series and models, if any.
    #[serde(default)]
    pub status: Option<String>,
    /// The model filter of the KPIs, trend, series and models, if any.
    #[serde(default)]
    pub model: Option<String>,
    /// The domain everything counts, if any (computed from the stored calls, see
    /// docs/analytics.md).
    #[serde(default)]
    pub domain: Option<String>,
    /// KPIs of the calls the filter selects (daily records carry no status or model, so a
    /// filter leaves them out).
    pub summary: Kpis,
    pub trend: Trend,
    /// Every KPI against the previous period (same filter).
    #[serde(default)]
    pub comparison: Comparison,
    pub projection: Projection,
    pub requests_over_time: Vec<RequestsPoint>,
    pub costs_over_time: Vec<CostPoint>,
    pub latency_over_time: Vec<LatencyPoint>,
    #[serde(default)]
    pub tokens_over_time: Vec<TokensPoint>,
    /// Failed calls by status code, over all calls of the window (the status and model
    /// filters do not apply: these rollups are not split by them).
    pub errors_by_status_code: Vec<StatusCodeCount>,
    pub top_models: Vec<ModelUsage>,
    /// Calls by country and by domain, over all calls of the window (filters do not apply).
    pub top_countries: Vec<LabelUsage>,
    pub top_domains: Vec<LabelUsage>,
    /// Days of the window more than 2σ from their trailing 7-day mean (calls, errors, cost),
    /// over all samples (filters do not apply).
    pub anomalies: Vec<Anomaly>,
    pub generated_at: DateTime<Utc>,
}

/// Summary KPIs of a period, and the trend against the period of the same length before it
/// (`GET /summary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PeriodSummary {
    pub window: Window,
    pub kpis: Kpis,
    pub trend: Trend,
}

/// A time series of a date range (`GET /timeseries`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Series {
    pub window: Window,
    /// Every bucket of the range, oldest first (empty buckets as zeros).
    pub points: Vec<SeriesPoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_round_trips_and_ignores_unknown_fields() {
        let json = r#"{
            "window": {"start": "2026-11-25T00:00:00Z", "end": "2026-12-02T00:00:00Z", "granularity": "day"},
            "assistants": [1, 2],
            "summary": {"runs": 3, "calls": 3, "successes": 2, "errors": 1, "successRate": 0.6667,
                        "avgDurationMs": 100.0, "totalCost": 0.5, "costPerRun": 0.1667,
                        "costPerSuccess": 0.1, "costPerFailure": 0.3, "tokensIn": 10, "tokensOut": 20,
                        "avgLatencyMs": null, "latency": {"p50": 120, "p95": null, "p99": null}},
            "trend": {"previousCalls": 0, "previousCost": 0.0, "callsChangePct": null,
                      "costChangePct": null, "errorRateChangePts": null},
            "projection": {"dailyRunRate": 1.0, "todayCost": 0.5, "projectedToday": 1.0,
                           "monthToDateCost": 2.0, "projectedMonth": 30.0},
            "requestsOverTime": [{"bucket": "2026-11-25T00:00:00Z", "success": 2, "error": 1}],
            "costsOverTime": [], "latencyOverTime": [], "errorsByStatusCode": [],
            "topModels": [], "topCountries": [], "topDomains": [], "anomalies": [],
            "generatedAt": "2026-12-01T10:00:00Z",
            "somethingNew": {"the dashboard": "ignores it"}
        }"#;
        let parsed: Dashboard = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parsed.window.granularity, Granularity::Day);
        assert_eq!(parsed.summary.latency.p50, Some(120));
        assert_eq!(parsed.requests_over_time[0].error, 1);
        let again: Dashboard = serde_json::to_string(&parsed)
            .and_then(|s| serde_json::from_str(&s))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, parsed);
    }
}
