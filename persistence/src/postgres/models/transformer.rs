//! `transformers`: versioned jq programs, one active per template and endpoint (and source, for
//! the generic template).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::postgres::schema::transformers;

/// A stored transformer.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = transformers, check_for_backend(diesel::pg::Pg))]
pub struct Transformer {
    pub id: i64,
    pub template_id: String,
    pub endpoint: String,
    pub source_id: Option<i64>,
    pub version: i32,
    pub program: String,
    pub origin: String,
    pub status: String,
    pub failure_count: i32,
    pub input_example: Option<Value>,
    pub output_example: Option<Value>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new version to store (the version number is chosen by the query).
#[derive(Debug, Clone)]
pub struct NewTransformer<'a> {
    pub template_id: &'a str,
    pub endpoint: &'a str,
    pub source_id: Option<i64>,
    pub program: &'a str,
    pub origin: &'a str,
    pub input_example: Option<Value>,
    pub output_example: Option<Value>,
    pub created_by: Option<i64>,
}
