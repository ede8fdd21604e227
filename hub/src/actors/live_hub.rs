//! The live hub of one node: who follows which assistant, the recent deltas of each (so a
//! reconnecting subscriber resumes without gaps), and the fan-out. Deltas reach it from the
//! bus (every node's deltas, in sequence order) or straight from a local assistant actor when
//! the bus is unavailable.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use actix::prelude::*;
use chrono::Utc;

use super::messages::{Disconnect, Live, Publish, Subscribe, Subscriber, Unsubscribe};
use crate::live::{Delta, LiveEvent};
use crate::store::{current_stats, LiveBus, SampleStore};

/// Subscriptions and history of one node.
pub struct LiveHub {
    store: Arc<dyn SampleStore>,
    bus: Option<Arc<dyn LiveBus>>,
    history_len: usize,
    subscribers: HashMap<i64, HashMap<u64, Subscriber>>,
    history: HashMap<i64, VecDeque<Delta>>,
    last_seq: HashMap<i64, u64>,
}

impl LiveHub {
    /// A hub keeping `history_len` recent deltas per assistant; snapshots come from the bus's
    /// cache when recent, else from `store`.
    pub fn new(
        store: Arc<dyn SampleStore>,
        bus: Option<Arc<dyn LiveBus>>,
        history_len: usize,
    ) -> Self {
        Self {
            store,
            bus,
            history_len: history_len.max(1),
            subscribers: HashMap::new(),
            history: HashMap::new(),
            last_seq: HashMap::new(),
        }
    }

    /// The deltas after `since`, if this node still holds all of them.
    fn replay(&self, assistant_id: i64, since: u64) -> Option<Vec<Delta>> {
        let last = self.last_seq.get(&assistant_id).copied().unwrap_or(0);
        if since > last {
            return None;
        }
        if since == last {
            return Some(Vec::new());
        }
        let history = self.history.get(&assistant_id)?;
        let first = history.front()?.seq;
        if first > since + 1 {
            return None;
        }
        Some(history.iter().filter(|d| d.seq > since).cloned().collect())
    }

    fn send_snapshot(&self, assistant_id: i64, subscriber: Subscriber, ctx: &mut Context<Self>) {
        let store = Arc::clone(&self.store);
        let bus = self.bus.clone();
        let seq = self.last_seq.get(&assistant_id).copied().unwrap_or(0);
        let fetch = async move {
            current_stats(store.as_ref(), bus.as_deref(), assistant_id, Utc::now()).await
        };
        ctx.spawn(
            fetch
                .into_actor(self)
                .map(move |current, _, _| match current {
                    Ok(current) => {
                        let _ = subscriber.try_send(Live::single(LiveEvent::Snapshot {
                            assistant_id,
                            seq,
                            stats: current.stats,
                        }));
                    }
                    Err(error) => tracing::warn!(assistant_id, %error, "snapshot unavailable"),
                }),
        );
    }
}

impl Actor for LiveHub {
    type Context = Context<Self>;
}

impl Handler<Subscribe> for LiveHub {
    type Result = ();

    fn handle(&mut self, msg: Subscribe, ctx: &mut Self::Context) {
        self.subscribers
            .entry(msg.assistant_id)
            .or_default()
            .insert(msg.session_id, msg.subscriber.clone());
        match msg
            .since
            .and_then(|since| self.replay(msg.assistant_id, since))
        {
            Some(missed) => {
                for delta in missed {
                    let _ = msg
                        .subscriber
                        .try_send(Live::single(LiveEvent::Delta(delta)));
                }
            }
            None => self.send_snapshot(msg.assistant_id, msg.subscriber, ctx),
        }
    }
}

impl Handler<Unsubscribe> for LiveHub {
    type Result = ();

    fn handle(&mut self, msg: Unsubscribe, _: &mut Self::Context) {
        if let Some(followers) = self.subscribers.get_mut(&msg.assistant_id) {
            followers.remove(&msg.session_id);
        }
    }
}

impl Handler<Disconnect> for LiveHub {
    type Result = ();

    fn handle(&mut self, msg: Disconnect, _: &mut Self::Context) {
        for followers in self.subscribers.values_mut() {
            followers.remove(&msg.session_id);
        }
        self.subscribers
            .retain(|_, followers| !followers.is_empty());
    }
}

impl Handler<Publish> for LiveHub {
    type Result = ();

    fn handle(&mut self, msg: Publish, _: &mut Self::Context) {
        let mut delta = msg.delta;
        let last = self.last_seq.entry(delta.assistant_id).or_insert(0);
        if delta.seq == 0 {
            delta.seq = *last + 1;
        } else if delta.seq <= *last {
            // Already delivered (or older than what subscribers hold): ignore.
            return;
        }
        *last = delta.seq;
        let history = self.history.entry(delta.assistant_id).or_default();
        history.push_back(delta.clone());
        while history.len() > self.history_len {
            history.pop_front();
        }
        if let Some(followers) = self.subscribers.get(&delta.assistant_id) {
            let message = Live::single(LiveEvent::Delta(delta));
            for subscriber in followers.values() {
                // A subscriber whose mailbox is full misses this delta; the jump in `seq`
                // tells it to resume with `since`.
                let _ = subscriber.try_send(message.clone());
            }
        }
    }
}
