//! `webhooks`: URLs the hub POSTs alerts to, each with the secret its signatures use.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::webhooks;

/// A stored webhook. `secret` is the HMAC key; answers never carry it except on creation and
/// rotation.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhooks, check_for_backend(diesel::pg::Pg))]
pub struct Webhook {
    pub id: i64,
    pub owner_id: i64,
    pub url: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub secret_rotated_at: Option<DateTime<Utc>>,
}

/// A webhook to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = webhooks)]
pub struct NewWebhook<'a> {
    pub owner_id: i64,
    pub url: &'a str,
    pub secret: &'a str,
}
