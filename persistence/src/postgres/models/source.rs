//! `sources`: a user's instance of a template, with its schedule and its last poll's outcome.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::postgres::schema::sources;

/// A stored source.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = sources, check_for_backend(diesel::pg::Pg))]
pub struct Source {
    pub id: i64,
    pub owner_id: i64,
    pub template_id: String,
    pub name: String,
    /// A JSON object of strings, by parameter name.
    pub parameters: Value,
    pub connection_id: Option<i64>,
    pub frequency: String,
    pub is_time_series: bool,
    pub next_poll_at: Option<DateTime<Utc>>,
    pub lease_until: Option<DateTime<Utc>>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub consecutive_failures: i32,
    pub backfilled_at: Option<DateTime<Utc>>,
    pub sample: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A source to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = sources)]
pub struct NewSource<'a> {
    pub owner_id: i64,
    pub template_id: &'a str,
    pub name: &'a str,
    pub parameters: Value,
    pub connection_id: Option<i64>,
    pub frequency: &'a str,
    pub is_time_series: bool,
    pub next_poll_at: Option<DateTime<Utc>>,
}

/// What a user's change sets (`None` fields are left as they are).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = sources)]
pub struct SourceChanges {
    pub name: Option<String>,
    pub frequency: Option<String>,
    pub connection_id: Option<Option<i64>>,
    pub next_poll_at: Option<Option<DateTime<Utc>>>,
    pub updated_at: Option<DateTime<Utc>>,
}
