//! Model prices: add a version (to the shared table or as a user's override), list them,
//! remove an override, and load the versions that can price an assistant's calls.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::pricing::Price;

use crate::postgres::models::{ModelPrice, NewModelPrice};
use crate::postgres::schema::{assistants, model_prices};

/// Adds a price version; a second version with the same owner (or none), model and
/// `effective_from` fails with a unique violation.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewModelPrice<'_>,
) -> QueryResult<ModelPrice> {
    diesel::insert_into(model_prices::table)
        .values(new)
        .returning(ModelPrice::as_returning())
        .get_result(conn)
        .await
}

/// Every version of the shared table, by model then date.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ModelPrice>> {
    model_prices::table
        .filter(model_prices::owner_id.is_null())
        .order((model_prices::model, model_prices::effective_from))
        .select(ModelPrice::as_select())
        .load(conn)
        .await
}

/// Every override of `owner_id`, by model then date.
pub async fn overrides(
    conn: &mut AsyncPgConnection,
    owner_id: i64,
) -> QueryResult<Vec<ModelPrice>> {
    model_prices::table
        .filter(model_prices::owner_id.eq(owner_id))
        .order((model_prices::model, model_prices::effective_from))
        .select(ModelPrice::as_select())
        .load(conn)
        .await
}

/// Removes override `id` (of `owner_id`, or of anyone when `None`; never a table version);
/// whether there was one. Calls it priced keep their cost and `price_id`.
pub async fn delete_override(
    conn: &mut AsyncPgConnection,
    owner_id: Option<i64>,
    id: i64,
) -> QueryResult<bool> {
    let mut target = model_prices::table
        .filter(model_prices::id.eq(id))
        .filter(model_prices::owner_id.is_not_null())
        .into_boxed();
    if let Some(owner) = owner_id {
        target = target.filter(model_prices::owner_id.eq(owner));
    }
    let ids: Vec<i64> = target.select(model_prices::id).load(conn).await?;
    let removed = diesel::delete(model_prices::table.filter(model_prices::id.eq_any(&ids)))
        .execute(conn)
        .await?;
    Ok(removed > 0)
}

/// The versions of `ids` (table or overrides), for showing what priced some calls.
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<ModelPrice>> {
    model_prices::table
        .filter(model_prices::id.eq_any(ids))
        .select(ModelPrice::as_select())
        .load(conn)
        .await
}

/// The owner of `assistant_id` and every version that can price its calls of `models`: the
/// table's and the owner's overrides.
pub async fn for_assistant(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    models: &[String],
) -> QueryResult<(i64, Vec<Price>)> {
    let owner: i64 = assistants::table
        .find(assistant_id)
        .select(assistants::owner_id)
        .first(conn)
        .await?;
    let prices = model_prices::table
        .filter(model_prices::model.eq_any(models))
        .filter(
            model_prices::owner_id
                .is_null()
                .or(model_prices::owner_id.eq(owner)),
        )
        .select(ModelPrice::as_select())
        .load(conn)
        .await?
        .into_iter()
        .map(Price::from)
        .collect();
    Ok((owner, prices))
}
