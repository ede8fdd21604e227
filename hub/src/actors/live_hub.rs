//! The live hub of one node: who follows which assistant, the recent deltas of each (so a
//! reconnecting subscriber resumes without gaps), and the fan-out. Deltas reach it from the
//! bus (every node's deltas, in sequence order) or straight from a local assistant actor when
//! the bus is unavailable, which this hub then numbers itself (see [`super::sequence`]).
//!
//! Sequence numbers never step back for a subscriber: a bus delta numbered at or below what
//! this node delivered is dropped, and since it means the bus's counter is behind this node
//! (numbers handed out here during an outage, a failover to a lagging replica), the hub raises
//! the counter past its own, so the next deltas flow again.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use actix::prelude::*;
use chrono::Utc;

use super::messages::{Disconnect, Live, Publish, SeqFloor, Subscribe, Subscriber, Unsubscribe};
use super::sequence::{replay, Numbering};
use crate::instruments::Instruments;
use crate::live::{Delta, LiveEvent};
use crate::store::{current_stats, LiveBus, SampleStore};

/// Subscriptions and history of one node.
pub struct LiveHub {
    store: Arc<dyn SampleStore>,
    bus: Option<Arc<dyn LiveBus>>,
    history_len: usize,
    subscribers: HashMap<i64, HashMap<u64, Subscriber>>,
    history: HashMap<i64, VecDeque<Delta>>,
    numbering: HashMap<i64, Numbering>,
    instruments: Instruments,
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
            numbering: HashMap::new(),
            instruments: Instruments::default(),
        }
    }

    /// Records subscriptions and fan-out times in `instruments` (the hub's `/metrics`).
    pub fn with_instruments(mut self, instruments: Instruments) -> Self {
        self.instruments = instruments;
        self
    }

    /// Updates the subscriptions gauge after a change.
    fn count_subscriptions(&self) {
        let count: usize = self.subscribers.values().map(HashMap::len).sum();
        self.instruments
            .live_subscriptions
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    fn numbering(&self, assistant_id: i64) -> Numbering {
        self.numbering
            .get(&assistant_id)
            .copied()
            .unwrap_or_default()
    }

    /// The deltas after `since`, if this node holds an unbroken run of them.
    fn replay(&self, assistant_id: i64, since: u64) -> Option<Vec<Delta>> {
        let none = VecDeque::new();
        let history = self.history.get(&assistant_id).unwrap_or(&none);
        replay(history, self.numbering(assistant_id).last, since)
    }

    /// Asks the bus to number the assistant's next deltas above this node's floor, leaving a
    /// gap: this node's subscribers have missed the delta it dropped.
    fn raise_bus_floor(&self, assistant_id: i64, ctx: &mut Context<Self>) {
        let Some(bus) = self.bus.clone() else {
            return;
        };
        let floor = self.numbering(assistant_id).floor() + 1;
        ctx.spawn(
            async move {
                if let Err(error) = bus.raise_floor(assistant_id, floor).await {
                    tracing::debug!(assistant_id, %error, "live bus floor not raised");
                }
            }
            .into_actor(self),
        );
    }

    fn send_snapshot(&self, assistant_id: i64, subscriber: Subscriber, ctx: &mut Context<Self>) {
        let store = Arc::clone(&self.store);
        let bus = self.bus.clone();
        let seq = self.numbering(assistant_id).last;
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
        self.count_subscriptions();
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
        self.count_subscriptions();
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
        self.count_subscriptions();
    }
}

impl Handler<SeqFloor> for LiveHub {
    type Result = u64;

    fn handle(&mut self, msg: SeqFloor, _: &mut Self::Context) -> u64 {
        self.numbering(msg.assistant_id).floor()
    }
}

impl Handler<Publish> for LiveHub {
    type Result = ();

    fn handle(&mut self, msg: Publish, ctx: &mut Self::Context) {
        let mut delta = msg.delta;
        let numbering = self.numbering(delta.assistant_id);
        let local = delta.seq == 0;
        if local {
            let now_micros = u64::try_from(Utc::now().timestamp_micros()).unwrap_or(0);
            delta.seq = numbering.next_local(self.bus.is_some(), now_micros);
        } else if delta.seq <= numbering.last {
            // Older than what subscribers hold: the bus's counter is behind this node.
            tracing::debug!(
                assistant_id = delta.assistant_id,
                seq = delta.seq,
                last = numbering.last,
                "live delta numbered below this node's; raising the bus's floor"
            );
            self.raise_bus_floor(delta.assistant_id, ctx);
            return;
        }
        self.numbering.insert(
            delta.assistant_id,
            Numbering {
                last: delta.seq,
                local,
            },
        );
        let history = self.history.entry(delta.assistant_id).or_default();
        history.push_back(delta.clone());
        while history.len() > self.history_len {
            history.pop_front();
        }
        if let Some(followers) = self.subscribers.get(&delta.assistant_id) {
            if let Ok(waited) = (Utc::now() - delta.at).to_std() {
                self.instruments
                    .fanout_seconds
                    .observe(waited.as_secs_f64());
            }
            let message = Live::single(LiveEvent::Delta(delta));
            for subscriber in followers.values() {
                // A subscriber whose mailbox is full misses this delta; the jump in `seq`
                // tells it to resume with `since`.
                let _ = subscriber.try_send(message.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::*;
    use crate::testing::{Collector, MemoryStore};
    use crate::{Stats, Totals};

    fn delta(assistant_id: i64, seq: u64) -> Delta {
        Delta {
            assistant_id,
            seq,
            at: Utc::now(),
            added: Totals::default(),
            stats: Stats::default(),
            alerts: Vec::new(),
            rule_alerts: Vec::new(),
            over_budget: false,
            sessions: None,
        }
    }

    /// What `hub` sends a subscriber of assistant 1 who resumes `since` (after `settle`).
    async fn follow(hub: &Addr<LiveHub>, since: Option<u64>) -> Arc<Mutex<Vec<LiveEvent>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let collector = Collector(seen.clone()).start();
        let subscribe = Subscribe {
            session_id: 1,
            subscriber: collector.recipient(),
            assistant_id: 1,
            since,
        };
        assert!(hub.send(subscribe).await.is_ok());
        seen
    }

    async fn settle() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    /// `S` for a snapshot, the sequence number for a delta.
    fn received(seen: &Arc<Mutex<Vec<LiveEvent>>>) -> Vec<String> {
        let events = seen.lock().map(|e| e.clone()).unwrap_or_default();
        events
            .iter()
            .map(|e| match e {
                LiveEvent::Snapshot { .. } => "S".to_owned(),
                LiveEvent::Delta(d) => d.seq.to_string(),
            })
            .collect()
    }

    #[actix_rt::test]
    async fn a_subscriber_gets_a_snapshot_then_every_delta_in_order_and_no_repeat() {
        let hub = LiveHub::new(Arc::new(MemoryStore::default()), None, 8).start();
        let seen = follow(&hub, None).await;
        settle().await;
        for seq in [0, 0, 2, 5] {
            hub.do_send(Publish {
                delta: delta(1, seq),
            });
        }
        // Another assistant's delta is not this subscriber's business.
        hub.do_send(Publish { delta: delta(2, 0) });
        settle().await;
        // Without a bus the hub numbers 1, 2; the bus's 2 is a repeat; 5 is a jump, delivered.
        assert_eq!(received(&seen), ["S", "1", "2", "5"]);
    }

    #[actix_rt::test]
    async fn a_resume_replays_an_unbroken_run_and_otherwise_sends_a_snapshot() {
        let hub = LiveHub::new(Arc::new(MemoryStore::default()), None, 3).start();
        for _ in 0..5 {
            hub.do_send(Publish { delta: delta(1, 0) });
        }
        settle().await;
        let recent = follow(&hub, Some(3)).await;
        let current = follow(&hub, Some(5)).await;
        // Only the last 3 deltas are kept: 1 is too old to replay from.
        let old = follow(&hub, Some(1)).await;
        let ahead = follow(&hub, Some(9)).await;
        settle().await;
        assert_eq!(received(&recent), ["4", "5"]);
        assert!(received(&current).is_empty());
        assert_eq!(received(&old), ["S"]);
        assert_eq!(received(&ahead), ["S"]);
    }
}
