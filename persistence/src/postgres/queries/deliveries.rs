//! The webhook delivery queue: deliveries are inserted in the transaction that raised their
//! alert ([`enqueue`]), claimed by one node at a time with a lease ([`claim`]: `FOR UPDATE SKIP
//! LOCKED`, so nodes polling at once take different rows and a node that dies mid-attempt lets
//! the lease run out), and settled after each attempt ([`settle`]).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{Delivery, DeliveryState};
use crate::postgres::schema::webhook_deliveries;

/// The alert a delivery carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertRef {
    Budget(i64),
    Rule(i64),
}

#[derive(QueryableByName)]
struct Enqueued {
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Nullable<Text>)]
    last_error: Option<String>,
}

/// Queues `payload` (the exact body to POST) for `webhook_id`, unless the webhook already has
/// `max_pending` pending deliveries: then the row is stored as `dropped` with the reason, so the
/// alert's history says why nothing was sent, and a warning is logged. Returns the state stored
/// (`None` if the alert already had a delivery). Call it in the alert's transaction.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    webhook_id: i64,
    alert: AlertRef,
    payload: &str,
    max_pending: i64,
) -> QueryResult<Option<DeliveryState>> {
    let (budget_alert, rule_alert) = match alert {
        AlertRef::Budget(id) => (Some(id), None),
        AlertRef::Rule(id) => (None, Some(id)),
    };
    let row: Option<Enqueued> = diesel::sql_query(
        "INSERT INTO webhook_deliveries
             (webhook_id, budget_alert_id, rule_alert_id, payload, state, next_attempt_at, last_error)
         SELECT $1, $2, $3, $4,
                CASE WHEN q.n >= $5 THEN 'dropped' ELSE 'pending' END,
                CASE WHEN q.n >= $5 THEN NULL ELSE now() END,
                CASE WHEN q.n >= $5 THEN 'not queued: the webhook already has ' || q.n
                                         || ' pending deliveries (the limit)' END
         FROM (SELECT count(*) AS n FROM webhook_deliveries
               WHERE webhook_id = $1 AND state = 'pending') q
         ON CONFLICT DO NOTHING
         RETURNING state, last_error",
    )
    .bind::<BigInt, _>(webhook_id)
    .bind::<Nullable<BigInt>, _>(budget_alert)
    .bind::<Nullable<BigInt>, _>(rule_alert)
    .bind::<Text, _>(payload)
    .bind::<BigInt, _>(max_pending)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|r| {
        if r.state == DeliveryState::Dropped.as_str() {
            tracing::warn!(
                webhook_id,
                max_pending,
                ?alert,
                reason = r.last_error.as_deref().unwrap_or_default(),
                "webhook delivery dropped"
            );
            DeliveryState::Dropped
        } else {
            DeliveryState::Pending
        }
    }))
}

/// A delivery claimed for one attempt.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub webhook_id: i64,
    /// Including this one.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub secret: String,
}

/// Claims up to `limit` due deliveries for one attempt each, leased to this node until
/// `lease_until` (others skip them meanwhile); counts the attempt.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_until: DateTime<Utc>,
) -> QueryResult<Vec<Claimed>> {
    diesel::sql_query(
        "WITH due AS (
             SELECT id FROM webhook_deliveries
             WHERE state = 'pending' AND next_attempt_at <= now()
               AND (lease_until IS NULL OR lease_until < now())
             ORDER BY next_attempt_at, id
             LIMIT $1
             FOR UPDATE SKIP LOCKED
         )
         UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1, lease_until = $2, updated_at = now()
         FROM due, webhooks w
         WHERE d.id = due.id AND w.id = d.webhook_id
         RETURNING d.id, d.webhook_id, d.attempts, d.payload, w.url, w.secret",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Timestamptz, _>(lease_until)
    .load(conn)
    .await
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered { status: i32 },
    /// Try again at `next_attempt_at`.
    Retry {
        status: Option<i32>,
        error: String,
        next_attempt_at: DateTime<Utc>,
    },
    /// The last attempt failed.
    Failed { status: Option<i32>, error: String },
}

/// Records how the attempt on claimed delivery `id` ended and releases its lease.
pub async fn settle(conn: &mut AsyncPgConnection, id: i64, outcome: &Outcome) -> QueryResult<()> {
    use webhook_deliveries::dsl as d;
    let now = Utc::now();
    let target = webhook_deliveries::table.filter(d::id.eq(id));
    let lease = d::lease_until.eq(None::<DateTime<Utc>>);
    match outcome {
        Outcome::Delivered { status } => {
            diesel::update(target)
                .set((
                    d::state.eq(DeliveryState::Delivered.as_str()),
                    d::last_status.eq(Some(*status)),
                    d::last_error.eq(None::<String>),
                    d::next_attempt_at.eq(None::<DateTime<Utc>>),
                    d::delivered_at.eq(Some(now)),
                    d::updated_at.eq(now),
                    lease,
                ))
                .execute(conn)
                .await?
        }
        Outcome::Retry {
            status,
            error,
            next_attempt_at,
        } => {
            diesel::update(target)
                .set((
                    d::last_status.eq(*status),
                    d::last_error.eq(Some(error)),
                    d::next_attempt_at.eq(Some(*next_attempt_at)),
                    d::updated_at.eq(now),
                    lease,
                ))
                .execute(conn)
                .await?
        }
        Outcome::Failed { status, error } => {
            diesel::update(target)
                .set((
                    d::state.eq(DeliveryState::Failed.as_str()),
                    d::last_status.eq(*status),
                    d::last_error.eq(Some(error)),
                    d::next_attempt_at.eq(None::<DateTime<Utc>>),
                    d::updated_at.eq(now),
                    lease,
                ))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// The deliveries of these budget alerts.
pub async fn of_budget_alerts(
    conn: &mut AsyncPgConnection,
    alert_ids: &[i64],
) -> QueryResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::budget_alert_id.eq_any(alert_ids))
        .select(Delivery::as_select())
        .load(conn)
        .await
}

/// The deliveries of these rule alerts.
pub async fn of_rule_alerts(
    conn: &mut AsyncPgConnection,
    alert_ids: &[i64],
) -> QueryResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::rule_alert_id.eq_any(alert_ids))
        .select(Delivery::as_select())
        .load(conn)
        .await
}

/// The newest deliveries of one webhook (its owner is checked by the caller), at most `limit`.
pub async fn of_webhook(
    conn: &mut AsyncPgConnection,
    webhook_id: i64,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)
        .await
}
