//! Webhook delivery of alerts: where a webhook may point ([`policy`], the SSRF guard), how a
//! delivery is signed ([`signature`]), one attempt ([`sender`]) and the node's worker draining
//! the durable queue ([`worker`]). docs/alerts.md describes the whole from a receiver's side.

pub mod policy;
pub mod sender;
pub mod signature;
pub mod worker;

pub use policy::{AllowList, Policy};
pub use sender::Sender;
pub use worker::WorkerConfig;
