//! Webhooks on the wire (`/api/v1/webhooks`): creating one (its secret shown once), listing
//! them, rotating the secret, the state of each delivery, and the JSON document the hub POSTs to
//! a webhook when an alert is raised ([`WebhookPayload`], documented in docs/alerts.md).
//!
//! The hub's `web::webhooks` checks URLs (SSRF policy) and delivers; answers are parsed
//! tolerantly by the dashboard: every field has a default, unknown fields are ignored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};

/// A webhook to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhook {
    /// `http` or `https` URL, at most 2048 characters, aimed at a public address (or one the
    /// hub's settings allow-list).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://hooks.example.com/metrics-hub", max_length = 2048)
    )]
    pub url: String,
}

/// A webhook, as listed (never with its secret).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub created_at: DateTime<Utc>,
    /// When the secret was last replaced; `null` if never.
    pub secret_rotated_at: Option<DateTime<Utc>>,
    /// Deliveries waiting for an attempt.
    pub pending: i64,
}

/// A webhook with its signing secret: the answer to creating it and to rotating the secret,
/// the only times the secret is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct WebhookSecret {
    pub webhook: WebhookView,
    /// The HMAC-SHA256 key of the `X-Metrics-Hub-Signature` header (`whsec_` and 64 hex
    /// digits); sign-checking receivers use it as given, bytes of the whole string.
    pub secret: String,
}

/// Where one delivery stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct DeliveryView {
    pub id: i64,
    pub webhook_id: i64,
    /// `pending` (to be tried at `nextAttemptAt`), `delivered` (a 2xx answer), `failed` (every
    /// attempt failed) or `dropped` (never queued: the webhook had too many pending deliveries).
    pub state: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// The HTTP status of the last answer, if there was one.
    pub last_status: Option<i64>,
    /// Why the last attempt failed (or why the delivery was dropped).
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The document POSTed to a webhook when an alert is raised (`Content-Type: application/json`,
/// signed: see docs/alerts.md). `budget` is present for budget alerts, `rule` for error-rate and
/// latency alerts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookPayload {
    /// Always `alert.triggered`.
    pub event: String,
    /// `budget`, `error_rate` or `latency_p95`.
    pub kind: String,
    /// The alert's id: of `GET /budgets/alerts` for budgets, of `GET /alert-rules/alerts` for
    /// rules.
    pub alert_id: i64,
    /// The assistant the budget or rule watches; `null` for one over all of the owner's.
    pub assistant_id: Option<i64>,
    /// Budgets: the percentage of the limit reached; rules: the rule's threshold (percent for
    /// `error_rate`, milliseconds for `latency_p95`).
    pub threshold: f64,
    pub triggered_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetPayload>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RulePayload>,
}

/// What a budget alert's webhook document says about the budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BudgetPayload {
    pub budget_id: i64,
    /// `daily` or `monthly`.
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// US dollars.
    pub limit: f64,
    /// US dollars spent when the alert was raised.
    pub spent: f64,
    pub domain: Option<String>,
}

/// What a rule alert's webhook document says about the rule and the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RulePayload {
    pub rule_id: i64,
    /// The observed value: percent of calls that failed, or the p95 latency in milliseconds.
    pub value: f64,
    /// Calls in the window (for `latency_p95`, those that carry a latency).
    pub calls: i64,
    pub window_minutes: i64,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// The assistant whose calls raised the alert.
    pub observed_assistant_id: i64,
}

/// For a field of a change that can be absent (leave it), `null` (clear it) or a value (set it):
/// `#[serde(default, deserialize_with = "crate::webhooks::nullable")]` on an `Option<Option<T>>`.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
