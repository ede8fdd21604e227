//! `webhook_deliveries`: the durable queue of alerts to POST, one row per alert and webhook,
//! with where its delivery stands.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::postgres::schema::webhook_deliveries;

/// A delivery's state as stored in `webhook_deliveries.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// To be tried at `next_attempt_at`.
    Pending,
    /// A 2xx answer.
    Delivered,
    /// Every attempt failed.
    Failed,
    /// Never queued: the webhook had too many pending deliveries.
    Dropped,
}

impl DeliveryState {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Dropped => "dropped",
        }
    }
}

/// A stored delivery (without its payload).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub budget_alert_id: Option<i64>,
    pub rule_alert_id: Option<i64>,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}
