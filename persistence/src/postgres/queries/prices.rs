//! Model prices: add a version, list them, and load the versions of some models for pricing.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::pricing::Price;

use crate::postgres::models::{ModelPrice, NewModelPrice};
use crate::postgres::schema::model_prices;

/// Adds a price version; a second version of a model with the same `effective_from` fails with
/// a unique violation.
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

/// Every price version, by model then date.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ModelPrice>> {
    model_prices::table
        .order((model_prices::model, model_prices::effective_from))
        .select(ModelPrice::as_select())
        .load(conn)
        .await
}

/// Every version of the prices of `models`.
pub async fn for_models(
    conn: &mut AsyncPgConnection,
    models: &[String],
) -> QueryResult<Vec<Price>> {
    Ok(model_prices::table
        .filter(model_prices::model.eq_any(models))
        .select(ModelPrice::as_select())
        .load(conn)
        .await?
        .into_iter()
        .map(Price::from)
        .collect())
}
