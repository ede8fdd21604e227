//! The price table as `GET /prices` lists it: what each model costs per million tokens from a
//! moment on. The hub prices token-only events with it; the dashboard shows the prices in force.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One price of one model, in force from `effective_from` until the model's next price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PriceView {
    pub id: i64,
    pub model: String,
    pub effective_from: DateTime<Utc>,
    /// US dollars per million input tokens.
    pub input_per_mtok: f64,
    /// US dollars per million output tokens.
    pub output_per_mtok: f64,
}
