//! Redis: an accelerator, never the source of truth. Everything that speaks to Redis lives
//! under this module.
//!
//! - [`cache`] is the shared, self-reconnecting connection with its key prefix and time limit.
//! - [`live_bus`] carries live deltas between hub nodes and numbers them ([`RedisLiveBus`]).
//! - [`payload_cache`] keeps computed analytics payloads, keyed by the live sequence numbers.
//! - [`source_bus`] carries sources' live messages between hub nodes.
//! - [`failure`] sorts every Redis failure into the hub's retry-or-reject `StoreError`.
//!
//! The module shares its name with the `redis` crate; the files under it spell the crate
//! `::redis` so that a reader never has to wonder which one is meant.

pub mod cache;
pub mod failure;
pub mod live_bus;
pub mod payload_cache;
pub mod source_bus;

pub use cache::Cache;
pub use live_bus::RedisLiveBus;
pub use payload_cache::PayloadCache;
