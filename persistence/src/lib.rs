//! Storage for metrics-hub, one module per store:
//!
//! - [`postgres`]: PostgreSQL through diesel-async, the source of truth: the generated
//!   `schema`, one model per table, the queries, the pool, the embedded migrations and the
//!   hub's sample store ([`PgStore`]).
//! - [`redis`]: Redis, an accelerator whose failures readers survive: the shared connection
//!   ([`Cache`]), the live bus between hub nodes ([`RedisLiveBus`]) and cached analytics
//!   payloads ([`PayloadCache`]).
//! - [`error`]: the crate's one error type, [`PersistenceError`].
//!
//! The handles callers pass around are re-exported here; everything else is reached through
//! its store's module (e.g. `persistence::postgres::queries::users`).

pub mod error;
pub mod postgres;
pub mod redis;

pub use diesel_async::AsyncPgConnection;
pub use error::PersistenceError;
pub use postgres::{PgPool, PgStore, PoolSettings};
pub use redis::{Cache, PayloadCache, RedisLiveBus};
