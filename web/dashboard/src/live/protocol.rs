//! Messages of `WS /api/v1/ws/live`, as docs/streaming.md defines them. Unknown message types
//! are kept as [`ServerMessage::Unknown`] so a newer server never breaks an older dashboard.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Usage added up over some period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Totals {
    pub calls: u64,
    pub errors: u64,
    /// US dollars.
    pub cost: f64,
    pub total_minutes: f64,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

impl Totals {
    /// Errors per call, `None` without calls.
    pub fn error_rate(&self) -> Option<f64> {
        crate::format::error_rate(self.errors, self.calls)
    }

    /// Mean cost of a call, `None` without calls.
    pub fn avg_call_cost(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.cost / self.calls as f64)
    }
}

/// The live state of one assistant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Stats {
    /// The current UTC day.
    pub today: Totals,
    /// The 24 hours up to now.
    pub last24h: Totals,
    /// The 7 UTC days ending today.
    pub last7_days: Totals,
}

/// Server to client.
#[derive(Clone, Debug, PartialEq, Deserialize)]
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
        stats: Stats,
    },
    /// What arrived since `seq - 1`, and the state after it.
    Delta {
        assistant_id: i64,
        seq: u64,
        /// RFC 3339.
        #[serde(default)]
        at: Option<String>,
        #[serde(default)]
        added: Totals,
        stats: Stats,
    },
    /// A subscription failed (e.g. 404 for an assistant that is not yours).
    Error {
        #[serde(default)]
        assistant_id: Option<i64>,
        #[serde(default)]
        status: u16,
        #[serde(default)]
        detail: String,
    },
    /// Any message type this dashboard does not know.
    #[serde(other)]
    Unknown,
}

impl ServerMessage {
    /// Parses one text frame.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

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

/// Client to server.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientMessage {
    Subscribe {
        assistants: Vec<i64>,
        /// Last `seq` seen per assistant, to resume without gaps.
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        since: BTreeMap<String, u64>,
    },
    Unsubscribe {
        assistants: Vec<i64>,
    },
}

impl ClientMessage {
    /// A subscription to `assistants`, resuming from `since` (by assistant id) where known.
    pub fn subscribe(assistants: &[i64], since: &BTreeMap<i64, u64>) -> Self {
        Self::Subscribe {
            assistants: assistants.to_vec(),
            since: since
                .iter()
                .filter(|(id, _)| assistants.contains(id))
                .map(|(id, seq)| (id.to_string(), *seq))
                .collect(),
        }
    }

    /// The JSON text frame.
    pub fn to_json(&self) -> String {
        // Serialising plain structs of numbers and strings cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_messages() {
        let snapshot = ServerMessage::parse(
            r#"{"type":"snapshot","assistantId":1,"seq":42,"stats":{
                "today":{"calls":10,"errors":1,"cost":0.5,"totalMinutes":3.5,"tokensIn":100,"tokensOut":200},
                "last24h":{"calls":12,"errors":1,"cost":0.6,"totalMinutes":4,"tokensIn":0,"tokensOut":0},
                "last7Days":{"calls":70,"errors":2,"cost":3.5,"totalMinutes":20,"tokensIn":0,"tokensOut":0}}}"#,
        );
        let Ok(ServerMessage::Snapshot {
            assistant_id,
            seq,
            stats,
        }) = snapshot
        else {
            panic!("not a snapshot: {snapshot:?}");
        };
        assert_eq!((assistant_id, seq), (1, 42));
        assert_eq!(stats.today.calls, 10);
        assert_eq!(stats.today.total_minutes, 3.5);
        assert_eq!(stats.last7_days.calls, 70);
        assert_eq!(stats.today.error_rate(), Some(0.1));

        let delta = ServerMessage::parse(
            r#"{"type":"delta","assistantId":1,"seq":43,"at":"2026-11-23T10:00:00Z",
                "added":{"calls":1,"errors":0,"cost":0.05,"totalMinutes":0.2,"tokensIn":1,"tokensOut":2},
                "stats":{"today":{"calls":11}}}"#,
        );
        assert!(matches!(
            delta,
            Ok(ServerMessage::Delta { seq: 43, ref added, ref stats, .. })
                if added.calls == 1 && stats.today.calls == 11 && stats.last24h.calls == 0
        ));

        let error = ServerMessage::parse(
            r#"{"type":"error","assistantId":9,"status":404,"detail":"assistant 9 not found"}"#,
        );
        assert!(matches!(
            error,
            Ok(ServerMessage::Error {
                assistant_id: Some(9),
                status: 404,
                ..
            })
        ));
    }

    #[test]
    fn unknown_types_do_not_break_parsing() {
        assert!(matches!(
            ServerMessage::parse(r#"{"type":"hello","version":2}"#),
            Ok(ServerMessage::Unknown)
        ));
        assert!(ServerMessage::parse("not json").is_err());
    }

    #[test]
    fn subscribe_carries_since_only_for_subscribed_assistants() {
        let since = BTreeMap::from([(1, 42), (7, 3)]);
        let msg = ClientMessage::subscribe(&[1, 2], &since);
        assert_eq!(
            msg.to_json(),
            r#"{"type":"subscribe","assistants":[1,2],"since":{"1":42}}"#
        );
        assert_eq!(
            ClientMessage::subscribe(&[5], &since).to_json(),
            r#"{"type":"subscribe","assistants":[5]}"#
        );
        assert_eq!(
            ClientMessage::Unsubscribe {
                assistants: vec![1]
            }
            .to_json(),
            r#"{"type":"unsubscribe","assistants":[1]}"#
        );
    }
}
