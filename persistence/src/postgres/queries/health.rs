//! What `/readyz` asks the database.

use diesel::sql_types::Bool;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

#[derive(diesel::QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

/// Whether the TimescaleDB extension is installed in this database (then `usage_samples` is a
/// hypertable); `false` on plain PostgreSQL. Doubles as the database liveness probe.
pub async fn timescaledb_enabled(conn: &mut AsyncPgConnection) -> diesel::QueryResult<bool> {
    let row: Flag = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS flag",
    )
    .get_result(conn)
    .await?;
    Ok(row.flag)
}
