//! Webhooks: create, list (with each one's pending deliveries), rotate the secret, delete. Every
//! query is scoped to the owner, so another user's webhook is the same as a missing one.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{NewWebhook, Webhook};
use crate::postgres::schema::{webhook_deliveries, webhooks};

/// Inserts a webhook.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewWebhook<'_>) -> QueryResult<Webhook> {
    diesel::insert_into(webhooks::table)
        .values(new)
        .returning(Webhook::as_returning())
        .get_result(conn)
        .await
}

/// How many webhooks the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    webhooks::table
        .filter(webhooks::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

/// The owner's webhooks, oldest first, each with its number of pending deliveries.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<(Webhook, i64)>> {
    let list: Vec<Webhook> = webhooks::table
        .filter(webhooks::owner_id.eq(owner_id))
        .order(webhooks::id)
        .select(Webhook::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = list.iter().map(|w| w.id).collect();
    let pending: Vec<(i64, i64)> = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq_any(&ids))
        .filter(webhook_deliveries::state.eq("pending"))
        .group_by(webhook_deliveries::webhook_id)
        .select((webhook_deliveries::webhook_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(list
        .into_iter()
        .map(|w| {
            let n = pending
                .iter()
                .find(|(id, _)| *id == w.id)
                .map_or(0, |(_, n)| *n);
            (w, n)
        })
        .collect())
}

/// One of the owner's webhooks, if it is theirs.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> QueryResult<Option<Webhook>> {
    webhooks::table
        .filter(webhooks::id.eq(id))
        .filter(webhooks::owner_id.eq(owner_id))
        .select(Webhook::as_select())
        .first(conn)
        .await
        .optional()
}

/// Replaces the secret of one of the owner's webhooks; the webhook after, `None` if not theirs.
/// Deliveries not yet sent are signed with the new secret.
pub async fn rotate_secret(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    secret: &str,
) -> QueryResult<Option<Webhook>> {
    diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::owner_id.eq(owner_id)),
    )
    .set((
        webhooks::secret.eq(secret),
        webhooks::secret_rotated_at.eq(Some(Utc::now())),
    ))
    .returning(Webhook::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes one of the owner's webhooks with its deliveries (budgets and rules using it keep
/// going without one); whether it existed.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(
        webhooks::table
            .filter(webhooks::id.eq(id))
            .filter(webhooks::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}
