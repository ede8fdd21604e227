//! `ingest_keys`: API keys that let machine clients ingest for one assistant.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::ingest_keys;

/// A stored key (its digest only).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ingest_keys, check_for_backend(diesel::pg::Pg))]
pub struct IngestKey {
    pub id: i64,
    pub assistant_id: i64,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = ingest_keys)]
pub struct NewIngestKey<'a> {
    pub assistant_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
}
