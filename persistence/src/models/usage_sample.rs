//! `usage_samples`: every ingested item, a single call or a daily record, as it arrived.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::usage_samples;

/// A sample to insert. Costs are nano-dollars and durations milliseconds (see `hub::units`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = usage_samples)]
pub struct NewUsageSample {
    pub assistant_id: i64,
    pub ts: DateTime<Utc>,
    /// `call` or `daily`.
    pub kind: &'static str,
    pub calls: i64,
    pub errors: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub model: Option<String>,
    pub status: Option<String>,
    pub status_code: Option<i16>,
    pub latency_ms: Option<i32>,
    pub country: Option<String>,
    pub domain: Option<String>,
    pub metadata: Option<serde_json::Value>,
    pub client_id: Option<String>,
}

impl NewUsageSample {
    /// The sample kind of a pre-aggregated daily record.
    pub const DAILY: &'static str = "daily";
    /// The sample kind of a single call.
    pub const CALL: &'static str = "call";
}
