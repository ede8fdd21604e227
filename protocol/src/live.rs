//! Messages of `WS /api/v1/ws/live`, as docs/streaming.md defines them: what the hub sends to
//! live subscribers (snapshots, deltas with their budget alerts, errors) and what they send back
//! (subscribe, unsubscribe).
//!
//! The hub serialises these and the dashboard parses them, from this one definition. Parsing is
//! tolerant, so an older dashboard keeps working against a newer hub: missing counters are 0,
//! unknown fields are ignored and unknown message types parse as [`ServerMessage::Unknown`].

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Usage added up over some period, in client units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TotalsView {
    pub calls: i64,
    pub errors: i64,
    /// US dollars.
    pub cost: f64,
    pub total_minutes: f64,
    pub tokens_in: i64,
    pub tokens_out: i64,
}

/// The live state of one assistant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatsView {
    /// The current UTC day.
    pub today: TotalsView,
    /// The 24 hours up to now.
    #[serde(rename = "last24h")]
    pub last_24h: TotalsView,
    /// The 7 UTC days ending today.
    pub last_7_days: TotalsView,
}

/// A budget threshold that a batch's spend reached (alerted once per budget, period and
/// threshold).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BudgetAlert {
    pub budget_id: i64,
    /// `None` for a budget over all of the owner's assistants.
    #[serde(default)]
    pub assistant_id: Option<i64>,
    /// `daily` or `monthly`.
    pub period: String,
    /// The first UTC day of the period.
    pub period_start: NaiveDate,
    /// The percentage of the limit reached. Hubs before thresholds alerted at the limit only,
    /// so a message without it means 100.
    #[serde(default = "full_limit")]
    pub threshold: i64,
    /// US dollars.
    pub limit: f64,
    /// US dollars spent when the alert was raised.
    pub spent: f64,
}

fn full_limit() -> i64 {
    100
}

/// Server to client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ServerMessage {
    /// The full current state, on subscribe or when a resume is too old to replay.
    Snapshot {
        assistant_id: i64,
        seq: u64,
        stats: StatsView,
    },
    /// What arrived since `seq - 1`, and the state after it.
    Delta {
        assistant_id: i64,
        seq: u64,
        #[serde(default)]
        at: Option<DateTime<Utc>>,
        #[serde(default)]
        added: TotalsView,
        stats: StatsView,
        /// Budgets these samples pushed over their limit.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        alerts: Vec<BudgetAlert>,
        /// A budget covering the assistant is spent for its current period.
        #[serde(default)]
        over_budget: bool,
    },
    /// A request failed (e.g. 404 for an assistant that is not yours).
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assistant_id: Option<i64>,
        #[serde(default)]
        status: u16,
        #[serde(default)]
        detail: String,
    },
    /// Any message type this client does not know (never sent).
    #[serde(other)]
    Unknown,
}

impl ServerMessage {
    /// The assistant the message is about.
    pub fn assistant_id(&self) -> Option<i64> {
        match self {
            Self::Snapshot { assistant_id, .. } | Self::Delta { assistant_id, .. } => {
                Some(*assistant_id)
            }
            Self::Error { assistant_id, .. } => *assistant_id,
            Self::Unknown => None,
        }
    }
}

/// `{"type": "sessions", ...}`, sent right after a delta that started, changed or ended some of
/// the assistant's active sessions (same `seq`). It is a struct of its own, not a
/// [`ServerMessage`] variant, so clients that match every variant keep compiling; they parse it
/// as [`ServerMessage::Unknown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "sessions", rename_all = "camelCase")]
pub struct SessionsMessage {
    pub assistant_id: i64,
    /// The `seq` of the delta it follows.
    pub seq: u64,
    /// Sessions active after that delta.
    #[serde(default)]
    pub active_sessions: usize,
    /// The active sessions the delta's samples started or changed, newest activity first.
    #[serde(default)]
    pub changed: Vec<crate::sessions::LiveSession>,
    /// Sessions that ended (idle timeout) since the previous such message.
    #[serde(default)]
    pub ended: usize,
}

/// An error-rate or latency rule that fired, as pushed live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleAlert {
    /// The firing's id (`GET /alert-rules/alerts`).
    pub alert_id: i64,
    pub rule_id: i64,
    /// `error_rate` or `latency_p95`.
    pub metric: String,
    /// Percent for `error_rate`, milliseconds for `latency_p95`.
    pub threshold: f64,
    pub value: f64,
    #[serde(default)]
    pub calls: i64,
    #[serde(default)]
    pub window_minutes: i64,
}

/// `{"type": "ruleAlerts", ...}`, sent right after a delta whose batch made rules fire (same
/// `assistantId` and `seq`). A struct of its own like [`SessionsMessage`], so clients matching
/// every [`ServerMessage`] variant keep compiling; older clients parse it as
/// [`ServerMessage::Unknown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "ruleAlerts", rename_all = "camelCase")]
pub struct RuleAlertsMessage {
    pub assistant_id: i64,
    pub seq: u64,
    #[serde(default)]
    pub alerts: Vec<RuleAlert>,
}

/// `{"type": "source", ...}`: what a poll of a followed source did (sources are followed with
/// [`ClientMessage::SubscribeSources`]). A struct of its own like [`SessionsMessage`]; older
/// clients parse it as [`ServerMessage::Unknown`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "source", rename_all = "camelCase")]
pub struct SourceMessage {
    pub source_id: i64,
    /// The points the poll wrote (inserted or updated), oldest first.
    #[serde(default)]
    pub points: Vec<crate::sources::PointView>,
    /// A snapshot source: `points` replace every stored point.
    #[serde(default)]
    pub replaced: bool,
    #[serde(default)]
    pub last_fetched_at: Option<DateTime<Utc>>,
    /// Why the poll failed, `null` after a success.
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub consecutive_failures: i64,
    /// Set when the failure needs the owner: the transformer was marked failed (nothing is
    /// stored until a new one is written) or the source stopped retrying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
}

/// Client to server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum ClientMessage {
    /// Follow `assistants`; `since` holds the last `seq` seen per assistant (by id, as a JSON
    /// object key), to resume without gaps.
    Subscribe {
        assistants: Vec<i64>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        since: BTreeMap<String, u64>,
    },
    /// Stop following `assistants`.
    Unsubscribe { assistants: Vec<i64> },
    /// Follow sources: [`SourceMessage`]s after each of their polls.
    SubscribeSources { sources: Vec<i64> },
    /// Stop following `sources`.
    UnsubscribeSources { sources: Vec<i64> },
}

#[cfg(test)]
mod tests;
