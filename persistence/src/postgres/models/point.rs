//! `points`: every source's history, one row per source and time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::postgres::schema::points;

/// A stored point (and what an insert takes).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = points, check_for_backend(diesel::pg::Pg))]
pub struct Point {
    pub source_id: i64,
    pub ts: DateTime<Utc>,
    pub value: f64,
    /// A JSON object.
    pub dimensions: Value,
}
