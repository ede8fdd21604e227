//! What the session endpoints answer: the active sessions the assistant actors hold in memory
//! (`GET /sessions/live`, and the live WebSocket's `sessions` message) and the history of
//! stored sessions over a date range (`GET /sessions`).
//!
//! A session is the calls that carry one `sessionId` (see docs/streaming.md). Money is in US
//! dollars; an average over no sessions is `null`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One active session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LiveSession {
    pub session_id: String,
    pub assistant_id: i64,
    /// `ts` of its first call.
    pub started_at: DateTime<Utc>,
    /// `ts` of its newest call.
    pub last_event_at: DateTime<Utc>,
    /// Seconds from `startedAt` to now (0 for calls stamped ahead of the server's clock).
    pub uptime_seconds: i64,
    /// The model of its newest call that named one.
    #[serde(default)]
    pub model: Option<String>,
    pub calls: i64,
    pub errors: i64,
    /// US dollars.
    pub cost: f64,
    pub tokens_in: i64,
    pub tokens_out: i64,
}

/// The active sessions of your assistants (`GET /sessions/live`), newest activity first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LiveSessions {
    pub count: usize,
    pub sessions: Vec<LiveSession>,
}

/// Stored sessions of one UTC day (by the day of their first call in the range).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionDay {
    pub day: NaiveDate,
    pub sessions: i64,
    pub avg_duration_seconds: Option<f64>,
    /// US dollars.
    pub avg_cost: Option<f64>,
}

/// Sessions stored in a date range (`GET /sessions`): each session id's calls in the range
/// count as one session, its duration from its first to its last call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionHistory {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Assistants included.
    pub assistants: Vec<i64>,
    pub count: i64,
    pub avg_duration_seconds: Option<f64>,
    /// US dollars.
    pub avg_cost: Option<f64>,
    pub avg_calls: Option<f64>,
    /// Every day of the range, oldest first (days without sessions as zeros).
    pub days: Vec<SessionDay>,
}
