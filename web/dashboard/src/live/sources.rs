//! What the live feed says about sources (`{"type":"source"}` after each poll of a followed
//! source, [`SourceMessage`]): per source, how many polls were reported since the page opened
//! (charts refetch when it moves), the latest fetch time and error, and the owner alerts
//! (a transformer marked failed, a source that stopped retrying), kept like budget alerts so
//! the toasts show each once.

use std::collections::BTreeMap;

use protocol::live::SourceMessage;

/// Source alerts kept.
pub const MAX_SOURCE_ALERTS: usize = 20;

/// The latest poll of one source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceLive {
    /// Polls reported since the page opened.
    pub updates: u64,
    /// Points the latest poll wrote.
    pub points_written: usize,
    pub last_fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
    pub consecutive_failures: i64,
}

/// An alert about a source that needs its owner.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceAlert {
    pub source_id: i64,
    pub message: String,
}

/// Every followed source's latest poll, and the alerts received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourcesLive {
    pub by_id: BTreeMap<i64, SourceLive>,
    /// Newest first, at most [`MAX_SOURCE_ALERTS`].
    pub alerts: Vec<SourceAlert>,
    /// Every alert ever put in `alerts` (see `live::toasts`).
    pub alerts_received: u64,
}

impl SourcesLive {
    /// Applies one message.
    pub fn apply(&mut self, message: SourceMessage) {
        let live = self.by_id.entry(message.source_id).or_default();
        live.updates = live.updates.wrapping_add(1);
        live.points_written = message.points.len();
        if message.last_fetched_at.is_some() {
            live.last_fetched_at = message.last_fetched_at;
        }
        live.last_error = message.last_error;
        live.consecutive_failures = message.consecutive_failures;
        if let Some(alert) = message.alert.filter(|a| !a.trim().is_empty()) {
            self.alerts.insert(
                0,
                SourceAlert {
                    source_id: message.source_id,
                    message: alert,
                },
            );
            self.alerts.truncate(MAX_SOURCE_ALERTS);
            self.alerts_received = self.alerts_received.saturating_add(1);
        }
    }

    /// The polls reported of `id` (0 before any).
    pub fn updates_of(&self, id: i64) -> u64 {
        self.by_id.get(&id).map_or(0, |s| s.updates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> SourceMessage {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn polls_count_per_source_and_alerts_are_kept_newest_first() {
        let mut live = SourcesLive::default();
        live.apply(message(
            r#"{"type":"source","sourceId":3,"points":[{"timestamp":"2026-12-03T10:00:00Z","value":5}],
                "lastFetchedAt":"2026-12-03T10:00:01Z","lastError":null,"consecutiveFailures":0}"#,
        ));
        assert_eq!(live.updates_of(3), 1);
        assert_eq!(live.updates_of(4), 0);
        assert_eq!(live.by_id[&3].points_written, 1);
        live.apply(message(
            r#"{"type":"source","sourceId":3,"lastError":"GitHub answered 500","consecutiveFailures":3,
                "alert":"the transformer of github-repo-stars was marked failed"}"#,
        ));
        let s = &live.by_id[&3];
        assert_eq!(s.updates, 2);
        assert_eq!(s.last_error.as_deref(), Some("GitHub answered 500"));
        assert!(
            s.last_fetched_at.is_some(),
            "a failure keeps the last fetch time"
        );
        assert_eq!(live.alerts_received, 1);
        assert_eq!(live.alerts[0].source_id, 3);
        live.apply(message(
            r#"{"type":"source","sourceId":4,"alert":"stopped retrying"}"#,
        ));
        assert_eq!(live.alerts[0].message, "stopped retrying");
        assert_eq!(live.alerts_received, 2);
    }
}
