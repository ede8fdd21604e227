//! `alert_rules`: error-rate and latency p95 rules over one assistant or all of a user's.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::alert_rules;

/// A stored rule. `assistant_id` is `None` for a rule over all the owner's assistants.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = alert_rules, check_for_backend(diesel::pg::Pg))]
pub struct AlertRule {
    pub id: i64,
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    /// `error_rate` or `latency_p95`.
    pub metric: String,
    pub threshold: f64,
    pub window_minutes: i32,
    pub min_calls: i32,
    pub webhook_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A rule to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = alert_rules)]
pub struct NewAlertRule<'a> {
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    pub metric: &'a str,
    pub threshold: f64,
    pub window_minutes: i32,
    pub min_calls: i32,
    pub webhook_id: Option<i64>,
}

/// What a change sets (`None` fields are left as they are; `webhook_id: Some(None)` clears it).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = alert_rules)]
pub struct AlertRuleChanges {
    pub threshold: Option<f64>,
    pub window_minutes: Option<i32>,
    pub min_calls: Option<i32>,
    pub webhook_id: Option<Option<i64>>,
}

impl AlertRuleChanges {
    /// Whether it sets nothing (diesel refuses an empty SET).
    pub fn is_empty(&self) -> bool {
        self.threshold.is_none()
            && self.window_minutes.is_none()
            && self.min_calls.is_none()
            && self.webhook_id.is_none()
    }
}
