//! Daily metrics as the API reads them back: days of one assistant, rolling averages, and
//! totals with per-day averages (`/assistants/{id}/metrics…`, `/metrics/totals`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One day of usage as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DailyMetrics {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    pub call_count: i64,
    #[serde(default)]
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    /// `totalCost / callCount`, 0 when there were no calls.
    pub avg_call_cost: f64,
}

/// The answer to a daily-metrics post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecordedDailyMetrics {
    pub assistant_id: i64,
    /// What this post added (not the day's new total).
    pub recorded: DailyMetrics,
    /// `true` when the `clientId` was seen before and nothing was added.
    pub duplicate: bool,
    /// A budget covering the assistant is spent for its current period.
    #[serde(default)]
    pub over_budget: bool,
}

/// Daily metrics over a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DailyMetricsRange {
    pub assistant_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    /// Days with data, oldest first; days without data are absent.
    pub metrics: Vec<DailyMetrics>,
}

/// One day of a rolling average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RollingPoint {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// The day's own calls.
    pub call_count: i64,
    /// Mean calls per day over the window ending on `date` (days without data count as 0).
    pub avg_call_count: f64,
    /// Mean minutes per day over the window.
    pub avg_total_minutes: f64,
    /// Mean cost per day over the window, dollars.
    pub avg_total_cost: f64,
    /// Window cost divided by window calls (0 without calls).
    pub avg_call_cost: f64,
}

/// A rolling-average series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RollingAverage {
    pub assistant_id: i64,
    pub window_days: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    /// One point per day of the range, oldest first.
    pub points: Vec<RollingPoint>,
}

/// Totals and per-day averages of one assistant over a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AssistantSummary))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub assistant_id: i64,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    /// Days in the range.
    pub days: i64,
    /// Days of the range with any data.
    pub days_with_data: i64,
    pub totals: Totals,
    /// Totals divided by `days` (days without data count as 0).
    #[serde(default)]
    pub daily_average: DailyAverage,
}

/// Sums over a range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub call_count: i64,
    #[serde(default)]
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    pub avg_call_cost: f64,
}

/// Means per day over a range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DailyAverage {
    pub call_count: f64,
    pub total_minutes: f64,
    pub total_cost: f64,
}

/// Totals of all the caller's assistants over one range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TotalsPerAssistant {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: NaiveDate,
    /// One summary per assistant, by id.
    pub assistants: Vec<Summary>,
}
