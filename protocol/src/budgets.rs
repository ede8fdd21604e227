//! Budgets on the wire (`/api/v1/budgets`): what clients send to create or change a budget, and
//! what the hub answers for a budget (with its spend in the current period) and for an alert.
//!
//! The hub's `hub::budget` turns the requests into checked values; the limits written in the
//! field docs and schema attributes are its constants, repeated here for the OpenAPI document
//! (`web/tests/api/openapi.rs` holds them to the validators). Answers are parsed tolerantly by
//! the dashboard: every field has a default, unknown fields are ignored.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A budget to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateBudget {
    /// One of your assistants; absent for a budget over all of them.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub assistant_id: Option<i64>,
    /// `daily` or `monthly` (UTC).
    #[cfg_attr(feature = "openapi", schema(example = "monthly", value_type = BudgetPeriod))]
    pub period: String,
    /// Limit in US dollars, above 0 and at most 1e6.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 250.0, exclusive_minimum = 0, maximum = 1_000_000)
    )]
    pub limit: f64,
    /// Percentages of the limit that each raise one alert per period: 1 to 10 values, each
    /// 1..=1000, stored sorted without repeats. Default `[50, 80, 100]`.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integers",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = thresholds_schema))]
    pub thresholds: Option<Vec<i64>>,
    /// Count only calls sent with this `domain` (exactly as sent, 1 to 100 characters, no
    /// control characters); absent for all spend. Daily records carry no domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// One of your webhooks, POSTed each alert of the budget.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    pub webhook_id: Option<i64>,
}

/// A change to one of your budgets: what is absent stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateBudget {
    /// New limit in US dollars, above 0 and at most 1e6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = 300.0, exclusive_minimum = 0, maximum = 1_000_000)
    )]
    pub limit: Option<f64>,
    /// New thresholds (replacing the old ones): 1 to 10 percentages, each 1..=1000.
    #[serde(
        default,
        deserialize_with = "crate::json_int::optional_integers",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = thresholds_schema))]
    pub thresholds: Option<Vec<i64>>,
    /// One of your webhooks to POST the budget's alerts to; `null` removes it.
    #[serde(
        default,
        deserialize_with = "crate::webhooks::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub webhook_id: Option<Option<i64>>,
}

/// A budget, and where it stands in its current period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct BudgetView {
    pub id: i64,
    /// `null` for a budget over all of your assistants.
    pub assistant_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = BudgetPeriod))]
    pub period: String,
    /// US dollars.
    pub limit: f64,
    /// Percentages of the limit that raise alerts, ascending.
    pub thresholds: Vec<i64>,
    /// Only calls with this `domain` count; `null` for all spend.
    pub domain: Option<String>,
    pub created_at: DateTime<Utc>,
    /// US dollars spent in the current period (from the first day of the period to today, UTC).
    pub spent: f64,
    /// `spent / limit × 100`.
    pub percent_used: f64,
    /// US dollars at the end of the period at the current period's run rate:
    /// `spent × (length of the period) / (time since the period began)`, from 00:00 UTC of its
    /// first day to now, the elapsed time counted as at least one minute.
    pub projected: f64,
    /// First UTC day of the current period.
    pub period_start: NaiveDate,
    /// Last UTC day of the current period.
    pub period_end: NaiveDate,
    /// The thresholds `spent` has reached this period, ascending.
    pub crossed: Vec<i64>,
    /// The webhook its alerts are POSTed to, if any.
    pub webhook_id: Option<i64>,
}

/// One alert: a budget's spend found at or over one of its thresholds in one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all = "camelCase")]
pub struct AlertView {
    pub id: i64,
    pub budget_id: i64,
    pub assistant_id: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = BudgetPeriod))]
    pub period: String,
    /// The budget's domain, if it counts one.
    pub domain: Option<String>,
    pub period_start: NaiveDate,
    /// The percentage of the limit that was reached (100 for alerts from before thresholds).
    pub threshold: i64,
    /// US dollars spent when the alert was raised.
    pub spent: f64,
    /// The limit then, US dollars.
    pub limit: f64,
    pub triggered_at: DateTime<Utc>,
    /// The webhook delivery, if the budget had a webhook when the alert was raised.
    pub delivery: Option<crate::webhooks::DeliveryView>,
}

/// How long a budget's spend accumulates (UTC days or calendar months); for the document only,
/// the field is a string.
#[derive(Debug)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(rename_all = "lowercase"))]
pub enum BudgetPeriod {
    Daily,
    Monthly,
}

/// The schema of a thresholds list (utoipa has no attribute for the bounds of array items).
#[cfg(feature = "openapi")]
fn thresholds_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(1000)),
        )
        .min_items(Some(1))
        .max_items(Some(10))
        .description(Some(
            "Percentages of the limit, each raising one alert per period",
        ))
        .build()
}

#[cfg(test)]
mod tests;
