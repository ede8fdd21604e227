//! What the live feed has told us, and whether it told us everything.
//!
//! [`SeqTracker`] is the protocol side, owned by the connection loop: it checks each message's
//! per-assistant `seq`, says whether to apply it, ignore it (a replayed duplicate) or resume
//! (a gap: something was missed), and remembers the last `seq` for resuming after a
//! reconnect. [`LiveState`] is the view side, a `use_reducer` state: connection status, the
//! latest stats per assistant and when they last changed. It also refuses stale deltas, so a
//! message applied twice changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::protocol::{BudgetAlert, ServerMessage, Stats, Totals};

/// What to do with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Apply it.
    Apply,
    /// Already seen (or a gap is being repaired): drop it.
    Ignore,
    /// Deltas were missed: subscribe again to this assistant, resuming after `since`
    /// (`None`: no state at all yet, ask for a snapshot).
    Resync {
        assistant_id: i64,
        since: Option<u64>,
    },
}

/// Per-assistant sequence bookkeeping of one live connection (and its reconnects).
#[derive(Clone, Debug, Default)]
pub struct SeqTracker {
    last: BTreeMap<i64, u64>,
    resyncing: BTreeSet<i64>,
}

impl SeqTracker {
    /// Checks one message and records its `seq` when it is applied.
    pub fn check(&mut self, message: &ServerMessage) -> Verdict {
        match *message {
            ServerMessage::Snapshot {
                assistant_id, seq, ..
            } => {
                // A snapshot is the whole state: always good, and it ends a resync.
                self.last.insert(assistant_id, seq);
                self.resyncing.remove(&assistant_id);
                Verdict::Apply
            }
            ServerMessage::Delta {
                assistant_id, seq, ..
            } => match self.last.get(&assistant_id).copied() {
                Some(last) if seq <= last => Verdict::Ignore,
                Some(last) if seq == last + 1 => {
                    self.last.insert(assistant_id, seq);
                    self.resyncing.remove(&assistant_id);
                    Verdict::Apply
                }
                since => {
                    if self.resyncing.insert(assistant_id) {
                        Verdict::Resync {
                            assistant_id,
                            since,
                        }
                    } else {
                        // Already asked for the missing part; it will come in order.
                        Verdict::Ignore
                    }
                }
            },
            ServerMessage::Error { .. } | ServerMessage::Unknown => Verdict::Apply,
        }
    }

    /// The last `seq` seen per assistant, for `since` when resubscribing.
    pub fn since(&self) -> &BTreeMap<i64, u64> {
        &self.last
    }

    /// Called when the connection drops: pending resyncs are void (the resubscribe after the
    /// reconnect carries `since` for everything).
    pub fn disconnected(&mut self) {
        self.resyncing.clear();
    }

    /// Forgets assistants no longer subscribed.
    pub fn retain(&mut self, assistants: &[i64]) {
        self.last.retain(|id, _| assistants.contains(id));
        self.resyncing.retain(|id| assistants.contains(id));
    }
}

/// The state of the connection, for the "live / reconnecting" indicator.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Connection {
    /// Nothing to subscribe to (or not logged in).
    #[default]
    Idle,
    /// Opening the socket (`attempt` 0 is the first try).
    Connecting { attempt: u32 },
    /// Receiving updates.
    Live,
    /// Lost; the next attempt starts after `retry_in_ms`.
    Reconnecting { attempt: u32, retry_in_ms: u32 },
}

impl Connection {
    pub fn is_live(&self) -> bool {
        matches!(self, Self::Live)
    }
}

/// What we know about one assistant from the feed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AssistantLive {
    pub seq: u64,
    pub stats: Stats,
    /// What the latest delta added (zero after a snapshot).
    pub last_added: Totals,
    /// Deltas applied since the page opened; lets tiles flash on change.
    pub updates: u64,
    /// A budget covering the assistant is spent for its current period (as of the latest
    /// delta; snapshots do not say, so they keep what was known).
    pub over_budget: bool,
}

/// Inputs of the [`LiveState`] reducer.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveAction {
    /// The connection changed state.
    Connection(Connection),
    /// A message that [`SeqTracker`] said to apply, and when it arrived.
    Message {
        message: Box<ServerMessage>,
        received: DateTime<Utc>,
    },
    /// The subscription changed: keep only these assistants.
    Retain(Vec<i64>),
}

/// The live state the pages render.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveState {
    pub connection: Connection,
    pub assistants: BTreeMap<i64, AssistantLive>,
    /// Errors the server reported per assistant (e.g. 404), by id.
    pub errors: BTreeMap<i64, String>,
    /// When the latest snapshot or delta was applied.
    pub last_update: Option<DateTime<Utc>>,
    /// Budget alerts received while the page is open, newest first (at most [`MAX_ALERTS`]).
    pub alerts: Vec<BudgetAlert>,
}

/// Budget alerts a page keeps.
pub const MAX_ALERTS: usize = 20;

impl LiveState {
    /// Applies one action in place; returns whether anything changed.
    pub fn apply(&mut self, action: LiveAction) -> bool {
        match action {
            LiveAction::Connection(connection) => {
                let changed = self.connection != connection;
                self.connection = connection;
                changed
            }
            LiveAction::Retain(ids) => {
                let before = (self.assistants.len(), self.errors.len());
                self.assistants.retain(|id, _| ids.contains(id));
                self.errors.retain(|id, _| ids.contains(id));
                before != (self.assistants.len(), self.errors.len())
            }
            LiveAction::Message { message, received } => {
                self.connection = Connection::Live;
                self.apply_message(*message, received)
            }
        }
    }

    fn apply_message(&mut self, message: ServerMessage, received: DateTime<Utc>) -> bool {
        match message {
            ServerMessage::Snapshot {
                assistant_id,
                seq,
                stats,
            } => {
                if self
                    .assistants
                    .get(&assistant_id)
                    .is_some_and(|a| a.seq > seq)
                {
                    return false;
                }
                let known = self.assistants.get(&assistant_id);
                let updates = known.map_or(0, |a| a.updates);
                let over_budget = known.is_some_and(|a| a.over_budget);
                self.assistants.insert(
                    assistant_id,
                    AssistantLive {
                        seq,
                        stats,
                        last_added: Totals::default(),
                        updates,
                        over_budget,
                    },
                );
                self.errors.remove(&assistant_id);
                self.last_update = Some(received);
                true
            }
            ServerMessage::Delta {
                assistant_id,
                seq,
                at,
                added,
                stats,
                alerts,
                over_budget,
            } => {
                if self
                    .assistants
                    .get(&assistant_id)
                    .is_some_and(|a| a.seq >= seq)
                {
                    return false;
                }
                let updates = self
                    .assistants
                    .get(&assistant_id)
                    .map_or(0, |a| a.updates)
                    .saturating_add(1);
                self.assistants.insert(
                    assistant_id,
                    AssistantLive {
                        seq,
                        stats,
                        last_added: added,
                        updates,
                        over_budget,
                    },
                );
                for alert in alerts {
                    self.alerts.insert(0, alert);
                }
                self.alerts.truncate(MAX_ALERTS);
                self.errors.remove(&assistant_id);
                // The server's commit time, unless the clocks disagree wildly.
                self.last_update = Some(match at {
                    Some(t) if (t - received).num_seconds().abs() < 300 => t,
                    _ => received,
                });
                true
            }
            ServerMessage::Error {
                assistant_id: Some(id),
                status,
                detail,
            } => {
                self.errors
                    .insert(id, format!("{detail} ({status})").trim().to_owned());
                true
            }
            ServerMessage::Error {
                assistant_id: None, ..
            }
            | ServerMessage::Unknown => false,
        }
    }

    /// The stats of one assistant, if the feed has them.
    pub fn stats(&self, assistant_id: i64) -> Option<&Stats> {
        self.assistants.get(&assistant_id).map(|a| &a.stats)
    }
}

impl yew::Reducible for LiveState {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.apply(action) {
            Rc::new(next)
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn stats(calls: i64) -> Stats {
        Stats {
            today: Totals {
                calls,
                ..Totals::default()
            },
            ..Stats::default()
        }
    }

    fn snapshot(id: i64, seq: u64, calls: i64) -> ServerMessage {
        ServerMessage::Snapshot {
            assistant_id: id,
            seq,
            stats: stats(calls),
        }
    }

    fn delta(id: i64, seq: u64, calls: i64) -> ServerMessage {
        ServerMessage::Delta {
            assistant_id: id,
            seq,
            at: "2026-11-23T10:00:01Z".parse().ok(),
            added: Totals {
                calls: 1,
                ..Totals::default()
            },
            stats: stats(calls),
            alerts: Vec::new(),
            over_budget: false,
        }
    }

    fn alert(budget_id: i64) -> BudgetAlert {
        BudgetAlert {
            budget_id,
            assistant_id: Some(1),
            period: "daily".into(),
            period_start: now().date_naive(),
            threshold: 100,
            limit: 5.0,
            spent: 5.5,
        }
    }

    fn received(state: &mut LiveState, message: ServerMessage) -> bool {
        state.apply(LiveAction::Message {
            message: Box::new(message),
            received: now(),
        })
    }

    #[test]
    fn budget_alerts_and_the_over_budget_flag_are_kept() {
        let mut state = LiveState::default();
        received(&mut state, snapshot(1, 1, 5));
        let over = |state: &LiveState| state.assistants.get(&1).map(|a| a.over_budget);
        assert_eq!(over(&state), Some(false));
        let mut pushed_over = delta(1, 2, 6);
        if let ServerMessage::Delta {
            alerts,
            over_budget,
            ..
        } = &mut pushed_over
        {
            *alerts = vec![alert(3), alert(4)];
            *over_budget = true;
        }
        assert!(received(&mut state, pushed_over));
        assert_eq!(over(&state), Some(true));
        let ids: Vec<i64> = state.alerts.iter().map(|a| a.budget_id).collect();
        assert_eq!(ids, vec![4, 3], "newest first");
        // A snapshot (on resubscribe) says nothing about budgets: the flag stays.
        received(&mut state, snapshot(1, 9, 7));
        assert_eq!(over(&state), Some(true));
        for budget_id in 10..40 {
            let mut more = delta(1, 10 + budget_id as u64, 7);
            if let ServerMessage::Delta { alerts, .. } = &mut more {
                *alerts = vec![alert(budget_id)];
            }
            received(&mut state, more);
        }
        assert_eq!(state.alerts.len(), MAX_ALERTS);
        assert_eq!(state.alerts.first().map(|a| a.budget_id), Some(39));
        // The next delta without the flag clears it.
        received(&mut state, delta(1, 100, 8));
        assert_eq!(over(&state), Some(false));
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 2)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn tracker_applies_in_order_and_ignores_replays() {
        let mut t = SeqTracker::default();
        assert_eq!(t.check(&snapshot(1, 10, 5)), Verdict::Apply);
        assert_eq!(t.check(&delta(1, 11, 6)), Verdict::Apply);
        assert_eq!(t.check(&delta(1, 12, 7)), Verdict::Apply);
        assert_eq!(t.check(&delta(1, 12, 7)), Verdict::Ignore);
        assert_eq!(t.check(&delta(1, 5, 1)), Verdict::Ignore);
        assert_eq!(t.since(), &BTreeMap::from([(1, 12)]));
    }

    #[test]
    fn tracker_detects_a_gap_once_and_recovers_on_replay() {
        let mut t = SeqTracker::default();
        t.check(&snapshot(1, 10, 5));
        assert_eq!(
            t.check(&delta(1, 13, 8)),
            Verdict::Resync {
                assistant_id: 1,
                since: Some(10)
            }
        );
        // Later live deltas while the replay is on its way: no second resubscribe.
        assert_eq!(t.check(&delta(1, 14, 9)), Verdict::Ignore);
        // The replay, in order.
        for (seq, calls) in [(11, 6), (12, 7), (13, 8), (14, 9)] {
            assert_eq!(t.check(&delta(1, seq, calls)), Verdict::Apply);
        }
        assert_eq!(t.since().get(&1), Some(&14));
        // A new gap after recovery is reported again.
        assert!(matches!(t.check(&delta(1, 20, 1)), Verdict::Resync { .. }));
    }

    #[test]
    fn tracker_asks_for_a_snapshot_when_a_delta_comes_first() {
        let mut t = SeqTracker::default();
        assert_eq!(
            t.check(&delta(3, 7, 1)),
            Verdict::Resync {
                assistant_id: 3,
                since: None
            }
        );
        assert_eq!(t.check(&snapshot(3, 9, 4)), Verdict::Apply);
        assert_eq!(t.check(&delta(3, 10, 5)), Verdict::Apply);
    }

    #[test]
    fn tracker_keeps_seqs_across_reconnects_and_forgets_unsubscribed() {
        let mut t = SeqTracker::default();
        t.check(&snapshot(1, 10, 5));
        t.check(&snapshot(2, 3, 5));
        t.check(&delta(1, 12, 5));
        t.disconnected();
        // After a reconnect the gap can be reported again.
        assert!(matches!(t.check(&delta(1, 12, 5)), Verdict::Resync { .. }));
        t.retain(&[2]);
        assert_eq!(t.since(), &BTreeMap::from([(2, 3)]));
    }

    #[test]
    fn state_applies_snapshot_then_deltas() {
        let mut s = LiveState::default();
        assert!(s.apply(LiveAction::Connection(Connection::Connecting {
            attempt: 0
        })));
        assert!(!s.apply(LiveAction::Connection(Connection::Connecting {
            attempt: 0
        })));
        assert!(s.apply(LiveAction::Message {
            message: Box::new(snapshot(1, 10, 5)),
            received: now()
        }));
        assert!(s.connection.is_live());
        assert_eq!(s.stats(1).map(|x| x.today.calls), Some(5));
        assert_eq!(s.last_update, Some(now()));

        assert!(s.apply(LiveAction::Message {
            message: Box::new(delta(1, 11, 6)),
            received: now()
        }));
        let a = s
            .assistants
            .get(&1)
            .copied()
            .unwrap_or_else(|| panic!("no state"));
        assert_eq!(
            (a.seq, a.stats.today.calls, a.updates, a.last_added.calls),
            (11, 6, 1, 1)
        );
        // The delta's own timestamp is the update time.
        assert_eq!(
            s.last_update.map(|t| t.to_rfc3339()),
            Some("2026-11-23T10:00:01+00:00".to_owned())
        );
    }

    #[test]
    fn state_refuses_stale_messages() {
        let mut s = LiveState::default();
        s.apply(LiveAction::Message {
            message: Box::new(snapshot(1, 10, 5)),
            received: now(),
        });
        assert!(!s.apply(LiveAction::Message {
            message: Box::new(delta(1, 10, 99)),
            received: now()
        }));
        assert!(!s.apply(LiveAction::Message {
            message: Box::new(snapshot(1, 9, 99)),
            received: now()
        }));
        assert_eq!(s.stats(1).map(|x| x.today.calls), Some(5));
    }

    #[test]
    fn state_records_errors_and_retains_subscribed() {
        let mut s = LiveState::default();
        s.apply(LiveAction::Message {
            message: Box::new(snapshot(1, 1, 1)),
            received: now(),
        });
        s.apply(LiveAction::Message {
            message: Box::new(ServerMessage::Error {
                assistant_id: Some(2),
                status: 404,
                detail: "assistant 2 not found".to_owned(),
            }),
            received: now(),
        });
        assert_eq!(
            s.errors.get(&2).map(String::as_str),
            Some("assistant 2 not found (404)")
        );
        assert!(s.apply(LiveAction::Retain(vec![2])));
        assert!(s.assistants.is_empty());
        assert!(!s.apply(LiveAction::Retain(vec![2])));
    }

    #[test]
    fn reducer_keeps_the_same_rc_when_nothing_changes() {
        use yew::Reducible;
        let s = Rc::new(LiveState::default());
        let same = s.clone().reduce(LiveAction::Connection(Connection::Idle));
        assert!(Rc::ptr_eq(&s, &same));
        let changed = s.clone().reduce(LiveAction::Connection(Connection::Live));
        assert!(!Rc::ptr_eq(&s, &changed));
    }
}
