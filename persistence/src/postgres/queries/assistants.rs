//! Assistants: create, list per owner, look up, change, say what goes with one, delete.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{Assistant, NewAssistant};
use crate::postgres::schema::assistants;

/// Inserts an assistant; a name the owner already uses fails with a unique violation.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewAssistant<'_>,
) -> QueryResult<Assistant> {
    diesel::insert_into(assistants::table)
        .values(new)
        .returning(Assistant::as_returning())
        .get_result(conn)
        .await
}

/// The owner's assistants, oldest first.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<Assistant>> {
    assistants::table
        .filter(assistants::owner_id.eq(owner_id))
        .order(assistants::id)
        .select(Assistant::as_select())
        .load(conn)
        .await
}

/// The assistant with this id, if any (ownership is the caller's check).
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Assistant>> {
    assistants::table
        .find(id)
        .select(Assistant::as_select())
        .first(conn)
        .await
        .optional()
}

/// Renames assistant `id` or changes its model type (`None`: unchanged); `None` when it does
/// not exist. A name the owner already uses fails with a unique violation.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: i64,
    name: Option<&str>,
    model_type: Option<&str>,
) -> QueryResult<Option<Assistant>> {
    let changes = AssistantChanges { name, model_type };
    if changes.name.is_none() && changes.model_type.is_none() {
        return find(conn, id).await;
    }
    diesel::update(assistants::table.find(id))
        .set(&changes)
        .returning(Assistant::as_returning())
        .get_result(conn)
        .await
        .optional()
}

#[derive(AsChangeset)]
#[diesel(table_name = assistants)]
struct AssistantChanges<'a> {
    name: Option<&'a str>,
    model_type: Option<&'a str>,
}

/// What is stored with an assistant and goes when it is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct Belongings {
    /// Raw samples still stored (retention may have dropped older ones).
    #[diesel(sql_type = BigInt)]
    pub samples: i64,
    /// Calls recorded over the assistant's life (from the day rollups).
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    /// Days with usage (day rollups; the minute, hour and breakdown rollups go too).
    #[diesel(sql_type = BigInt)]
    pub days: i64,
    /// Ingestion keys, revoked ones included.
    #[diesel(sql_type = BigInt)]
    pub keys: i64,
    /// Budgets on this assistant, and their alerts.
    #[diesel(sql_type = BigInt)]
    pub budgets: i64,
    #[diesel(sql_type = BigInt)]
    pub alerts: i64,
}

/// What deleting assistant `id` removes.
pub async fn belongings(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Belongings> {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM usage_samples WHERE assistant_id = $1)::bigint AS samples,
                (SELECT coalesce(sum(calls), 0) FROM day_rollups WHERE assistant_id = $1)::bigint
                    AS calls,
                (SELECT count(*) FROM day_rollups WHERE assistant_id = $1)::bigint AS days,
                (SELECT count(*) FROM ingest_keys WHERE assistant_id = $1)::bigint AS keys,
                (SELECT count(*) FROM budgets WHERE assistant_id = $1)::bigint AS budgets,
                (SELECT count(*) FROM budget_alerts al JOIN budgets b ON b.id = al.budget_id
                  WHERE b.assistant_id = $1)::bigint AS alerts",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
}

/// Deletes assistant `id` and, by the schema's `ON DELETE CASCADE`, everything stored with
/// it (samples, client ids, every rollup, keys, its budgets and their alerts). Returns whether
/// it existed.
pub async fn delete(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(assistants::table.find(id))
        .execute(conn)
        .await?;
    Ok(deleted > 0)
}

/// Every assistant called `name`, of any owner, oldest first (operator commands name
/// assistants; names are unique per owner only).
pub async fn find_by_name(conn: &mut AsyncPgConnection, name: &str) -> QueryResult<Vec<Assistant>> {
    assistants::table
        .filter(assistants::name.eq(name))
        .order(assistants::id)
        .select(Assistant::as_select())
        .load(conn)
        .await
}
