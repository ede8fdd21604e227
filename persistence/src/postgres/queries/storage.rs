//! Storage per table, for the administrators' storage view: how many rows and bytes each of
//! the hub's tables holds (indexes and TOAST included).

use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::health::timescaledb_enabled;

/// Tables smaller than this are counted exactly; larger ones report PostgreSQL's estimate
/// (`pg_class.reltuples`, kept by autovacuum), so the view never scans millions of rows.
const EXACT_COUNT_BYTES: i64 = 64 * 1024 * 1024;

/// One table's storage.
#[derive(Debug, Clone, PartialEq, Eq, diesel::QueryableByName)]
pub struct TableStorage {
    #[diesel(sql_type = Text)]
    pub table: String,
    /// Rows: exact when `rows_exact`, else PostgreSQL's estimate.
    #[diesel(sql_type = BigInt)]
    pub rows: i64,
    #[diesel(sql_type = Bool)]
    pub rows_exact: bool,
    /// Bytes on disk, indexes and TOAST included (on TimescaleDB, a hypertable's chunks too).
    #[diesel(sql_type = BigInt)]
    pub bytes: i64,
}

/// Every table of the hub's schema (not diesel's bookkeeping), largest first.
pub async fn tables(conn: &mut AsyncPgConnection) -> diesel::QueryResult<Vec<TableStorage>> {
    let timescale = timescaledb_enabled(conn).await?;
    // hypertable_size() sums the chunks, which pg_total_relation_size of the (empty) parent
    // table does not see; it exists only with the extension, hence two statements.
    let bytes = if timescale {
        "CASE WHEN EXISTS (SELECT 1 FROM timescaledb_information.hypertables h
                            WHERE h.hypertable_name = c.relname)
              THEN hypertable_size(c.oid) ELSE pg_total_relation_size(c.oid) END"
    } else {
        "pg_total_relation_size(c.oid)"
    };
    let mut tables: Vec<TableStorage> = diesel::sql_query(format!(
        "SELECT c.relname::text AS table, greatest(c.reltuples, 0)::bigint AS rows,
                false AS rows_exact, {bytes}::bigint AS bytes
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            AND c.relname NOT LIKE '\\_\\_%'
          ORDER BY 4 DESC, 1"
    ))
    .load(conn)
    .await?;
    for table in &mut tables {
        if table.bytes < EXACT_COUNT_BYTES {
            table.rows = exact_count(conn, &table.table).await?;
            table.rows_exact = true;
        }
    }
    Ok(tables)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `count(*)` of `table`, a name read from `pg_class` above (quoted as an identifier).
async fn exact_count(conn: &mut AsyncPgConnection, table: &str) -> diesel::QueryResult<i64> {
    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
    let row: Count = diesel::sql_query(format!("SELECT count(*)::bigint AS n FROM {quoted}"))
        .get_result(conn)
        .await?;
    Ok(row.n)
}
