//! `assistants`: the LLM assistants or agents whose usage is tracked, each owned by one user.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::assistants;

/// A stored assistant.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = assistants, check_for_backend(diesel::pg::Pg))]
pub struct Assistant {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub model_type: String,
    pub created_at: DateTime<Utc>,
}

/// An assistant to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = assistants)]
pub struct NewAssistant<'a> {
    pub owner_id: i64,
    pub name: &'a str,
    pub model_type: &'a str,
}
