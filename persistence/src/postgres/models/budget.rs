//! `budgets`: spending limits per user (all assistants) or per assistant, daily or monthly.

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
}

/// A budget to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = budgets)]
pub struct NewBudget<'a> {
    pub owner_id: i64,
    pub assistant_id: Option<i64>,
    pub period: &'a str,
    pub limit_nanos: i64,
}
