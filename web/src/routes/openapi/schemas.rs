//! Value sets of the API as OpenAPI enums and patterns, for fields the handlers receive as plain
//! strings (their parsing stays in `hub`): the document then says exactly which values pass.
//!
//! The numeric limits in the route annotations are literals (utoipa accepts nothing else);
//! `tests/api/openapi.rs` checks them against the constants the validators use.

use utoipa::ToSchema;

/// A text the server trims and then requires to be non-empty, without control characters.
pub const NAME_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*[^\s\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*$";

/// Status of one call (declared with the event it belongs to).
pub use protocol::ingest::CallStatus;

/// How long a budget's spend accumulates (declared with the budget types).
pub use protocol::budgets::BudgetPeriod;

/// The preset of a dashboard.
#[derive(Debug, ToSchema)]
pub enum DashboardRange {
    /// The last 24 hours, hourly buckets.
    #[schema(rename = "24h")]
    Hours24,
    /// The last 7 days, daily buckets.
    #[schema(rename = "7d")]
    Days7,
    /// The last 30 days.
    #[schema(rename = "1m")]
    Month1,
    /// The last 90 days.
    #[schema(rename = "3m")]
    Months3,
    /// `start` to `end` (both required).
    #[schema(rename = "custom")]
    Custom,
}

/// A UTC day the server accepts: `YYYY-MM-DD` from 2000-01-01 (the floor of every range) to
/// 9999-12-31 (with `format: date`, which rules out impossible days).
pub const DATE_PATTERN: &str = r"^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$";

/// A text the server takes as sent and requires to be without control characters.
pub const TEXT_PATTERN: &str = r"^[^\u0000-\u001f\u007f-\u009f]*$";

/// Whether the hub can serve requests.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ReadinessStatus {
    Ready,
    Unavailable,
}

/// Whether a dependency answers.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ServiceState {
    Up,
    Down,
}
