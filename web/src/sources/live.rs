//! Live source messages: after each poll the node that ran it publishes a
//! [`protocol::live::SourceMessage`] on the Redis source bus, and every node hands it to its
//! own `/ws/live` sessions that follow the source. When Redis is unreachable the message still
//! reaches this node's followers.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use actix::{Message, Recipient};
use persistence::redis::source_bus;
use persistence::Cache;
use protocol::live::SourceMessage;

/// One encoded source message, for a WebSocket session.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct SourceFrame {
    pub text: Arc<str>,
}

#[derive(Default)]
struct Followers {
    /// Session ids by source.
    by_source: HashMap<i64, HashSet<u64>>,
    /// Each session's recipient and sources.
    sessions: HashMap<u64, (Recipient<SourceFrame>, HashSet<i64>)>,
}

/// This node's followers of sources, and the way to reach every node's.
#[derive(Clone)]
pub struct SourceLive {
    cache: Cache,
    followers: Arc<Mutex<Followers>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Addressed {
    source_id: i64,
}

impl SourceLive {
    pub fn new(cache: Cache) -> Self {
        Self {
            cache,
            followers: Arc::default(),
        }
    }

    /// Starts relaying every node's messages to this node's followers (call once).
    pub fn follow(&self) {
        let me = self.clone();
        actix_web::rt::spawn(source_bus::follow(self.cache.clone(), move |text| {
            me.deliver_local(&text);
        }));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Followers> {
        self.followers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `session` follows `source_id` from now on.
    pub fn subscribe(&self, session: u64, recipient: Recipient<SourceFrame>, source_id: i64) {
        let mut f = self.lock();
        f.by_source.entry(source_id).or_default().insert(session);
        f.sessions
            .entry(session)
            .or_insert_with(|| (recipient, HashSet::new()))
            .1
            .insert(source_id);
    }

    /// `session` stops following `source_id`.
    pub fn unsubscribe(&self, session: u64, source_id: i64) {
        let mut f = self.lock();
        if let Some(set) = f.by_source.get_mut(&source_id) {
            set.remove(&session);
            if set.is_empty() {
                f.by_source.remove(&source_id);
            }
        }
        if let Some((_, sources)) = f.sessions.get_mut(&session) {
            sources.remove(&source_id);
        }
    }

    /// `session` ended.
    pub fn disconnect(&self, session: u64) {
        let mut f = self.lock();
        if let Some((_, sources)) = f.sessions.remove(&session) {
            for source_id in sources {
                if let Some(set) = f.by_source.get_mut(&source_id) {
                    set.remove(&session);
                    if set.is_empty() {
                        f.by_source.remove(&source_id);
                    }
                }
            }
        }
    }

    /// Sends `message` to every node's followers of its source.
    pub async fn publish(&self, message: &SourceMessage) {
        let text = match serde_json::to_string(message) {
            Ok(text) => text,
            Err(error) => {
                tracing::error!(%error, "cannot encode a source message");
                return;
            }
        };
        if let Err(error) = source_bus::publish(&self.cache, &text).await {
            tracing::warn!(%error, "source bus unavailable; telling this node's followers only");
            self.deliver_local(&text);
        }
    }

    fn deliver_local(&self, text: &str) {
        let Ok(Addressed { source_id }) = serde_json::from_str::<Addressed>(text) else {
            tracing::warn!("ignoring a malformed source message");
            return;
        };
        let frame = SourceFrame {
            text: Arc::from(text),
        };
        let f = self.lock();
        let Some(sessions) = f.by_source.get(&source_id) else {
            return;
        };
        for session in sessions {
            if let Some((recipient, _)) = f.sessions.get(session) {
                // A full mailbox drops this message: the client refetches on the next one.
                let _ = recipient.try_send(frame.clone());
            }
        }
    }
}
