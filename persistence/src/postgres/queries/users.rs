//! Users: register, look up, change role or disabled state, and the administrators' list.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{NewUser, User};
use crate::postgres::schema::users;

/// Inserts a user; a taken email fails with a unique violation.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewUser<'_>) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// The user with this (normalised) email, if any.
pub async fn find_by_email(conn: &mut AsyncPgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// The user with this id, if any.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await
        .optional()
}

/// Gives the user with this (normalised) email the role `role`; `None` when nobody has it.
pub async fn set_role(
    conn: &mut AsyncPgConnection,
    email: &str,
    role: &str,
) -> QueryResult<Option<User>> {
    diesel::update(users::table.filter(users::email.eq(email)))
        .set(users::role.eq(role))
        .returning(User::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Gives user `id` the role `role`; `None` when there is no such user.
pub async fn set_role_of(
    conn: &mut AsyncPgConnection,
    id: i64,
    role: &str,
) -> QueryResult<Option<User>> {
    diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .returning(User::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Disables user `id` (from now; an already disabled user keeps the first time) or enables
/// them again; `None` when there is no such user.
pub async fn set_disabled(
    conn: &mut AsyncPgConnection,
    id: i64,
    disabled: bool,
) -> QueryResult<Option<User>> {
    let disabled_at = diesel::dsl::sql::<Nullable<Timestamptz>>(if disabled {
        "coalesce(disabled_at, now())"
    } else {
        "NULL"
    });
    diesel::update(users::table.find(id))
        .set(users::disabled_at.eq(disabled_at))
        .returning(User::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// What the auth check needs to know about a user: role, and whether they are disabled.
pub async fn status(
    conn: &mut AsyncPgConnection,
    id: i64,
) -> QueryResult<Option<(String, Option<DateTime<Utc>>)>> {
    users::table
        .find(id)
        .select((users::role, users::disabled_at))
        .first(conn)
        .await
        .optional()
}

/// One user of the administrators' list, with what they own and have used (all time, from
/// the day rollups: no raw scan).
#[derive(Debug, Clone, QueryableByName)]
pub struct UserOverview {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    #[diesel(sql_type = Text)]
    pub role: String,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub disabled_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    pub assistants: i64,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub cost_nanos: i64,
}

/// Users whose email or name contains `search` (case-insensitive; `None`: everyone), or only
/// user `only`, oldest first, `limit` of them from `offset`.
pub async fn overview(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
    only: Option<i64>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<UserOverview>> {
    let pattern = search.map(|s| format!("%{}%", escape_like(s)));
    diesel::sql_query(
        "SELECT u.id, u.email, u.name, u.role, u.created_at, u.disabled_at,
                coalesce(o.assistants, 0)::bigint AS assistants,
                coalesce(o.calls, 0)::bigint AS calls,
                coalesce(o.cost_nanos, 0)::bigint AS cost_nanos
           FROM users u
           LEFT JOIN LATERAL (
               SELECT count(DISTINCT a.id) AS assistants, sum(d.calls) AS calls,
                      sum(d.cost_nanos) AS cost_nanos
                 FROM assistants a LEFT JOIN day_rollups d ON d.assistant_id = a.id
                WHERE a.owner_id = u.id) o ON true
          WHERE ($1::text IS NULL OR u.email ILIKE $1 OR u.name ILIKE $1)
            AND ($4::bigint IS NULL OR u.id = $4)
          ORDER BY u.id
          LIMIT $2 OFFSET $3",
    )
    .bind::<Nullable<Text>, _>(pattern)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .bind::<Nullable<BigInt>, _>(only)
    .load(conn)
    .await
}

/// How many users match `search`, as [`overview`] matches them.
pub async fn count_matching(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
) -> QueryResult<i64> {
    let mut query = users::table.into_boxed();
    if let Some(search) = search {
        let pattern = format!("%{}%", escape_like(search));
        query = query.filter(
            users::email
                .ilike(pattern.clone())
                .or(users::name.ilike(pattern)),
        );
    }
    query.count().get_result(conn).await
}

/// `text` with LIKE's wildcards (and its escape character) escaped, so a search matches
/// literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
