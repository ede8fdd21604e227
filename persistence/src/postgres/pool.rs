//! The PostgreSQL connection pool: built once at start-up with explicit limits and timeouts,
//! then shared (cheaply cloned) by every request handler and actor.

use std::time::Duration;

use deadpool::Runtime;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::AsyncPgConnection;

use crate::PersistenceError;

/// The diesel-async connection pool.
pub type PgPool = Pool<AsyncPgConnection>;

pub use diesel_async::pooled_connection::deadpool::PoolError;

/// How the pool connects and how long callers wait.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// `postgres://user:password@host:port/database`
    pub url: String,
    /// Most connections open at once.
    pub max_connections: usize,
    /// How long a caller waits for a free connection before getting an error.
    pub acquire_timeout: Duration,
    /// How long opening one new connection may take.
    pub connect_timeout: Duration,
}

/// Builds the pool. No connection is opened until the first query, so the hub starts even
/// while PostgreSQL is still coming up; `/readyz` tells when it is reachable.
pub fn build_pool(settings: &PoolSettings) -> Result<PgPool, PersistenceError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(&settings.url);
    let pool = Pool::builder(manager)
        .max_size(settings.max_connections)
        .wait_timeout(Some(settings.acquire_timeout))
        .create_timeout(Some(settings.connect_timeout))
        .recycle_timeout(Some(settings.connect_timeout))
        .runtime(Runtime::Tokio1)
        .build()?;
    Ok(pool)
}
