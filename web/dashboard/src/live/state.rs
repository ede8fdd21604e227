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

use chrono::{DateTime, NaiveDate, Utc};

use super::protocol::{BudgetAlert, ServerMessage, Stats, Totals};
use super::sources::SourcesLive;

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
    /// When its latest snapshot or delta was applied (the delta's commit time when the clocks
    /// agree): a view's `last_update` is the latest of its assistants'.
    pub updated: DateTime<Utc>,
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
    /// The budget alerts of a delta that revealed a gap: the delta itself is not applied (a
    /// replay or snapshot follows), but its alerts are real and a snapshot would not carry
    /// them.
    Alerts(Vec<BudgetAlert>),
    /// How many sessions of an assistant are active (the `sessions` message).
    Sessions { assistant_id: i64, active: usize },
    /// Alert rules that fired (the `ruleAlerts` message).
    RuleAlerts(Vec<protocol::live::RuleAlert>),
    /// A poll of a followed source (the `source` message).
    Source(Box<protocol::live::SourceMessage>),
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
    /// Every alert ever put in `alerts` (those pushed out by newer ones included), so that a
    /// reader can tell which ones are new since it last looked (see `live::toasts`).
    pub alerts_received: u64,
    /// Every alert kept, by what makes it unique (budget, period start, threshold): the same
    /// alert arriving twice (kept from a gap, then replayed) is kept once.
    alert_keys: BTreeSet<(i64, NaiveDate, i64)>,
    /// Active sessions per assistant, as the latest `sessions` message said.
    pub active_sessions: BTreeMap<i64, usize>,
    /// `sessions` messages applied: pages that list sessions refetch when it moves.
    pub session_updates: u64,
    /// Rule firings received while the page is open, newest first (at most [`MAX_ALERTS`]),
    /// each once (by firing id).
    pub rule_alerts: Vec<protocol::live::RuleAlert>,
    /// Every firing ever put in `rule_alerts` (like `alerts_received`).
    pub rule_alerts_received: u64,
    /// The polls of followed sources.
    pub sources: SourcesLive,
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
                self.active_sessions.retain(|id, _| ids.contains(id));
                before != (self.assistants.len(), self.errors.len())
            }
            LiveAction::Message { message, received } => {
                // A message proves the connection works even when it changes nothing else.
                let reconnected = self.connection != Connection::Live;
                self.connection = Connection::Live;
                self.apply_message(*message, received) || reconnected
            }
            LiveAction::Alerts(alerts) => self.keep_alerts(alerts),
            LiveAction::Sessions {
                assistant_id,
                active,
            } => {
                self.active_sessions.insert(assistant_id, active);
                self.session_updates = self.session_updates.wrapping_add(1);
                true
            }
            LiveAction::RuleAlerts(alerts) => {
                let mut kept = false;
                for alert in alerts {
                    if !self
                        .rule_alerts
                        .iter()
                        .any(|a| a.alert_id == alert.alert_id)
                    {
                        self.rule_alerts.insert(0, alert);
                        self.rule_alerts_received = self.rule_alerts_received.saturating_add(1);
                        kept = true;
                    }
                }
                self.rule_alerts.truncate(MAX_ALERTS);
                kept
            }
            LiveAction::Source(message) => {
                self.sources.apply(*message);
                true
            }
        }
    }

    /// Keeps the alerts not seen before, newest first; whether there was one.
    fn keep_alerts(&mut self, alerts: Vec<BudgetAlert>) -> bool {
        let mut kept = false;
        for alert in alerts {
            let key = (alert.budget_id, alert.period_start, alert.threshold);
            if self.alert_keys.insert(key) {
                self.alerts.insert(0, alert);
                self.alerts_received = self.alerts_received.saturating_add(1);
                kept = true;
            }
        }
        self.alerts.truncate(MAX_ALERTS);
        kept
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
                        updated: received,
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
                // The server's commit time, unless the clocks disagree wildly.
                let updated = match at {
                    Some(t) if (t - received).num_seconds().abs() < 300 => t,
                    _ => received,
                };
                self.assistants.insert(
                    assistant_id,
                    AssistantLive {
                        seq,
                        stats,
                        last_added: added,
                        updates,
                        over_budget,
                        updated,
                    },
                );
                self.keep_alerts(alerts);
                self.errors.remove(&assistant_id);
                self.last_update = Some(updated);
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

    /// What a page showing only `ids` sees of the tab's one feed: their stats, errors and
    /// sessions, `last_update` as the latest of theirs (so a page is not refreshed by
    /// another assistant's delta), the connection (idle for no assistants, as a page with
    /// nothing to follow has no feed), and every alert (alerts are the user's, not a page's).
    pub fn only(&self, ids: &[i64]) -> LiveState {
        let assistants: BTreeMap<i64, AssistantLive> = self
            .assistants
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .map(|(id, a)| (*id, *a))
            .collect();
        LiveState {
            connection: if ids.is_empty() {
                Connection::Idle
            } else {
                self.connection.clone()
            },
            last_update: assistants.values().map(|a| a.updated).max(),
            assistants,
            errors: self
                .errors
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .map(|(id, e)| (*id, e.clone()))
                .collect(),
            active_sessions: self
                .active_sessions
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .map(|(id, n)| (*id, *n))
                .collect(),
            alerts: self.alerts.clone(),
            alerts_received: self.alerts_received,
            alert_keys: self.alert_keys.clone(),
            rule_alerts: self.rule_alerts.clone(),
            rule_alerts_received: self.rule_alerts_received,
            session_updates: self.session_updates,
            sources: self.sources.clone(),
        }
    }

    /// Active sessions over `ids`, once a `sessions` message has counted each of them
    /// (`None` before: the count would be short).
    pub fn active_sessions_of(&self, ids: &[i64]) -> Option<usize> {
        ids.iter()
            .map(|id| self.active_sessions.get(id).copied())
            .sum()
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
mod tests;
