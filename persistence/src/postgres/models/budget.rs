//! `budgets`: spending limits per user (all assistants) or per assistant, daily or monthly,
//! optionally over one domain, with the percentages of the limit that raise alerts.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::budgets;

/// A stored budget. `assistant_id` is `None` for a budget over all the owner's assistants.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = budgets, check_for_backend(diesel::pg::Pg))]
pub struct Budget {
    pub id: i64,
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    /// `daily` or `monthly`.
    pub period: String,
    pub limit_nanos: i64,
    pub created_at: DateTime<Utc>,
    /// Percentages of the limit, ascending, without repeats (a CHECK keeps out NULLs; the
    /// array type of PostgreSQL still allows them, hence `Option`).
    pub thresholds: Vec<Option<i32>>,
    /// Only the spend of calls sent with this `domain`; `None` for all of it.
    pub domain: Option<String>,
    /// The webhook its alerts are POSTed to.
    pub webhook_id: Option<i64>,
}

impl Budget {
    /// The thresholds as numbers.
    pub fn threshold_values(&self) -> Vec<i32> {
        self.thresholds.iter().flatten().copied().collect()
    }
}

/// A budget to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = budgets)]
pub struct NewBudget<'a> {
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    pub period: &'a str,
    pub limit_nanos: i64,
    pub thresholds: Vec<i32>,
    pub domain: Option<&'a str>,
    pub webhook_id: Option<i64>,
}

/// What a change sets (`None` fields are left as they are).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = budgets)]
pub struct BudgetChanges {
    pub limit_nanos: Option<i64>,
    pub thresholds: Option<Vec<i32>>,
    /// `Some(None)` removes the webhook.
    pub webhook_id: Option<Option<i64>>,
}
