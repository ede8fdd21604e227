//! Messages of `WS /api/v1/ws/live`: the types come from the shared `protocol` crate (the hub
//! serialises the same definitions), so they cannot drift apart. Parsing is tolerant: unknown
//! message types are [`ServerMessage::Unknown`], so a newer hub never breaks an older dashboard.
//! This module adds what only the dashboard needs: parsing a frame, building a subscription,
//! and the ratios a tile shows.

use std::collections::BTreeMap;

pub use ::protocol::live::{
    BudgetAlert, ClientMessage, ServerMessage, SessionsMessage, StatsView as Stats,
    TotalsView as Totals,
};

/// Parses one text frame from the hub.
pub fn parse(text: &str) -> Result<ServerMessage, serde_json::Error> {
    serde_json::from_str(text)
}

/// A subscription to `assistants`, resuming from `since` (by assistant id) where known.
pub fn subscribe(assistants: &[i64], since: &BTreeMap<i64, u64>) -> ClientMessage {
    ClientMessage::Subscribe {
        assistants: assistants.to_vec(),
        since: since
            .iter()
            .filter(|(id, _)| assistants.contains(id))
            .map(|(id, seq)| (id.to_string(), *seq))
            .collect(),
    }
}

/// A subscription to the polls of `sources`.
pub fn subscribe_sources(sources: &[i64]) -> ClientMessage {
    ClientMessage::SubscribeSources {
        sources: sources.to_vec(),
    }
}

/// The JSON text frame of `message`.
pub fn to_json(message: &ClientMessage) -> String {
    // Serialising plain structs of numbers and strings cannot fail.
    serde_json::to_string(message).unwrap_or_default()
}

/// Ratios of [`Totals`] that tiles and boards show.
pub trait TotalsRatios {
    /// Errors per call, `None` without calls.
    fn error_rate(&self) -> Option<f64>;
    /// Mean cost of a call, `None` without calls.
    fn avg_call_cost(&self) -> Option<f64>;
}

impl TotalsRatios for Totals {
    fn error_rate(&self) -> Option<f64> {
        crate::format::error_rate(self.errors, self.calls)
    }

    fn avg_call_cost(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.cost / self.calls as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_reads_the_documented_snapshot() {
        let snapshot = parse(
            r#"{"type":"snapshot","assistantId":1,"seq":42,"stats":{
                "today":{"calls":10,"errors":1,"cost":0.5,"totalMinutes":3.5,"tokensIn":100,"tokensOut":200}}}"#,
        );
        let Ok(ServerMessage::Snapshot { stats, .. }) = snapshot else {
            panic!("not a snapshot: {snapshot:?}");
        };
        assert_eq!(stats.today.error_rate(), Some(0.1));
        assert_eq!(stats.today.avg_call_cost(), Some(0.05));
        assert_eq!(Totals::default().error_rate(), None);
        assert!(matches!(
            parse(r#"{"type":"hello","version":2}"#),
            Ok(ServerMessage::Unknown)
        ));
    }

    #[test]
    fn subscribe_carries_since_only_for_subscribed_assistants() {
        let since = BTreeMap::from([(1, 42), (7, 3)]);
        assert_eq!(
            to_json(&subscribe(&[1, 2], &since)),
            r#"{"type":"subscribe","assistants":[1,2],"since":{"1":42}}"#
        );
        assert_eq!(
            to_json(&subscribe(&[5], &since)),
            r#"{"type":"subscribe","assistants":[5]}"#
        );
        assert_eq!(
            to_json(&subscribe_sources(&[4, 9])),
            r#"{"type":"subscribeSources","sources":[4,9]}"#
        );
        assert_eq!(
            to_json(&ClientMessage::Unsubscribe {
                assistants: vec![1]
            }),
            r#"{"type":"unsubscribe","assistants":[1]}"#
        );
    }
}
