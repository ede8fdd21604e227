//! Live sessions: which conversations of one assistant are active right now, kept in memory by
//! its actor from the batches it commits (only durable samples count), so `GET /sessions/live`
//! and the live deltas never query the database.
//!
//! A session is the calls that name one `sessionId`. It is active while its calls keep
//! arriving: once its newest call (by the call's `ts`) is older than the idle timeout it has
//! ended and is forgotten; a later call with the same id starts a new session. At most
//! [`SessionConfig::max_sessions`] are tracked per assistant, the least recently active are
//! evicted first, so memory stays bounded whatever clients send.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use protocol::sessions::LiveSession;
use serde::{Deserialize, Serialize};

use crate::units::nanos_to_usd;
use crate::Sample;

pub mod history;

pub use history::SessionDayTotals;

/// Most changed sessions one live message carries (the newest; the count is always exact), so
/// a batch touching thousands of sessions does not become a message of megabytes on the bus.
pub const MAX_CHANGED_PER_MESSAGE: usize = 100;

/// How sessions are tracked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionConfig {
    /// A session whose newest call is older than this has ended.
    pub idle_timeout: Duration,
    /// Most sessions tracked per assistant (the least recently active are evicted first).
    pub max_sessions: usize,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(300),
            max_sessions: 10_000,
        }
    }
}

impl SessionConfig {
    /// The idle timeout as a chrono duration (saturating; no real timeout overflows it).
    pub fn idle(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.idle_timeout).unwrap_or(chrono::Duration::MAX)
    }
}

/// One session of one assistant, in storage units (also the live bus's format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub assistant_id: i64,
    pub session_id: String,
    /// `ts` of its first and newest call.
    pub started_at: DateTime<Utc>,
    pub last_event_at: DateTime<Utc>,
    pub calls: i64,
    pub errors: i64,
    pub cost_nanos: i64,
    pub tokens_in: i64,
    pub tokens_out: i64,
    /// The model of its newest call that named one.
    pub model: Option<String>,
}

impl Session {
    /// Whether the session is still active at `now` (its newest call within `idle`).
    pub fn is_active(&self, now: DateTime<Utc>, idle: chrono::Duration) -> bool {
        now - self.last_event_at <= idle
    }

    /// The session in client units, its uptime counted to `now`.
    pub fn view(&self, now: DateTime<Utc>) -> LiveSession {
        LiveSession {
            session_id: self.session_id.clone(),
            assistant_id: self.assistant_id,
            started_at: self.started_at,
            last_event_at: self.last_event_at,
            uptime_seconds: (now - self.started_at).num_seconds().max(0),
            model: self.model.clone(),
            calls: self.calls,
            errors: self.errors,
            cost: nanos_to_usd(self.cost_nanos),
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
        }
    }

    /// Adds one committed call of the session.
    fn add(&mut self, sample: &Sample) {
        self.started_at = self.started_at.min(sample.ts);
        if sample.ts >= self.last_event_at {
            self.last_event_at = sample.ts;
            if sample.model.is_some() {
                self.model.clone_from(&sample.model);
            }
        } else if self.model.is_none() {
            self.model.clone_from(&sample.model);
        }
        self.calls = self.calls.saturating_add(sample.calls);
        self.errors = self.errors.saturating_add(sample.errors);
        self.cost_nanos = self.cost_nanos.saturating_add(sample.cost_nanos);
        self.tokens_in = self.tokens_in.saturating_add(sample.tokens_in);
        self.tokens_out = self.tokens_out.saturating_add(sample.tokens_out);
    }
}

/// The active sessions of one assistant.
#[derive(Debug)]
pub struct SessionTracker {
    assistant_id: i64,
    config: SessionConfig,
    sessions: HashMap<String, Session>,
    /// `(last_event_at, id)` of every tracked session: the least recently active first.
    by_activity: BTreeSet<(DateTime<Utc>, String)>,
    /// Ids of sessions added to or changed since [`SessionTracker::take_changes`] was last called.
    changed: BTreeSet<String>,
    /// Sessions that ended (or were evicted) since then.
    ended: usize,
}

impl SessionTracker {
    pub fn new(assistant_id: i64, config: SessionConfig) -> Self {
        Self {
            assistant_id,
            config,
            sessions: HashMap::new(),
            by_activity: BTreeSet::new(),
            changed: BTreeSet::new(),
            ended: 0,
        }
    }

    /// Adds committed samples at `now`: those naming a session update it (a call older than the
    /// idle timeout does not make its session active).
    pub fn record<'a>(
        &mut self,
        samples: impl IntoIterator<Item = &'a Sample>,
        now: DateTime<Utc>,
    ) {
        let idle = self.config.idle();
        for sample in samples {
            let Some(id) = sample.session_id.as_deref() else {
                continue;
            };
            if now - sample.ts > idle {
                continue;
            }
            match self.sessions.get_mut(id) {
                // A call after the session ended starts a new one with the same id.
                Some(session) if sample.ts - session.last_event_at > idle => {
                    self.by_activity
                        .remove(&(session.last_event_at, id.to_owned()));
                    *session = Self::start(self.assistant_id, id, sample);
                    self.by_activity
                        .insert((session.last_event_at, id.to_owned()));
                }
                Some(session) => {
                    self.by_activity
                        .remove(&(session.last_event_at, id.to_owned()));
                    session.add(sample);
                    self.by_activity
                        .insert((session.last_event_at, id.to_owned()));
                }
                None => {
                    let session = Self::start(self.assistant_id, id, sample);
                    self.by_activity
                        .insert((session.last_event_at, id.to_owned()));
                    self.sessions.insert(id.to_owned(), session);
                    self.evict_over_limit();
                }
            }
            if self.sessions.contains_key(id) {
                self.changed.insert(id.to_owned());
            }
        }
    }

    fn start(assistant_id: i64, id: &str, sample: &Sample) -> Session {
        let mut session = Session {
            assistant_id,
            session_id: id.to_owned(),
            started_at: sample.ts,
            last_event_at: sample.ts,
            calls: 0,
            errors: 0,
            cost_nanos: 0,
            tokens_in: 0,
            tokens_out: 0,
            model: None,
        };
        session.add(sample);
        session
    }

    /// Adds sessions read back from storage (an actor starting after a restart); a session
    /// already tracked keeps what this actor committed.
    pub fn seed(&mut self, sessions: Vec<Session>, now: DateTime<Utc>) {
        let idle = self.config.idle();
        for session in sessions {
            if !session.is_active(now, idle) || self.sessions.contains_key(&session.session_id) {
                continue;
            }
            self.by_activity
                .insert((session.last_event_at, session.session_id.clone()));
            self.sessions.insert(session.session_id.clone(), session);
            self.evict_over_limit();
        }
    }

    fn evict_over_limit(&mut self) {
        while self.sessions.len() > self.config.max_sessions.max(1) {
            let Some((_, oldest)) = self.by_activity.pop_first() else {
                break;
            };
            self.sessions.remove(&oldest);
            self.changed.remove(&oldest);
            self.ended += 1;
        }
    }

    /// Forgets the sessions that have ended by `now`; returns how many.
    pub fn expire(&mut self, now: DateTime<Utc>) -> usize {
        let idle = self.config.idle();
        let mut count = 0;
        while let Some((last, _)) = self.by_activity.first() {
            if now - *last <= idle {
                break;
            }
            let Some((_, id)) = self.by_activity.pop_first() else {
                break;
            };
            self.sessions.remove(&id);
            self.changed.remove(&id);
            count += 1;
        }
        self.ended += count;
        count
    }

    /// The sessions active at `now`, newest activity first.
    pub fn active(&self, now: DateTime<Utc>) -> Vec<Session> {
        let idle = self.config.idle();
        self.by_activity
            .iter()
            .rev()
            .take_while(|(last, _)| now - *last <= idle)
            .filter_map(|(_, id)| self.sessions.get(id).cloned())
            .collect()
    }

    /// How many sessions are active at `now`.
    pub fn count(&self, now: DateTime<Utc>) -> usize {
        let idle = self.config.idle();
        self.by_activity
            .iter()
            .rev()
            .take_while(|(last, _)| now - *last <= idle)
            .count()
    }

    /// Whether no session is active at `now` (the actor may then stop when idle).
    pub fn is_empty(&self, now: DateTime<Utc>) -> bool {
        self.count(now) == 0
    }

    /// Whether sessions changed or ended since the last [`SessionTracker::take_changes`].
    pub fn has_changes(&self) -> bool {
        !self.changed.is_empty() || self.ended > 0
    }

    /// The sessions that changed since the last call (still active ones, the newest
    /// [`MAX_CHANGED_PER_MESSAGE`] first) and how many ended meanwhile; resets both.
    pub fn take_changes(&mut self) -> (Vec<Session>, usize) {
        let mut changed: Vec<Session> = std::mem::take(&mut self.changed)
            .iter()
            .filter_map(|id| self.sessions.get(id).cloned())
            .collect();
        changed.sort_by_key(|s| std::cmp::Reverse(s.last_event_at));
        changed.truncate(MAX_CHANGED_PER_MESSAGE);
        (changed, std::mem::take(&mut self.ended))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::call;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap_or_default()
    }

    fn event(session: &str, seconds: i64, model: Option<&str>, cost_nanos: i64) -> Sample {
        Sample {
            ts: at(seconds),
            session_id: Some(session.to_owned()),
            model: model.map(str::to_owned),
            cost_nanos,
            ..call(None)
        }
    }

    fn tracker(max_sessions: usize) -> SessionTracker {
        SessionTracker::new(
            1,
            SessionConfig {
                idle_timeout: Duration::from_secs(60),
                max_sessions,
            },
        )
    }

    #[test]
    fn calls_add_up_per_session_and_the_newest_model_wins() {
        let mut sessions = tracker(10);
        let samples = [
            event("a", 0, Some("gpt-4o"), 10),
            event("a", 30, Some("claude"), 5),
            event("a", 20, Some("old"), 1),
            event("b", 10, None, 7),
            Sample {
                session_id: None,
                ..call(None)
            },
        ];
        sessions.record(&samples, at(40));
        let active = sessions.active(at(40));
        let ids: Vec<&str> = active.iter().map(|s| s.session_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let a = &active[0];
        assert_eq!((a.calls, a.cost_nanos), (3, 16));
        assert_eq!((a.started_at, a.last_event_at), (at(0), at(30)));
        assert_eq!(a.model.as_deref(), Some("claude"));
        assert_eq!(sessions.count(at(40)), 2);
    }

    #[test]
    fn a_session_ends_after_the_idle_timeout_and_its_id_may_start_a_new_one() {
        let mut sessions = tracker(10);
        sessions.record(&[event("a", 0, None, 1), event("b", 50, None, 1)], at(50));
        assert_eq!(sessions.count(at(60)), 2);
        // `a` is past the timeout: not listed even before it is swept.
        assert_eq!(sessions.count(at(61)), 1);
        assert_eq!(sessions.expire(at(61)), 1);
        let _ = sessions.take_changes();
        sessions.record(&[event("a", 100, None, 4)], at(100));
        let active = sessions.active(at(100));
        assert_eq!(active.len(), 2, "{active:?}");
        let a = &active[0];
        assert_eq!(a.session_id, "a");
        assert_eq!((a.started_at, a.calls, a.cost_nanos), (at(100), 1, 4));
        // A call older than the timeout does not revive anything.
        sessions.record(&[event("c", 0, None, 1)], at(100));
        assert_eq!(sessions.count(at(100)), 2);
        assert!(sessions.is_empty(at(200)));
    }

    #[test]
    fn the_least_recently_active_sessions_are_evicted_beyond_the_limit() {
        let mut sessions = tracker(2);
        sessions.record(
            &[
                event("a", 10, None, 1),
                event("b", 20, None, 1),
                event("c", 30, None, 1),
            ],
            at(30),
        );
        let ids: Vec<String> = sessions
            .active(at(30))
            .into_iter()
            .map(|s| s.session_id)
            .collect();
        assert_eq!(ids, ["c", "b"]);
        let (changed, ended) = sessions.take_changes();
        assert_eq!((changed.len(), ended), (2, 1));
        assert!(!sessions.has_changes());
    }

    #[test]
    fn one_message_carries_the_newest_changed_sessions_only() {
        let mut sessions = tracker(1_000);
        let many: Vec<Sample> = (0..150)
            .map(|i| event(&format!("s{i}"), i / 10, None, 1))
            .collect();
        sessions.record(&many, at(20));
        let (changed, _) = sessions.take_changes();
        assert_eq!(changed.len(), MAX_CHANGED_PER_MESSAGE);
        assert_eq!(changed[0].last_event_at, at(14));
        assert_eq!(sessions.count(at(20)), 150);
    }

    #[test]
    fn seeded_sessions_do_not_replace_tracked_ones() {
        let mut sessions = tracker(10);
        sessions.record(&[event("a", 50, None, 1)], at(50));
        let stored = |id: &str, last: i64| Session {
            assistant_id: 1,
            session_id: id.to_owned(),
            started_at: at(0),
            last_event_at: at(last),
            calls: 9,
            errors: 0,
            cost_nanos: 9,
            tokens_in: 0,
            tokens_out: 0,
            model: None,
        };
        sessions.seed(
            vec![stored("a", 40), stored("b", 45), stored("old", -100)],
            at(50),
        );
        let active = sessions.active(at(50));
        let calls: Vec<(String, i64)> = active
            .into_iter()
            .map(|s| (s.session_id, s.calls))
            .collect();
        assert_eq!(calls, [("a".to_owned(), 1), ("b".to_owned(), 9)]);
    }
}
