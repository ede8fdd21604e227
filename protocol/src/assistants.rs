//! Assistants and their ingestion keys: what is posted to create them and what the API shows.
//! The limits in the field docs are the hub's, written out for the OpenAPI document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A new assistant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateAssistant {
    /// Unique among the owner's assistants, 1 to 100 characters (trimmed), no control
    /// characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Support bot",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub name: String,
    /// The model family the assistant runs on, 1 to 100 characters (trimmed), no control
    /// characters.
    #[serde(alias = "model_type")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "gpt-4o",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub model_type: String,
}

/// An assistant as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssistantResponse {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub model_type: String,
    pub created_at: DateTime<Utc>,
}

/// A key to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// What the key is for, 1 to 100 characters (trimmed), no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "production agents",
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"
        )
    )]
    pub name: String,
}

/// A key as listed (the secret itself is never shown again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyResponse {
    pub id: i64,
    pub assistant_id: i64,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A newly created key, with the secret: shown this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedKey {
    #[serde(flatten)]
    pub listed: KeyResponse,
    /// Send as `X-Api-Key` (or `?apiKey=` on WebSockets). Store it now: it cannot be shown again.
    pub key: String,
}

/// A change to an assistant: any of its fields (absent: unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateAssistant {
    /// Unique among the owner's assistants, 1 to 100 characters (trimmed), no control
    /// characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Support bot", min_length = 1, max_length = 100)
    )]
    pub name: Option<String>,
    /// 1 to 100 characters (trimmed), no control characters.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "model_type")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "gpt-4o", min_length = 1, max_length = 100)
    )]
    pub model_type: Option<String>,
}

/// What deleting an assistant removes with it (`GET /assistants/{id}/deletion`), so a client
/// can say so before asking for confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssistantDeletion {
    pub assistant_id: i64,
    pub name: String,
    /// Raw samples (calls and daily records) still stored.
    pub samples: i64,
    /// Calls recorded over the assistant's life (its rollups, which go too).
    pub calls: i64,
    /// Days with usage.
    pub days: i64,
    /// Ingestion keys (they stop working).
    pub keys: i64,
    /// Budgets on this assistant, and their alerts.
    pub budgets: i64,
    pub alerts: i64,
}
