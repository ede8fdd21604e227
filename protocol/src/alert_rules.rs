//! Alert rules on the wire (`/api/v1/alert-rules`): error-rate and latency p95 rules as created,
//! changed and listed, and their firings (alerts) with the state of their webhook delivery.
//!
//! The hub's `hub::alert_rules` turns the requests into checked values and evaluates them;
//! answers are parsed tolerantly by the dashboard (defaults for every field).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::webhooks::DeliveryView;

/// A rule to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateAlertRule {
    /// One of your assistants; absent for a rule over all of them together.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<i64>,
    /// `error_rate` (percent of calls that failed) or `latency_p95` (milliseconds).
    #[cfg_attr(feature = "openapi", schema(example = "error_rate"))]
    pub metric: String,
    /// The rule fires when the metric is above this: 0..=100 for `error_rate`, 0..=86,400,000
    /// for `latency_p95`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 5.0, minimum = 0, maximum = 86_400_000)
    )]
    pub threshold: f64,
    /// Minutes the metric is computed over (the current minute and those before it), 1..=60.
    #[serde(deserialize_with = "crate::json_int::integer")]
    #[cfg_attr(feature = "openapi", schema(example = 15, minimum = 1, maximum = 60))]
    pub window_minutes: i64,
    /// Fewest calls in the window for the rule to be judged (fewer: it keeps its state),
    /// 1..=1,000,000, default 10.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub min_calls: Option<i64>,
    /// One of your webhooks, POSTed each firing.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub webhook_id: Option<i64>,
}

/// A change to one of your rules: what is absent stays; `webhookId: null` removes the webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateAlertRule {
    /// As on creation: 0..=100 for `error_rate`, 0..=86,400,000 for `latency_p95`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 86_400_000))]
    pub threshold: Option<f64>,
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub window_minutes: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000_000))]
    pub min_calls: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::webhooks::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub webhook_id: Option<Option<i64>>,
}

/// A rule, and whether it is firing now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct AlertRuleView {
    pub id: i64,
    /// `null` for a rule over all of your assistants.
    pub assistant_id: Option<i64>,
    pub metric: String,
    pub threshold: f64,
    pub window_minutes: i64,
    pub min_calls: i64,
    pub webhook_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Whether its latest firing is not resolved yet.
    pub firing: bool,
}

/// One firing of a rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct RuleAlertView {
    pub id: i64,
    pub rule_id: i64,
    /// The assistant whose calls raised it.
    pub assistant_id: i64,
    pub metric: String,
    /// The rule's threshold then.
    pub threshold: f64,
    pub window_minutes: i64,
    /// The value found above the threshold.
    pub value: f64,
    pub calls: i64,
    pub window_start: DateTime<Utc>,
    pub triggered_at: DateTime<Utc>,
    /// When an evaluation found the metric back at or under the threshold; `null` while firing.
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_value: Option<f64>,
    /// The webhook delivery, if the rule had a webhook.
    pub delivery: Option<DeliveryView>,
}
