//! Administration: the users list with what each owns and spent, changing a user's role or
//! disabled state, the storage per table and the retention cleanup. Every endpoint behind
//! these is for administrators only (`/api/v1/admin/...`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One user as administrators see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUser {
    pub id: i64,
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
    /// `user` or `admin`.
    pub role: String,
    pub created_at: DateTime<Utc>,
    /// Whether the account is disabled (no login, tokens and keys refused).
    pub disabled: bool,
    /// When it was disabled, if it is.
    #[serde(default)]
    pub disabled_at: Option<DateTime<Utc>>,
    /// Assistants the user owns.
    pub assistants: i64,
    /// Calls of all their assistants, all time (from the day rollups).
    pub calls: i64,
    /// Spend of all their assistants, all time, US dollars.
    pub spend: f64,
}

/// One page of the users list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AdminUsersPage {
    pub users: Vec<AdminUser>,
    /// Users matching the search in all.
    pub total: i64,
    /// Where this page starts (0-based) and how many it holds at most.
    pub offset: i64,
    pub limit: i64,
}

/// A change to a user: a role, the disabled state, or both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUser {
    /// `user` or `admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "admin"))]
    pub role: Option<String>,
    /// `true` disables the account at once; `false` enables it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// One table's storage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TableStorage {
    pub table: String,
    /// Rows: exact when `rowsExact`, else PostgreSQL's estimate (tables of 64 MiB and more).
    pub rows: i64,
    pub rows_exact: bool,
    /// Bytes on disk, indexes included.
    pub bytes: i64,
}

/// The retention periods in force (`0`: kept forever).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RetentionPeriods {
    /// Raw samples (runs, exports) are kept this many days.
    pub raw_sample_days: u32,
    /// Minute rollups are kept this many days; hour and day rollups are kept forever.
    pub minute_rollup_days: u32,
}

/// Storage per table and the retention in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    /// Largest first.
    pub tables: Vec<TableStorage>,
    pub retention: RetentionPeriods,
    /// Whether TimescaleDB is installed (then raw samples go by whole chunks, and a native
    /// retention policy drops them too).
    pub timescaledb: bool,
}

/// What one cleanup removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CleanupReport {
    /// Raw samples deleted (on TimescaleDB: chunks dropped); none when they are kept forever.
    pub raw_samples_dropped: i64,
    /// Minute rollup rows deleted.
    pub minute_rollups_dropped: i64,
    /// Samples stamped before this were dropped (absent: raw samples are kept forever).
    #[serde(default)]
    pub raw_cutoff: Option<DateTime<Utc>>,
    /// Minute rollups of buckets before this were dropped (absent: kept forever).
    #[serde(default)]
    pub minute_cutoff: Option<DateTime<Utc>>,
    /// Whether TimescaleDB dropped raw samples by chunk (only chunks wholly before the cutoff).
    pub timescaledb: bool,
}
