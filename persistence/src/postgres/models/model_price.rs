//! `model_prices`: versioned per-model token prices, used to price calls sent without a cost:
//! the shared table (`owner_id` NULL) and users' overrides of it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::model_prices;

/// One stored price version.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = model_prices, check_for_backend(diesel::pg::Pg))]
pub struct ModelPrice {
    pub id: i64,
    pub model: String,
    pub effective_from: DateTime<Utc>,
    pub input_nanos_per_mtok: i64,
    pub output_nanos_per_mtok: i64,
    pub created_at: DateTime<Utc>,
    /// `None`: cache reads are billed at the input price.
    pub cache_read_nanos_per_mtok: Option<i64>,
    /// The user whose override this is; `None` for the shared table.
    pub owner_id: Option<i64>,
}

impl From<ModelPrice> for hub::pricing::Price {
    fn from(p: ModelPrice) -> Self {
        Self {
            id: p.id,
            model: p.model,
            effective_from: p.effective_from,
            input_nanos_per_mtok: p.input_nanos_per_mtok,
            output_nanos_per_mtok: p.output_nanos_per_mtok,
            cache_read_nanos_per_mtok: p.cache_read_nanos_per_mtok,
            owner_id: p.owner_id,
        }
    }
}

/// A price version to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = model_prices)]
pub struct NewModelPrice<'a> {
    pub model: &'a str,
    pub effective_from: DateTime<Utc>,
    pub input_nanos_per_mtok: i64,
    pub output_nanos_per_mtok: i64,
    pub cache_read_nanos_per_mtok: Option<i64>,
    /// Set for a user's override.
    pub owner_id: Option<i64>,
}
