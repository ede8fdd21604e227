//! `widgets`: a user's chart of a source.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::postgres::schema::widgets;

/// A stored widget.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = widgets, check_for_backend(diesel::pg::Pg))]
pub struct Widget {
    pub id: i64,
    pub owner_id: i64,
    pub source_id: i64,
    pub title: String,
    pub chart_type: String,
    pub date_range: String,
    pub aggregation: String,
    pub bucket: String,
    /// A JSON array of dimension keys.
    pub dimensions: Value,
    pub position: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A widget to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = widgets)]
pub struct NewWidget<'a> {
    pub owner_id: i64,
    pub source_id: i64,
    pub title: &'a str,
    pub chart_type: &'a str,
    pub date_range: &'a str,
    pub aggregation: &'a str,
    pub bucket: &'a str,
    pub dimensions: Value,
    pub position: i32,
}

/// What a change sets (`None` fields are left as they are).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = widgets)]
pub struct WidgetChanges {
    pub title: Option<String>,
    pub chart_type: Option<String>,
    pub date_range: Option<String>,
    pub aggregation: Option<String>,
    pub bucket: Option<String>,
    pub dimensions: Option<Value>,
    pub position: Option<i32>,
    pub updated_at: Option<DateTime<Utc>>,
}
