//! Assistants: create, list per owner, look up.

use diesel::prelude::*;
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
