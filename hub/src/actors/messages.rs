//! Every message the actors exchange, as named-field structs.

use actix::prelude::*;

use crate::live::{Delta, LiveEvent};
use crate::sessions::Session;
use crate::Sample;

/// The outcome of one ingestion request, sent once its samples are durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack {
    /// Samples stored.
    pub accepted: usize,
    /// Samples whose client id had been stored before (not stored again).
    pub duplicates: usize,
    /// A budget covering the assistant is spent for its current period (clients may throttle).
    pub over_budget: bool,
}

/// Why samples were not acknowledged. Nothing of the request was stored in any case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The assistant's buffer is full; retry after the given seconds.
    #[error("too many samples are waiting for this assistant; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// Storage failed; retry later.
    #[error("storage is unavailable; retry shortly")]
    Unavailable,
    /// The hub is shutting down.
    #[error("the hub is shutting down")]
    ShuttingDown,
    /// Storage refused these samples (tried alone, so no other request's samples were the
    /// cause): retrying them cannot succeed.
    #[error("the samples cannot be stored: {detail}")]
    Refused { detail: String },
    /// Storing these samples failed for a reason that is neither the samples nor a passing
    /// outage (tried alone, so no other request's samples were the cause); the cause is logged.
    #[error("the hub failed to store the samples")]
    Failed,
}

/// Samples of one assistant to store; answered after commit.
#[derive(Message)]
#[rtype(result = "Result<Ack, IngestError>")]
pub struct Ingest {
    pub assistant_id: i64,
    pub samples: Vec<Sample>,
    /// Who sent them, for the logs: the HTTP request id, or the WebSocket connection's and the
    /// frame's. The actor logs it when it queues, stores or refuses the samples, so one sample
    /// can be followed from its request to its batch.
    pub request_id: String,
}

/// Stop after storing everything buffered (answered when done).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Drain;

/// Sent by an assistant actor that has been idle: the registry may stop it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Idle {
    pub assistant_id: i64,
}

/// The assistant is being deleted: its actor (if running) is stopped after storing what it
/// holds, and answered when done, so the deletion that follows removes every sample. A later
/// sample for the same id starts a fresh actor (which the storage then refuses once the
/// assistant is gone).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Retire {
    pub assistant_id: i64,
}

/// Stop every assistant actor after draining its buffer (graceful shutdown).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Shutdown;

/// The active sessions of these assistants, newest activity first (answered by the registry
/// from the running actors' memory; an assistant without a running actor has none).
#[derive(Message)]
#[rtype(result = "Vec<Session>")]
pub struct LiveSessions {
    pub assistants: Vec<i64>,
}

/// The active sessions of one assistant actor, newest activity first.
#[derive(Message)]
#[rtype(result = "Vec<Session>")]
pub struct ActiveSessions;

/// How many assistant actors are running (for metrics and tests).
#[derive(Message)]
#[rtype(result = "usize")]
pub struct ActiveCount;

/// A live subscriber on this node.
pub type Subscriber = Recipient<Live>;

/// A live event for one subscriber. The same delta goes to every subscriber with one shared
/// `encoded` cell, so the transport encodes it once however many clients follow it.
#[derive(Message, Clone, Debug)]
#[rtype(result = "()")]
pub struct Live {
    pub event: LiveEvent,
    /// Its text frames ([`LiveEvent::frames`]), encoded by the first subscriber that sends it.
    pub encoded: std::sync::Arc<std::sync::OnceLock<Vec<String>>>,
}

impl Live {
    /// An event not shared with other subscribers.
    pub fn single(event: LiveEvent) -> Self {
        Self {
            event,
            encoded: std::sync::Arc::default(),
        }
    }
}

/// Follow an assistant; `since` resumes after that sequence number when possible.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Subscribe {
    pub session_id: u64,
    pub subscriber: Subscriber,
    pub assistant_id: i64,
    pub since: Option<u64>,
}

/// Stop following an assistant.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Unsubscribe {
    pub session_id: u64,
    pub assistant_id: i64,
}

/// A subscriber went away: forget all its subscriptions.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Disconnect {
    pub session_id: u64,
}

/// A delta to deliver: `seq` already assigned by the bus, or 0 to number it on this node
/// (when the bus is unavailable; the live hub then numbers it above everything it delivered).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Publish {
    pub delta: Delta,
}

/// Asks the live hub for the number the bus must number the assistant's next delta above (see
/// [`super::sequence::Numbering::floor`]): a publisher passes it along with the delta.
#[derive(Message)]
#[rtype(result = "u64")]
pub struct SeqFloor {
    pub assistant_id: i64,
}
