//! Error-rate and latency alert rules: create, list (with whether each is firing), change,
//! delete, the firing history, and the evaluation the actors run after each batch.
//!
//! Evaluation reads the window from `time_rollups` (minute buckets: calls and errors) for
//! `error_rate` and from the raw `usage_samples` (their latencies; the rollups keep latency
//! histograms by hour only) for `latency_p95`, both from the start of the window's first minute.
//! A firing is inserted `ON CONFLICT (rule_id) WHERE resolved_at IS NULL DO NOTHING`: one open
//! firing per rule, whichever node evaluates first; its webhook delivery is queued in the same
//! transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use hub::alert_rules::{self, FiringContext, Metric, Observation, RuleAlert as Firing, Verdict};

use crate::postgres::models::{AlertRule, AlertRuleChanges, NewAlertRule, RuleAlert};
use crate::postgres::queries::deliveries;
use crate::postgres::schema::{alert_rules as rules, rule_alerts};

/// Inserts a rule.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewAlertRule<'_>,
) -> QueryResult<AlertRule> {
    diesel::insert_into(rules::table)
        .values(new)
        .returning(AlertRule::as_returning())
        .get_result(conn)
        .await
}

/// How many rules the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    rules::table
        .filter(rules::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

/// The owner's rules, oldest first, each with whether it has an open firing.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<(AlertRule, bool)>> {
    let list: Vec<AlertRule> = rules::table
        .filter(rules::owner_id.eq(owner_id))
        .order(rules::id)
        .select(AlertRule::as_select())
        .load(conn)
        .await?;
    let firing = open_firings(conn, list.iter().map(|r| r.id).collect()).await?;
    Ok(list
        .into_iter()
        .map(|r| {
            let open = firing.contains(&r.id);
            (r, open)
        })
        .collect())
}

/// Which of these rules have an open firing.
pub async fn open_firings(conn: &mut AsyncPgConnection, ids: Vec<i64>) -> QueryResult<Vec<i64>> {
    rule_alerts::table
        .filter(rule_alerts::rule_id.eq_any(ids))
        .filter(rule_alerts::resolved_at.is_null())
        .select(rule_alerts::rule_id)
        .load(conn)
        .await
}

/// One of the owner's rules, if it is theirs.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> QueryResult<Option<AlertRule>> {
    rules::table
        .filter(rules::id.eq(id))
        .filter(rules::owner_id.eq(owner_id))
        .select(AlertRule::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes one of the owner's rules; the rule after, `None` if it is not theirs.
pub async fn update(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    changes: &AlertRuleChanges,
) -> QueryResult<Option<AlertRule>> {
    if changes.is_empty() {
        return find_owned(conn, owner_id, id).await;
    }
    diesel::update(
        rules::table
            .filter(rules::id.eq(id))
            .filter(rules::owner_id.eq(owner_id)),
    )
    .set(changes)
    .returning(AlertRule::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes one of the owner's rules with its firings; whether it existed.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(
        rules::table
            .filter(rules::id.eq(id))
            .filter(rules::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}

/// The firings of the owner's rules, newest first, at most `limit`.
pub async fn alerts_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    limit: i64,
) -> QueryResult<Vec<RuleAlert>> {
    rule_alerts::table
        .inner_join(rules::table)
        .filter(rules::owner_id.eq(owner_id))
        .order((rule_alerts::triggered_at.desc(), rule_alerts::id.desc()))
        .limit(limit)
        .select(RuleAlert::as_select())
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = Nullable<Double>)]
    p95_ms: Option<f64>,
}

/// What the window of `rule` holds from `since` on.
async fn observe(
    conn: &mut AsyncPgConnection,
    rule: &AlertRule,
    metric: Metric,
    since: DateTime<Utc>,
) -> QueryResult<Observation> {
    let covered = "a.owner_id = $1 AND ($2::bigint IS NULL OR a.id = $2)";
    let sql = match metric {
        Metric::ErrorRate => format!(
            "SELECT coalesce(sum(t.calls), 0)::bigint AS calls,
                    coalesce(sum(t.errors), 0)::bigint AS errors, NULL::float8 AS p95_ms
             FROM time_rollups t JOIN assistants a ON a.id = t.assistant_id
             WHERE {covered} AND t.width_seconds = 60 AND t.bucket >= $3"
        ),
        Metric::LatencyP95 => format!(
            "SELECT count(s.latency_ms) AS calls, 0::bigint AS errors,
                    (percentile_disc(0.95) WITHIN GROUP (ORDER BY s.latency_ms))::float8 AS p95_ms
             FROM usage_samples s JOIN assistants a ON a.id = s.assistant_id
             WHERE {covered} AND s.ts >= $3 AND s.latency_ms IS NOT NULL"
        ),
    };
    let counted: Counted = diesel::sql_query(sql)
        .bind::<BigInt, _>(rule.owner_id)
        .bind::<Nullable<BigInt>, _>(rule.assistant_id)
        .bind::<Timestamptz, _>(since)
        .get_result(conn)
        .await?;
    Ok(Observation {
        calls: counted.calls,
        errors: counted.errors,
        p95_ms: counted.p95_ms,
    })
}

#[derive(QueryableByName)]
struct Raised {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Timestamptz)]
    triggered_at: DateTime<Utc>,
}

/// Evaluates the rules covering `assistant_id` (its own and its owner's user-wide ones) as of
/// `now`: raises a firing for each rule above its threshold without an open one (and none
/// raised within its window before: a cool-down against flapping), resolves the open firing of
/// each rule at or under it; returns the firings raised. A rule with fewer than `min_calls`
/// calls in its window keeps its state.
pub async fn check(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
    max_pending_deliveries: i64,
) -> QueryResult<Vec<Firing>> {
    let covering: Vec<AlertRule> = rules::table
        .inner_join(
            crate::postgres::schema::assistants::table
                .on(crate::postgres::schema::assistants::owner_id.eq(rules::owner_id)),
        )
        .filter(crate::postgres::schema::assistants::id.eq(assistant_id))
        .filter(
            rules::assistant_id
                .is_null()
                .or(rules::assistant_id.eq(assistant_id)),
        )
        .order(rules::id)
        .select(AlertRule::as_select())
        .load(conn)
        .await?;
    let mut raised = Vec::new();
    for rule in covering {
        let Ok(metric) = Metric::parse(&rule.metric) else {
            continue;
        };
        let since = alert_rules::window_start(now, rule.window_minutes);
        let seen = observe(conn, &rule, metric, since).await?;
        match alert_rules::judge(metric, rule.threshold, rule.min_calls, &seen) {
            Verdict::Firing { value } => {
                let context = FiringContext {
                    rule_assistant_id: rule.assistant_id,
                    observed_assistant_id: assistant_id,
                    window_start: since,
                };
                let firing = raise(conn, &rule, metric, value, seen.calls, &context, now);
                if let Some(firing) = firing.await? {
                    queue_delivery(conn, &rule, &firing, &context, max_pending_deliveries).await?;
                    raised.push(firing);
                }
            }
            Verdict::Clear { value } => resolve(conn, rule.id, value, now).await?,
            Verdict::TooFewCalls => {}
        }
    }
    Ok(raised)
}

/// Inserts a firing of `rule` unless one is open or one was raised within its window; with its
/// delivery queued by the caller in the same transaction.
async fn raise(
    conn: &mut AsyncPgConnection,
    rule: &AlertRule,
    metric: Metric,
    value: f64,
    calls: i64,
    context: &FiringContext,
    now: DateTime<Utc>,
) -> QueryResult<Option<Firing>> {
    let row: Option<Raised> = diesel::sql_query(
        "INSERT INTO rule_alerts (rule_id, assistant_id, metric, threshold, window_minutes,
                                  value, calls, window_start, triggered_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE NOT EXISTS (SELECT 1 FROM rule_alerts
                           WHERE rule_id = $1 AND triggered_at > $9 - make_interval(mins => $5))
         ON CONFLICT (rule_id) WHERE resolved_at IS NULL DO NOTHING
         RETURNING id, triggered_at",
    )
    .bind::<BigInt, _>(rule.id)
    .bind::<BigInt, _>(context.observed_assistant_id)
    .bind::<Text, _>(metric.as_str())
    .bind::<Double, _>(rule.threshold)
    .bind::<Integer, _>(rule.window_minutes)
    .bind::<Double, _>(value)
    .bind::<BigInt, _>(calls)
    .bind::<Timestamptz, _>(context.window_start)
    .bind::<Timestamptz, _>(now)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| Firing {
        alert_id: r.id,
        rule_id: rule.id,
        metric,
        threshold: rule.threshold,
        value,
        calls,
        window_minutes: rule.window_minutes,
        triggered_at: r.triggered_at,
    }))
}

async fn queue_delivery(
    conn: &mut AsyncPgConnection,
    rule: &AlertRule,
    firing: &Firing,
    context: &FiringContext,
    max_pending: i64,
) -> QueryResult<()> {
    let Some(webhook_id) = rule.webhook_id else {
        return Ok(());
    };
    let body = serde_json::to_string(&firing.webhook_payload(context)).unwrap_or_default();
    let alert = deliveries::AlertRef::Rule(firing.alert_id);
    deliveries::enqueue(conn, webhook_id, alert, &body, max_pending).await?;
    Ok(())
}

/// Resolves the open firing of rule `id`, if any.
async fn resolve(
    conn: &mut AsyncPgConnection,
    id: i64,
    value: f64,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(
        rule_alerts::table
            .filter(rule_alerts::rule_id.eq(id))
            .filter(rule_alerts::resolved_at.is_null()),
    )
    .set((
        rule_alerts::resolved_at.eq(Some(now)),
        rule_alerts::resolved_value.eq(Some(value)),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// [`check`] in one transaction, so a firing is never stored without its delivery.
pub async fn check_in_transaction(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
    max_pending_deliveries: i64,
) -> QueryResult<Vec<Firing>> {
    conn.transaction(async |conn| check(conn, assistant_id, now, max_pending_deliveries).await)
        .await
}
