//! `budget_alerts`: the history of budgets being exceeded, one row per budget, period and
//! threshold.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::postgres::schema::budget_alerts;

/// A stored alert.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = budget_alerts, check_for_backend(diesel::pg::Pg))]
pub struct BudgetAlert {
    pub id: i64,
    pub budget_id: i64,
    pub period_start: NaiveDate,
    pub spent_nanos: i64,
    pub limit_nanos: i64,
    pub triggered_at: DateTime<Utc>,
    /// The percentage of the limit that was reached.
    pub threshold: i32,
}
