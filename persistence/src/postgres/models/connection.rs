//! `connections`: a user's credentials for one integration, the secret encrypted by `web`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::connections;

/// A stored connection. `secret` is `nonce || AES-256-GCM ciphertext`; answers never carry it.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = connections, check_for_backend(diesel::pg::Pg))]
pub struct Connection {
    pub id: i64,
    pub owner_id: i64,
    pub integration: String,
    pub name: String,
    pub secret: Vec<u8>,
    pub secret_hint: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A connection to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = connections)]
pub struct NewConnection<'a> {
    pub owner_id: i64,
    pub integration: &'a str,
    pub name: &'a str,
    pub secret: &'a [u8],
    pub secret_hint: &'a str,
}

/// What a change sets (`None` fields are left as they are).
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = connections)]
pub struct ConnectionChanges {
    pub name: Option<String>,
    pub secret: Option<Vec<u8>>,
    pub secret_hint: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}
