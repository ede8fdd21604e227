//! A widget's chart, computed in SQL from the points: per bucket (`date_trunc` in UTC) the
//! aggregate of the value and of each plotted numeric dimension, or the raw points when the
//! widget does not aggregate, and the newest/oldest values for a KPI. Nothing loads every
//! point of a source into memory.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text, Timestamptz};
use diesel::QueryableByName;
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// How values in one bucket are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Avg,
    Max,
}

impl Aggregate {
    fn sql(self) -> &'static str {
        match self {
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Max => "max",
        }
    }
}

/// The width of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Day,
    Week,
    Month,
}

impl Bucket {
    fn sql(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }
}

/// One bucket's (or one raw point's) values.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub at: DateTime<Utc>,
    pub value: f64,
    /// The plotted dimensions that had numbers in this bucket, in the order asked.
    pub dimensions: Vec<(String, f64)>,
}

#[derive(QueryableByName)]
struct ValueRow {
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Double)]
    value: f64,
}

#[derive(QueryableByName)]
struct DimensionRow {
    #[diesel(sql_type = Timestamptz)]
    at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Double)]
    value: f64,
}

fn merge(values: Vec<ValueRow>, dims: Vec<DimensionRow>, keys: &[String]) -> Vec<Row> {
    let mut rows: Vec<Row> = values
        .into_iter()
        .map(|v| Row {
            at: v.at,
            value: v.value,
            dimensions: Vec::new(),
        })
        .collect();
    for d in dims {
        if let Ok(i) = rows.binary_search_by(|r| r.at.cmp(&d.at)) {
            rows[i].dimensions.push((d.key, d.value));
        }
    }
    for row in &mut rows {
        row.dimensions
            .sort_by_key(|(k, _)| keys.iter().position(|x| x == k).unwrap_or(usize::MAX));
    }
    rows
}

/// Buckets of a source's points since `start` (all when `None`), oldest first: the aggregate of
/// the value and of each of `keys` (dimensions holding a number).
pub async fn buckets(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    start: Option<DateTime<Utc>>,
    bucket: Bucket,
    aggregate: Aggregate,
    keys: &[String],
) -> QueryResult<Vec<Row>> {
    let agg = aggregate.sql();
    let values: Vec<ValueRow> = diesel::sql_query(format!(
        "SELECT date_trunc($2, ts, 'UTC') AS at, {agg}(value)::float8 AS value
         FROM points
         WHERE source_id = $1 AND ($3::timestamptz IS NULL OR ts >= $3)
         GROUP BY 1 ORDER BY 1"
    ))
    .bind::<BigInt, _>(source_id)
    .bind::<Text, _>(bucket.sql())
    .bind::<Nullable<Timestamptz>, _>(start)
    .load(conn)
    .await?;
    let dims: Vec<DimensionRow> = if keys.is_empty() {
        Vec::new()
    } else {
        diesel::sql_query(format!(
            "SELECT date_trunc($2, p.ts, 'UTC') AS at, d.key,
                    {agg}((p.dimensions ->> d.key)::float8)::float8 AS value
             FROM points p CROSS JOIN unnest($4::text[]) AS d(key)
             WHERE p.source_id = $1 AND ($3::timestamptz IS NULL OR p.ts >= $3)
               AND jsonb_typeof(p.dimensions -> d.key) = 'number'
             GROUP BY 1, 2 ORDER BY 1, 2"
        ))
        .bind::<BigInt, _>(source_id)
        .bind::<Text, _>(bucket.sql())
        .bind::<Nullable<Timestamptz>, _>(start)
        .bind::<Array<Text>, _>(keys)
        .load(conn)
        .await?
    };
    Ok(merge(values, dims, keys))
}

/// Up to `limit` raw points since `start`, oldest first (the newest `limit` when there are
/// more), with the numeric values of `keys`.
pub async fn raw(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    start: Option<DateTime<Utc>>,
    keys: &[String],
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let values: Vec<ValueRow> = diesel::sql_query(
        "SELECT at, value FROM (
             SELECT ts AS at, value FROM points
             WHERE source_id = $1 AND ($2::timestamptz IS NULL OR ts >= $2)
             ORDER BY ts DESC LIMIT $3) newest
         ORDER BY at",
    )
    .bind::<BigInt, _>(source_id)
    .bind::<Nullable<Timestamptz>, _>(start)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await?;
    let first = <[ValueRow]>::first(&values).map(|v| v.at);
    let dims: Vec<DimensionRow> = match (first, keys.is_empty()) {
        (Some(first), false) => {
            diesel::sql_query(
                "SELECT p.ts AS at, d.key, (p.dimensions ->> d.key)::float8 AS value
                 FROM points p CROSS JOIN unnest($3::text[]) AS d(key)
                 WHERE p.source_id = $1 AND p.ts >= $2
                   AND jsonb_typeof(p.dimensions -> d.key) = 'number'
                 ORDER BY 1, 2",
            )
            .bind::<BigInt, _>(source_id)
            .bind::<Timestamptz, _>(first)
            .bind::<Array<Text>, _>(keys)
            .load(conn)
            .await?
        }
        _ => Vec::new(),
    };
    Ok(merge(values, dims, keys))
}

/// The newest and the oldest point since `start`: (newest time, newest value, oldest value).
pub async fn kpi(
    conn: &mut AsyncPgConnection,
    source_id: i64,
    start: Option<DateTime<Utc>>,
) -> QueryResult<Option<(DateTime<Utc>, f64, Option<f64>, i64)>> {
    #[derive(QueryableByName)]
    struct Kpi {
        #[diesel(sql_type = Timestamptz)]
        at: DateTime<Utc>,
        #[diesel(sql_type = Double)]
        newest: f64,
        #[diesel(sql_type = Double)]
        oldest: f64,
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let row: Option<Kpi> = diesel::sql_query(
        "SELECT max(ts) AS at,
                (array_agg(value ORDER BY ts DESC))[1] AS newest,
                (array_agg(value ORDER BY ts))[1] AS oldest,
                count(*) AS n
         FROM points
         WHERE source_id = $1 AND ($2::timestamptz IS NULL OR ts >= $2)
         HAVING count(*) > 0",
    )
    .bind::<BigInt, _>(source_id)
    .bind::<Nullable<Timestamptz>, _>(start)
    .get_result(conn)
    .await
    .optional()?;
    Ok(row.map(|k| (k.at, k.newest, (k.n > 1).then_some(k.oldest), k.n)))
}
