//! Widgets: create, list, change, delete, all scoped to the owner.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{NewWidget, Widget, WidgetChanges};
use crate::postgres::schema::widgets;

/// Inserts a widget.
pub async fn insert(conn: &mut AsyncPgConnection, new: &NewWidget<'_>) -> QueryResult<Widget> {
    diesel::insert_into(widgets::table)
        .values(new)
        .returning(Widget::as_returning())
        .get_result(conn)
        .await
}

/// How many widgets the owner has.
pub async fn count_for_owner(conn: &mut AsyncPgConnection, owner_id: i64) -> QueryResult<i64> {
    widgets::table
        .filter(widgets::owner_id.eq(owner_id))
        .count()
        .get_result(conn)
        .await
}

/// The owner's widgets by position, then age.
pub async fn list_for_owner(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<Widget>> {
    widgets::table
        .filter(widgets::owner_id.eq(owner_id))
        .order((widgets::position, widgets::id))
        .select(Widget::as_select())
        .load(conn)
        .await
}

/// One of the owner's widgets, if it is theirs.
pub async fn find_owned(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
) -> QueryResult<Option<Widget>> {
    widgets::table
        .filter(widgets::id.eq(id))
        .filter(widgets::owner_id.eq(owner_id))
        .select(Widget::as_select())
        .first(conn)
        .await
        .optional()
}

/// Changes one of the owner's widgets; the widget after, `None` if not theirs.
pub async fn update(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
    id: i64,
    mut changes: WidgetChanges,
) -> QueryResult<Option<Widget>> {
    changes.updated_at = Some(Utc::now());
    diesel::update(
        widgets::table
            .filter(widgets::id.eq(id))
            .filter(widgets::owner_id.eq(owner_id)),
    )
    .set(&changes)
    .returning(Widget::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Deletes one of the owner's widgets; whether it existed.
pub async fn delete(conn: &mut AsyncPgConnection, owner_id: i64, id: i64) -> QueryResult<bool> {
    let deleted = diesel::delete(
        widgets::table
            .filter(widgets::id.eq(id))
            .filter(widgets::owner_id.eq(owner_id)),
    )
    .execute(conn)
    .await?;
    Ok(deleted > 0)
}
