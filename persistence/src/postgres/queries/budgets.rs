//! Budgets: create, list, delete, the alert history, and the check the actors run after each
//! batch (spend per budget from `day_rollups`, new alerts inserted once per budget and period).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::budget::{BudgetAlert as Alert, BudgetCheck, BudgetPeriod};

use crate::postgres::models::{Budget, BudgetAlert, NewBudget};
use crate::postgres::schema::{budget_alerts, budgets};

/// Inserts a budget.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewBudget<'_>) -> QueryResult<Budget> {
    diesel::insert_into(budgets::table)
        .values(new)
        .returning(Budget::as_returning())
        .get_result(conn)
        .await
}

/// The owner's budgets, oldest first.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<Budget>> {
    budgets::table
        .filter(budgets::owner_id.eq(owner_id))
        .order(budgets::id)
        .select(Budget::as_select())
        .load(conn)
        .await
}

/// Deletes one of the owner's budgets (and its alerts); whether it existed.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(
        budgets::table
            .filter(budgets::id.eq(id))
            .filter(budgets::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}

/// The alerts of the owner's budgets, newest first, at most `limit`.
pub async fn alerts_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    limit: i64,
) -> QueryResult<Vec<(BudgetAlert, Budget)>> {
    budget_alerts::table
        .inner_join(budgets::table)
        .filter(budgets::owner_id.eq(owner_id))
        .order((budget_alerts::triggered_at.desc(), budget_alerts::id.desc()))
        .limit(limit)
        .select((BudgetAlert::as_select(), Budget::as_select()))
        .load(conn)
        .await
}

/// Current spend of every budget covering an assistant.
#[derive(QueryableByName)]
struct BudgetSpend {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    assistant_id: Option<i64>,
    #[diesel(sql_type = Text)]
    period: String,
    #[diesel(sql_type = Date)]
    period_start: NaiveDate,
    #[diesel(sql_type = BigInt)]
    limit_nanos: i64,
    #[diesel(sql_type = BigInt)]
    spent_nanos: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    alerted_at: Option<DateTime<Utc>>,
}

/// Checks the budgets covering `assistant_id` (its own and its owner's user-wide ones) against
/// their spend in the current UTC day or month; inserts an alert for each one at or over its
/// limit that has none for this period yet, and returns those as new alerts.
pub async fn check(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<BudgetCheck> {
    let rows: Vec<BudgetSpend> = diesel::sql_query(
        "WITH covering AS (
             SELECT b.id, b.assistant_id, b.period, b.limit_nanos, a.owner_id,
                    CASE b.period WHEN 'daily' THEN $2::date
                                  ELSE date_trunc('month', $2::date)::date END AS period_start
             FROM budgets b JOIN assistants a ON a.owner_id = b.owner_id
             WHERE a.id = $1 AND (b.assistant_id IS NULL OR b.assistant_id = $1)
         ),
         spend AS (
             SELECT c.*, (SELECT coalesce(sum(r.cost_nanos), 0)
                          FROM day_rollups r JOIN assistants a ON a.id = r.assistant_id
                          WHERE a.owner_id = c.owner_id
                            AND (c.assistant_id IS NULL OR r.assistant_id = c.assistant_id)
                            AND r.day BETWEEN c.period_start AND $2::date)::bigint AS spent_nanos
             FROM covering c
         ),
         fired AS (
             INSERT INTO budget_alerts (budget_id, period_start, spent_nanos, limit_nanos)
             SELECT id, period_start, spent_nanos, limit_nanos FROM spend
             WHERE spent_nanos >= limit_nanos
             ON CONFLICT (budget_id, period_start) DO NOTHING
             RETURNING budget_id, triggered_at
         )
         SELECT s.id, s.assistant_id, s.period, s.period_start, s.limit_nanos, s.spent_nanos,
                f.triggered_at AS alerted_at
         FROM spend s LEFT JOIN fired f ON f.budget_id = s.id
         ORDER BY s.id",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(now.date_naive())
    .load(conn)
    .await?;
    let over_budget = rows.iter().any(|r| r.spent_nanos >= r.limit_nanos);
    let new_alerts = rows
        .into_iter()
        .filter(|r| r.alerted_at.is_some())
        .map(|r| Alert {
            budget_id: r.id,
            assistant_id: r.assistant_id,
            period: BudgetPeriod::parse(&r.period).unwrap_or(BudgetPeriod::Daily),
            period_start: r.period_start,
            limit_nanos: r.limit_nanos,
            spent_nanos: r.spent_nanos,
        })
        .collect();
    Ok(BudgetCheck {
        over_budget,
        new_alerts,
    })
}
