//! Sources: create, list, change, delete (owner-scoped), the scheduler's claim of due sources
//! (`FOR UPDATE SKIP LOCKED` with a lease, so several nodes never poll one source at once), and
//! the outcome of a poll: on success the points and the source's new state in one transaction.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use crate::postgres::models::{NewSource, Point, Source, SourceChanges};
use crate::postgres::queries::points;
use crate::postgres::schema::{points as points_table, sources};

/// Inserts a source.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewSource<'_>) -> QueryResult<Source> {
    diesel::insert_into(sources::table)
        .values(new)
        .returning(Source::as_returning())
        .get_result(conn)
        .await
}

/// How many sources the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    sources::table
        .filter(sources::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

/// The owner's sources, oldest first.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<Source>> {
    sources::table
        .filter(sources::owner_id.eq(owner_id))
        .order(sources::id)
        .select(Source::as_select())
        .load(conn)
        .await
}

/// One of the owner's sources, if it is theirs.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> QueryResult<Option<Source>> {
    sources::table
        .filter(sources::id.eq(id))
        .filter(sources::owner_id.eq(owner_id))
        .select(Source::as_select())
        .first(conn)
        .await
        .optional()
}

/// A source by id, whoever owns it.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Source>> {
    sources::table
        .find(id)
        .select(Source::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes one of the owner's sources; the source after, `None` if not theirs.
pub async fn update(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    mut changes: SourceChanges,
) -> QueryResult<Option<Source>> {
    changes.updated_at = Some(Utc::now());
    diesel::update(
        sources::table
            .filter(sources::id.eq(id))
            .filter(sources::owner_id.eq(owner_id)),
    )
    .set(&changes)
    .returning(Source::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes one of the owner's sources with its points, transformers and widgets; whether it
/// existed.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(
        sources::table
            .filter(sources::id.eq(id))
            .filter(sources::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}

/// Points stored and the newest point's time, for each of `ids` that has points.
pub async fn stats(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, i64, Option<DateTime<Utc>>)>> {
    points_table::table
        .filter(points_table::source_id.eq_any(ids))
        .group_by(points_table::source_id)
        .select((
            points_table::source_id,
            diesel::dsl::count_star(),
            diesel::dsl::max(points_table::ts),
        ))
        .load(conn)
        .await
}

/// Claims up to `limit` due sources (`next_poll_at` passed, not leased by another node), the
/// longest overdue first, leased to this node until `lease_until`.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_until: DateTime<Utc>,
) -> QueryResult<Vec<Source>> {
    diesel::sql_query(
        "UPDATE sources SET lease_until = $2
         WHERE id IN (
             SELECT id FROM sources
             WHERE next_poll_at <= now()
               AND (lease_until IS NULL OR lease_until < now())
             ORDER BY next_poll_at
             LIMIT $1
             FOR UPDATE SKIP LOCKED)
         RETURNING *",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Timestamptz, _>(lease_until)
    .load(conn)
    .await
}

/// When a source that is not leased is polled next (the scheduler sleeps until then).
pub async fn next_due(conn: &mut AsyncPgConnection) -> QueryResult<Option<DateTime<Utc>>> {
    sources::table
        .filter(sources::next_poll_at.is_not_null())
        .filter(
            sources::lease_until
                .is_null()
                .or(sources::lease_until.lt(diesel::dsl::now)),
        )
        .select(diesel::dsl::min(sources::next_poll_at))
        .first::<Option<DateTime<Utc>>>(conn)
        .await
}

/// A successful poll's outcome.
#[derive(Debug, Clone)]
pub struct Success {
    pub sample: Option<Value>,
    pub next_poll_at: Option<DateTime<Utc>>,
    /// Whether this poll wrote the historical backfill.
    pub backfilled: bool,
    /// Snapshot source: the points replace every stored point.
    pub replace: bool,
}

/// Stores a successful poll in one transaction: the points (upserted on `(source_id, ts)`, or
/// replacing every point of a snapshot source) and the source's new state (last fetched now,
/// error cleared, failures reset, next poll, lease released). Returns the points written and
/// the source after.
pub async fn store_success(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    rows: &[Point],
    success: &Success,
) -> QueryResult<(usize, Source)> {
    conn.transaction(async |conn| {
        let written = if success.replace {
            points::replace(conn, source_id, rows).await?
        } else {
            points::upsert(conn, rows).await?
        };
        let now = Utc::now();
        let target = sources::table.find(source_id);
        let source = if success.backfilled {
            diesel::update(target)
                .set((
                    sources::last_fetched_at.eq(Some(now)),
                    sources::last_error.eq(None::<String>),
                    sources::consecutive_failures.eq(0),
                    sources::next_poll_at.eq(success.next_poll_at),
                    sources::lease_until.eq(None::<DateTime<Utc>>),
                    sources::sample.eq(success.sample.clone()),
                    sources::backfilled_at.eq(Some(now)),
                    sources::updated_at.eq(now),
                ))
                .returning(Source::as_returning())
                .get_result(conn)
                .await?
        } else {
            diesel::update(target)
                .set((
                    sources::last_fetched_at.eq(Some(now)),
                    sources::last_error.eq(None::<String>),
                    sources::consecutive_failures.eq(0),
                    sources::next_poll_at.eq(success.next_poll_at),
                    sources::lease_until.eq(None::<DateTime<Utc>>),
                    sources::sample.eq(success.sample.clone()),
                    sources::updated_at.eq(now),
                ))
                .returning(Source::as_returning())
                .get_result(conn)
                .await?
        };
        Ok((written, source))
    })
    .await
}

/// Records a failed poll: the error, one more consecutive failure, the next try, the lease
/// released; `sample` replaces the stored one when the fetch itself worked. The source after.
pub async fn record_failure(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    error: &str,
    next_poll_at: Option<DateTime<Utc>>,
    sample: Option<Value>,
) -> QueryResult<Source> {
    let now = Utc::now();
    let target = sources::table.find(source_id);
    match sample {
        Some(sample) => {
            diesel::update(target)
                .set((
                    sources::last_error.eq(Some(error)),
                    sources::consecutive_failures.eq(sources::consecutive_failures + 1),
                    sources::next_poll_at.eq(next_poll_at),
                    sources::lease_until.eq(None::<DateTime<Utc>>),
                    sources::sample.eq(Some(sample)),
                    sources::updated_at.eq(now),
                ))
                .returning(Source::as_returning())
                .get_result(conn)
                .await
        }
        None => {
            diesel::update(target)
                .set((
                    sources::last_error.eq(Some(error)),
                    sources::consecutive_failures.eq(sources::consecutive_failures + 1),
                    sources::next_poll_at.eq(next_poll_at),
                    sources::lease_until.eq(None::<DateTime<Utc>>),
                    sources::updated_at.eq(now),
                ))
                .returning(Source::as_returning())
                .get_result(conn)
                .await
        }
    }
}

/// Sets a source's error without counting a failure (e.g. "a transformer is needed"), its
/// sample and its next poll, and releases its lease.
pub async fn set_error(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    error: Option<&str>,
    sample: Option<Value>,
    next_poll_at: Option<DateTime<Utc>>,
) -> QueryResult<Source> {
    diesel::update(sources::table.find(source_id))
        .set((
            sources::last_error.eq(error),
            sources::sample.eq(sample),
            sources::next_poll_at.eq(next_poll_at),
            sources::lease_until.eq(None::<DateTime<Utc>>),
            sources::updated_at.eq(Utc::now()),
        ))
        .returning(Source::as_returning())
        .get_result(conn)
        .await
}

/// Leases a source to this node until `lease_until` (a refresh), so the scheduler skips it
/// meanwhile; the outcome of the poll releases it. `false` when another poll holds it (the
/// scheduler's or another refresh), which then must not run a second one.
pub async fn lease(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    lease_until: DateTime<Utc>,
) -> QueryResult<bool> {
    let now = Utc::now();
    diesel::update(
        sources::table.find(source_id).filter(
            sources::lease_until
                .is_null()
                .or(sources::lease_until.lt(now)),
        ),
    )
    .set(sources::lease_until.eq(Some(lease_until)))
    .execute(conn)
    .await
    .map(|updated| updated == 1)
}
