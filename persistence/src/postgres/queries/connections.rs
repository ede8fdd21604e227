//! Connections: create, list (with how many sources use each), change, delete (refused while
//! a source uses it). Every query is scoped to the owner, so another user's connection is the
//! same as a missing one.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{Connection, ConnectionChanges, NewConnection};
use crate::postgres::schema::{connections, sources};

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    Deleted,
    NotFound,
    /// Sources still use it (how many).
    InUse(i64),
}

/// Inserts a connection.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewConnection<'_>,
) -> QueryResult<Connection> {
    diesel::insert_into(connections::table)
        .values(new)
        .returning(Connection::as_returning())
        .get_result(conn)
        .await
}

/// How many connections the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    connections::table
        .filter(connections::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

/// How many sources use each of `ids`.
async fn usage(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let rows: Vec<(Option<i64>, i64)> = sources::table
        .filter(sources::connection_id.eq_any(ids))
        .group_by(sources::connection_id)
        .select((sources::connection_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

fn with_usage(list: Vec<Connection>, used: &[(i64, i64)]) -> Vec<(Connection, i64)> {
    list.into_iter()
        .map(|c| {
            let n = used
                .iter()
                .find(|(id, _)| *id == c.id)
                .map_or(0, |(_, n)| *n);
            (c, n)
        })
        .collect()
}

/// The owner's connections, oldest first, each with the number of sources using it.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<(Connection, i64)>> {
    let list: Vec<Connection> = connections::table
        .filter(connections::owner_id.eq(owner_id))
        .order(connections::id)
        .select(Connection::as_select())
        .load(conn)
        .await?;
    let ids: Vec<i64> = list.iter().map(|c| c.id).collect();
    let used = usage(conn, &ids).await?;
    Ok(with_usage(list, &used))
}

/// One of the owner's connections with its usage, if it is theirs.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> QueryResult<Option<(Connection, i64)>> {
    let found: Option<Connection> = connections::table
        .filter(connections::id.eq(id))
        .filter(connections::owner_id.eq(owner_id))
        .select(Connection::as_select())
        .first(conn)
        .await
        .optional()?;
    let Some(found) = found else { return Ok(None) };
    let used = usage(conn, &[found.id]).await?;
    Ok(with_usage(vec![found], &used).pop())
}

/// A connection by id, whoever owns it (the poller's read).
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Connection>> {
    connections::table
        .find(id)
        .select(Connection::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes one of the owner's connections; the connection after, `None` if not theirs.
pub async fn update(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    mut changes: ConnectionChanges,
) -> QueryResult<Option<Connection>> {
    changes.updated_at = Some(Utc::now());
    diesel::update(
        connections::table
            .filter(connections::id.eq(id))
            .filter(connections::owner_id.eq(owner_id)),
    )
    .set(&changes)
    .returning(Connection::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes one of the owner's connections unless a source uses it.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<Deleted> {
    let Some((_, used)) = find_owned(conn, owner_id, id).await? else {
        return Ok(Deleted::NotFound);
    };
    if used > 0 {
        return Ok(Deleted::InUse(used));
    }
    let deleted = diesel::delete(
        connections::table
            .filter(connections::id.eq(id))
            .filter(connections::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await;
    match deleted {
        Ok(0) => Ok(Deleted::NotFound),
        Ok(_) => Ok(Deleted::Deleted),
        // A source was created with it since the check (ON DELETE RESTRICT).
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ForeignKeyViolation,
            _,
        )) => Ok(Deleted::InUse(1)),
        Err(e) => Err(e),
    }
}
