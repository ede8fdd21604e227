//! `day_rollups`: per-assistant totals of one UTC day, kept up to date by additive upserts.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::schema::day_rollups;

/// One assistant's totals for one day.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = day_rollups, check_for_backend(diesel::pg::Pg))]
pub struct DayRollup {
    pub assistant_id: i64,
    pub day: NaiveDate,
    pub samples: i64,
    pub calls: i64,
    pub errors: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
}
