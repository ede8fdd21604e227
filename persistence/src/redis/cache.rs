//! Redis: cached aggregates and cross-node pub/sub live here.
//!
//! Redis is an accelerator, never the source of truth: every operation has a short time limit
//! and callers treat its errors as "not cached" and carry on from PostgreSQL.

use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::PersistenceError;

/// A shared, self-reconnecting Redis connection with a key prefix (so several deployments or
/// test runs can share one Redis server).
#[derive(Clone)]
pub struct Cache {
    client: ::redis::Client,
    conn: ConnectionManager,
    prefix: String,
    timeout: Duration,
}

impl Cache {
    /// Prepares the connection without opening it: the hub starts even while Redis is down.
    /// Must be called inside a tokio runtime.
    pub fn connect(url: &str, prefix: &str, timeout: Duration) -> Result<Self, PersistenceError> {
        let client = ::redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(2);
        let conn = ConnectionManager::new_lazy_with_config(client.clone(), config)?;
        Ok(Self {
            client,
            conn,
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    /// `prefix` + `key`: every key this process writes goes through here.
    pub fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// A clone of the shared connection.
    pub(crate) fn connection(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// The client, for dedicated connections (pub/sub).
    pub(crate) fn client(&self) -> &::redis::Client {
        &self.client
    }

    /// The time limit of one operation.
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Checks that Redis answers.
    pub async fn ping(&self) -> Result<(), PersistenceError> {
        let mut conn = self.conn.clone();
        let _: String = ::redis::cmd("PING").query_async(&mut conn).await?;
        Ok(())
    }
}
