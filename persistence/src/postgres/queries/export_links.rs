//! The uses of signed export download links: recording one is what makes a link single-use.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// Records the use of link `id` (valid until `expires_at`): `true` the first time, `false` if it
/// was used before. Also forgets the uses of links that expired more than five minutes ago
/// (their tokens no longer verify, with room for clock differences between hub nodes).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    id: &str,
    expires_at: DateTime<Utc>,
) -> diesel::QueryResult<bool> {
    diesel::sql_query(
        "DELETE FROM export_link_uses WHERE expires_at < now() - interval '5 minutes'",
    )
    .execute(conn)
    .await?;
    let inserted = diesel::sql_query(
        "INSERT INTO export_link_uses (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind::<Text, _>(id)
    .bind::<Timestamptz, _>(expires_at)
    .execute(conn)
    .await?;
    Ok(inserted == 1)
}
