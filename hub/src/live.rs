//! Live updates as data: what an assistant's actor announces after each committed batch, and
//! what a subscriber receives.

use chrono::{DateTime, Utc};
use protocol::live::{RuleAlertsMessage, ServerMessage, SessionsMessage};
use serde::{Deserialize, Serialize};

use crate::alert_rules::RuleAlert;
use crate::budget::BudgetAlert;
use crate::sessions::Session;
use crate::{Stats, Totals};

/// How an assistant's active sessions changed with a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsChange {
    /// Sessions active afterwards.
    pub active: usize,
    /// Active sessions started or changed, newest activity first.
    pub changed: Vec<Session>,
    /// Sessions that ended (or were evicted) since the previous change.
    pub ended: usize,
}

/// What changed for one assistant, and its state afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub assistant_id: i64,
    /// Per-assistant sequence number, growing by 1 per delta except for jumps when numbering
    /// restarts (see docs/streaming.md); 0 until the bus or the live hub assigns one.
    pub seq: u64,
    /// When the newest batch in it was committed.
    pub at: DateTime<Utc>,
    /// Samples committed since the previous delta.
    pub added: Totals,
    /// The assistant's statistics after them.
    pub stats: Stats,
    /// Budgets exceeded by these samples (each alerted once per period).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<BudgetAlert>,
    /// A budget covering the assistant is spent for its current period.
    #[serde(default)]
    pub over_budget: bool,
    /// Error-rate and latency rules these samples made fire (a `ruleAlerts` message follows
    /// the delta on the WebSocket).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule_alerts: Vec<RuleAlert>,
    /// The assistant's active sessions, when they changed (a `sessions` message follows the
    /// delta on the WebSocket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<SessionsChange>,
}

/// What a live subscriber receives.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "both variants are large (a snapshot carries the whole Stats); each event is built once and moved, boxing would add an allocation per delta"
)]
pub enum LiveEvent {
    /// The current state; apply only if `seq` is not older than what the client holds.
    Snapshot {
        assistant_id: i64,
        seq: u64,
        stats: Stats,
    },
    /// One delta, in sequence order.
    Delta(Delta),
}

impl LiveEvent {
    /// The text frames a subscriber's WebSocket sends for this event at `now`: its
    /// [`ServerMessage`], then, for a delta that changed sessions, a [`SessionsMessage`], and
    /// for one that made rules fire, a [`RuleAlertsMessage`].
    pub fn frames(&self, now: DateTime<Utc>) -> Vec<String> {
        let sessions = match self {
            Self::Delta(Delta {
                assistant_id,
                seq,
                sessions: Some(change),
                ..
            }) => Some(SessionsMessage {
                assistant_id: *assistant_id,
                seq: *seq,
                active_sessions: change.active,
                changed: change.changed.iter().map(|s| s.view(now)).collect(),
                ended: change.ended,
            }),
            _ => None,
        };
        let mut frames =
            vec![serde_json::to_string(&ServerMessage::from(self.clone())).unwrap_or_default()];
        if let Some(message) = sessions {
            frames.push(serde_json::to_string(&message).unwrap_or_default());
        }
        if let Self::Delta(delta) = self {
            if !delta.rule_alerts.is_empty() {
                let message = RuleAlertsMessage {
                    assistant_id: delta.assistant_id,
                    seq: delta.seq,
                    alerts: delta.rule_alerts.iter().map(RuleAlert::view).collect(),
                };
                frames.push(serde_json::to_string(&message).unwrap_or_default());
            }
        }
        frames
    }
}

impl From<LiveEvent> for ServerMessage {
    /// The message a subscriber's WebSocket sends for `event`, in client units.
    fn from(event: LiveEvent) -> Self {
        match event {
            LiveEvent::Snapshot {
                assistant_id,
                seq,
                stats,
            } => Self::Snapshot {
                assistant_id,
                seq,
                stats: stats.view(),
            },
            LiveEvent::Delta(delta) => Self::Delta {
                assistant_id: delta.assistant_id,
                seq: delta.seq,
                at: Some(delta.at),
                added: delta.added.view(),
                stats: delta.stats.view(),
                alerts: delta.alerts.iter().map(BudgetAlert::view).collect(),
                over_budget: delta.over_budget,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes of different versions share the bus during a rolling upgrade: totals travel as
    /// the array of their seven counters (when they carry no agent metrics), statistics as three
    /// of them.
    #[test]
    fn a_delta_keeps_its_bus_format() {
        let totals = Totals::from_array([1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0]);
        let delta = Delta {
            assistant_id: 9,
            seq: 3,
            at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            added: totals,
            stats: Stats {
                today: totals,
                last_24h: Totals::default(),
                last_7_days: totals,
            },
            alerts: Vec::new(),
            rule_alerts: Vec::new(),
            over_budget: false,
            sessions: None,
        };
        let text = serde_json::to_string(&delta).unwrap_or_default();
        assert_eq!(
            text,
            r#"{"assistant_id":9,"seq":3,"at":"1970-01-01T00:00:00Z","added":[1,2,3,4,5,6,7],"stats":{"today":[1,2,3,4,5,6,7],"last_24h":[0,0,0,0,0,0,0],"last_7_days":[1,2,3,4,5,6,7]},"over_budget":false}"#
        );
        let back: Result<Delta, _> = serde_json::from_str(&text);
        assert_eq!(back.ok(), Some(delta));
    }
}
