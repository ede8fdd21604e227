//! Users: register and look up.

use diesel::prelude::*;
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
