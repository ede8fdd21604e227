//! `rule_alerts`: the firings of alert rules, each open until an evaluation resolves it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::rule_alerts;

/// A stored firing; `threshold`, `window_minutes` and `metric` are the rule's when it fired.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = rule_alerts, check_for_backend(diesel::pg::Pg))]
pub struct RuleAlert {
    pub id: i64,
    pub rule_id: i64,
    pub assistant_id: i64,
    pub metric: String,
    pub threshold: f64,
    pub window_minutes: i32,
    pub value: f64,
    pub calls: i64,
    pub window_start: DateTime<Utc>,
    pub triggered_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_value: Option<f64>,
}
