//! Budgets: create, list (with each one's spend), change, delete, the alert history, and the
//! check the actors run after each batch (spend per budget from `day_rollups`, or from the
//! domain's `label_rollups` for a domain budget; an alert inserted once per budget, period and
//! threshold reached, the unique key deciding between hub nodes checking at the same time, and
//! its webhook delivery queued with it).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use hub::budget::{BudgetAlert as Alert, BudgetCheck, BudgetPeriod};

use crate::postgres::models::{Budget, BudgetAlert, BudgetChanges, NewBudget};
use crate::postgres::queries::deliveries;
use crate::postgres::schema::{budget_alerts, budgets};

/// The spend of budget `c` (columns `owner_id`, `assistant_id`, `domain`, `period_start`) from
/// its period's first day to `$2` (today, UTC), in nano-dollars: every day's cost of the
/// covered assistants, or for a domain budget their per-call cost with that domain.
const SPENT_NANOS: &str = "CASE WHEN c.domain IS NULL THEN
        (SELECT coalesce(sum(r.cost_nanos), 0)
         FROM day_rollups r JOIN assistants a ON a.id = r.assistant_id
         WHERE a.owner_id = c.owner_id
           AND (c.assistant_id IS NULL OR r.assistant_id = c.assistant_id)
           AND r.day BETWEEN c.period_start AND $2::date)
    ELSE
        (SELECT coalesce(sum(l.cost_nanos), 0)
         FROM label_rollups l JOIN assistants a ON a.id = l.assistant_id
         WHERE a.owner_id = c.owner_id
           AND (c.assistant_id IS NULL OR l.assistant_id = c.assistant_id)
           AND l.width_seconds = 86400 AND l.dimension = 'domain' AND l.label = c.domain
           AND l.bucket >= c.period_start::timestamp AT TIME ZONE 'UTC'
           AND l.bucket < ($2::date + 1)::timestamp AT TIME ZONE 'UTC')
    END::bigint";

/// The first day of budget `b`'s period holding `$2` (today, UTC).
const PERIOD_START: &str = "CASE b.period WHEN 'daily' THEN $2::date
                                   ELSE date_trunc('month', $2::date)::date END";

/// Inserts a budget.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewBudget<'_>) -> QueryResult<Budget> {
    diesel::insert_into(budgets::table)
        .values(new)
        .returning(Budget::as_returning())
        .get_result(conn)
        .await
}

/// How many budgets the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    budgets::table
        .filter(budgets::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

#[derive(QueryableByName)]
struct Spend {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    spent_nanos: i64,
}

/// The owner's budgets, oldest first, each with its spend in its period holding `today`.
pub async fn list_with_spend(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    today: NaiveDate,
) -> QueryResult<Vec<(Budget, i64)>> {
    let list: Vec<Budget> = budgets::table
        .filter(budgets::owner_id.eq(owner_id))
        .order(budgets::id)
        .select(Budget::as_select())
        .load(conn)
        .await?;
    let spend: Vec<Spend> = diesel::sql_query(format!(
        "WITH c AS (SELECT b.id, b.owner_id, b.assistant_id, b.domain, {PERIOD_START} AS period_start
                    FROM budgets b WHERE b.owner_id = $1)
         SELECT c.id, {SPENT_NANOS} AS spent_nanos FROM c"
    ))
    .bind::<BigInt, _>(owner_id)
    .bind::<Date, _>(today)
    .load(conn)
    .await?;
    Ok(list
        .into_iter()
        .map(|budget| {
            let spent = spend
                .iter()
                .find(|s| s.id == budget.id)
                .map_or(0, |s| s.spent_nanos);
            (budget, spent)
        })
        .collect())
}

/// Changes one of the owner's budgets; the budget after the change, `None` if it is not theirs.
pub async fn update(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    changes: &BudgetChanges,
) -> QueryResult<Option<Budget>> {
    let mine = budgets::table
        .filter(budgets::id.eq(id))
        .filter(budgets::owner_id.eq(owner_id));
    if changes.limit_nanos.is_none() && changes.thresholds.is_none() && changes.webhook_id.is_none()
    {
        // Nothing to set (diesel refuses an empty SET): the budget as it is.
        return mine
            .select(Budget::as_select())
            .first(conn)
            .await
            .optional();
    }
    diesel::update(mine)
        .set(changes)
        .returning(Budget::as_returning())
        .get_result(conn)
        .await
        .optional()
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

/// The alerts of the owner's budgets, newest first (the higher threshold first among alerts
/// raised together), at most `limit`.
pub async fn alerts_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    limit: i64,
) -> QueryResult<Vec<(BudgetAlert, Budget)>> {
    budget_alerts::table
        .inner_join(budgets::table)
        .filter(budgets::owner_id.eq(owner_id))
        .order((
            budget_alerts::triggered_at.desc(),
            budget_alerts::threshold.desc(),
            budget_alerts::id.desc(),
        ))
        .limit(limit)
        .select((BudgetAlert::as_select(), Budget::as_select()))
        .load(conn)
        .await
}

/// One budget covering an assistant after a check, once per threshold newly alerted (or once
/// with `threshold` NULL when none was).
#[derive(QueryableByName)]
struct Checked {
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
    #[diesel(sql_type = Nullable<Text>)]
    domain: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    webhook_id: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    threshold: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    alert_id: Option<i64>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    triggered_at: Option<DateTime<Utc>>,
}

/// Checks the budgets covering `assistant_id` (its own and its owner's user-wide ones) against
/// their spend in the current UTC day or month; inserts an alert for each threshold reached
/// that has none for this period yet, and returns those as new alerts. The alert of a budget
/// with a webhook gets its delivery queued in the same transaction (at most
/// `max_pending_deliveries` pending per webhook, see [`deliveries::enqueue`]).
///
/// One statement decides: two hub nodes checking at once both try to insert a reached
/// threshold, the unique key (budget, period start, threshold) lets exactly one of them, and the
/// other's `ON CONFLICT DO NOTHING` returns nothing (nor queues a delivery). Every check runs
/// after its batch committed, so the last check to start sees every batch committed before it:
/// no threshold is missed.
pub async fn check(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
    max_pending_deliveries: i64,
) -> QueryResult<BudgetCheck> {
    conn.transaction(async |conn| {
        let rows = checked(conn, assistant_id, now).await?;
        let over_budget = rows.iter().any(|r| r.spent_nanos >= r.limit_nanos);
        let mut new_alerts = Vec::new();
        for r in rows {
            let (Some(threshold), Some(alert_id)) = (r.threshold, r.alert_id) else {
                continue;
            };
            let alert = Alert {
                threshold,
                budget_id: r.id,
                assistant_id: r.assistant_id,
                period: BudgetPeriod::parse(&r.period).unwrap_or(BudgetPeriod::Daily),
                period_start: r.period_start,
                limit_nanos: r.limit_nanos,
                spent_nanos: r.spent_nanos,
            };
            if let Some(webhook_id) = r.webhook_id {
                let payload =
                    alert.webhook_payload(alert_id, r.triggered_at.unwrap_or(now), r.domain);
                let body = serde_json::to_string(&payload).unwrap_or_default();
                deliveries::enqueue(
                    conn,
                    webhook_id,
                    deliveries::AlertRef::Budget(alert_id),
                    &body,
                    max_pending_deliveries,
                )
                .await?;
            }
            new_alerts.push(alert);
        }
        Ok(BudgetCheck {
            over_budget,
            new_alerts,
        })
    })
    .await
}

/// The statement of [`check`]: every budget covering the assistant, with the alerts it inserted.
async fn checked(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Checked>> {
    diesel::sql_query(format!(
        "WITH c AS (
             SELECT b.id, b.assistant_id, b.period, b.limit_nanos, b.thresholds, b.domain,
                    b.owner_id, b.webhook_id, {PERIOD_START} AS period_start
             FROM budgets b JOIN assistants a ON a.owner_id = b.owner_id
             WHERE a.id = $1 AND (b.assistant_id IS NULL OR b.assistant_id = $1)
         ),
         spend AS (SELECT c.*, {SPENT_NANOS} AS spent_nanos FROM c),
         fired AS (
             INSERT INTO budget_alerts (budget_id, period_start, threshold, spent_nanos, limit_nanos)
             SELECT s.id, s.period_start, t.threshold, s.spent_nanos, s.limit_nanos
             FROM spend s CROSS JOIN LATERAL unnest(s.thresholds) AS t (threshold)
             WHERE s.spent_nanos::numeric * 100 >= s.limit_nanos::numeric * t.threshold
             -- The same order on every node, so two checks never wait on each other's rows.
             ORDER BY s.id, t.threshold
             ON CONFLICT (budget_id, period_start, threshold) DO NOTHING
             RETURNING id, budget_id, threshold, triggered_at
         )
         SELECT s.id, s.assistant_id, s.period, s.period_start, s.limit_nanos, s.spent_nanos,
                s.domain, s.webhook_id, f.threshold, f.id AS alert_id, f.triggered_at
         FROM spend s LEFT JOIN fired f ON f.budget_id = s.id
         ORDER BY s.id, f.threshold"
    ))
    .bind::<BigInt, _>(assistant_id)
    .bind::<Date, _>(now.date_naive())
    .load(conn)
    .await
}
