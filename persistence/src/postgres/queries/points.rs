//! Points: the generic series store. Time series are upserted on `(source_id, ts)`; a snapshot
//! source's points are replaced (delete, then insert, inside the caller's transaction).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::Point;
use crate::postgres::schema::points;

/// Rows per INSERT (4 parameters each, below PostgreSQL's 65,535 bind parameters).
const CHUNK: usize = 10_000;

/// Inserts `rows`, replacing the value and dimensions of a point already stored at the same
/// source and time; the rows written.
pub async fn upsert(conn: &mut AsyncPgConnection, rows: &[Point]) -> QueryResult<usize> {
    // One INSERT ... ON CONFLICT may not touch a row twice: of points at the same time, the
    // last one wins.
    let mut unique: BTreeMap<(i64, DateTime<Utc>), &Point> = BTreeMap::new();
    for row in rows {
        unique.insert((row.source_id, row.ts), row);
    }
    let rows: Vec<Point> = unique.into_values().cloned().collect();
    let mut written = 0;
    for chunk in rows.chunks(CHUNK) {
        written += diesel::insert_into(points::table)
            .values(chunk)
            .on_conflict((points::source_id, points::ts))
            .do_update()
            .set((
                points::value.eq(excluded(points::value)),
                points::dimensions.eq(excluded(points::dimensions)),
            ))
            .execute(conn)
            .await?;
    }
    Ok(written)
}

/// Replaces every point of `source_id` with `rows` (run it inside a transaction).
pub async fn replace(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    rows: &[Point],
) -> QueryResult<usize> {
    diesel::delete(points::table.filter(points::source_id.eq(source_id)))
        .execute(conn)
        .await?;
    upsert(conn, rows).await
}

/// Up to `limit` points of a source in `[start, end]` (either open), oldest first.
pub async fn range(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    limit: i64,
) -> QueryResult<Vec<Point>> {
    let mut query = points::table
        .filter(points::source_id.eq(source_id))
        .into_boxed();
    if let Some(start) = start {
        query = query.filter(points::ts.ge(start));
    }
    if let Some(end) = end {
        query = query.filter(points::ts.le(end));
    }
    query
        .order(points::ts)
        .limit(limit)
        .select(Point::as_select())
        .load(conn)
        .await
}
