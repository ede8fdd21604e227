//! Ingestion keys: create, list, revoke, and resolve a presented key.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{IngestKey, NewIngestKey};
use crate::postgres::schema::{assistants, ingest_keys, users};

/// Stores a new key.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewIngestKey<'_>,
) -> QueryResult<IngestKey> {
    diesel::insert_into(ingest_keys::table)
        .values(new)
        .returning(IngestKey::as_returning())
        .get_result(conn)
        .await
}

/// The assistant's keys that are not revoked, newest first.
pub async fn list_for_assistant(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
) -> QueryResult<Vec<IngestKey>> {
    ingest_keys::table
        .filter(ingest_keys::assistant_id.eq(assistant_id))
        .filter(ingest_keys::revoked_at.is_null())
        .order(ingest_keys::id.desc())
        .select(IngestKey::as_select())
        .load(conn)
        .await
}

/// Key `id` (not revoked) with the owner of its assistant.
pub async fn find_with_owner(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<(IngestKey, i64)>> {
    ingest_keys::table
        .inner_join(assistants::table)
        .filter(ingest_keys::id.eq(id))
        .filter(ingest_keys::revoked_at.is_null())
        .select((IngestKey::as_select(), assistants::owner_id))
        .first(conn)
        .await
        .optional()
}

/// Revokes key `id`; it stops working at once.
pub async fn revoke(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(ingest_keys::table.find(id))
        .set(ingest_keys::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
}

/// What a presented (not revoked) key grants: its assistant, and whether the assistant's
/// owner is disabled (then the key must be refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub assistant_id: i64,
    pub owner_disabled: bool,
}

/// The grant of a (not revoked) key digest, noting the use at most once a minute.
pub async fn resolve(conn: &mut AsyncPgConnection, key_hash: &str) -> QueryResult<Option<Grant>> {
    let found: Option<(IngestKey, Option<chrono::DateTime<chrono::Utc>>)> = ingest_keys::table
        .inner_join(assistants::table.inner_join(users::table))
        .filter(ingest_keys::key_hash.eq(key_hash))
        .filter(ingest_keys::revoked_at.is_null())
        .select((IngestKey::as_select(), users::disabled_at))
        .first(conn)
        .await
        .optional()?;
    let Some((key, disabled_at)) = found else {
        return Ok(None);
    };
    let stale = key
        .last_used_at
        .is_none_or(|at| chrono::Utc::now() - at > chrono::Duration::minutes(1));
    if stale && disabled_at.is_none() {
        diesel::update(ingest_keys::table.find(key.id))
            .set(ingest_keys::last_used_at.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
    }
    Ok(Some(Grant {
        assistant_id: key.assistant_id,
        owner_disabled: disabled_at.is_some(),
    }))
}
