//! The price table as `GET /prices` lists it: what each model costs per million tokens from a
//! moment on, and a user's overrides (`GET /prices/overrides`: custom contracts, which price
//! that user's assistants' calls ahead of the table). The hub prices token-only events with
//! them; the `/prices` page shows them and adds versions.

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
    /// US dollars per million input tokens read from the prompt cache (`null`: billed at the
    /// input price).
    #[serde(default)]
    pub cache_read_per_mtok: Option<f64>,
    /// Set on a user's override: whose it is (absent on the shared table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<i64>,
}
