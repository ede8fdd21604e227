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

/// A price version to add (`POST /prices` to the table, `POST /prices/overrides` as an
/// override). Limits are the hub's (`web::routes::prices`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddPrice {
    /// 1 to 100 characters (trimmed), no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "gpt-4o",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub model: String,
    /// When this version takes effect (default: now), from 2000-01-01 to 9999-12-31. Earlier
    /// calls keep earlier prices.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[2-9][0-9]{3}-"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<DateTime<Utc>>,
    /// US dollars per million input tokens, `0..=10000`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 2.5, minimum = 0, maximum = 10_000)
    )]
    pub input_per_mtok: f64,
    /// US dollars per million output tokens, `0..=10000`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 10.0, minimum = 0, maximum = 10_000)
    )]
    pub output_per_mtok: f64,
    /// US dollars per million input tokens read from the prompt cache, `0..=10000`. Absent:
    /// cache reads are billed at the input price (they are part of `tokensIn`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = 1.25, minimum = 0, maximum = 10_000)
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read_per_mtok: Option<f64>,
}
