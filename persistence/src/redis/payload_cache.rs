//! Cached analytics payloads in Redis, keyed by the live sequence numbers of the assistants
//! they cover. Every committed batch ends in a live delta that increments its assistant's
//! sequence number, so a new batch changes the key: the actors invalidate cached payloads as a
//! side effect of announcing, and a cached answer is never older than the live stream. Entries
//! also expire after [`PAYLOAD_TTL_SECS`] (projections move with the clock).

use ::redis::AsyncCommands;
use sha2::{Digest, Sha256};

use crate::redis::{Cache, RedisLiveBus};
use crate::PersistenceError;

/// Longest life of a cached payload.
pub const PAYLOAD_TTL_SECS: u64 = 60;

/// Cached payloads of one kind (e.g. `dashboard`).
#[derive(Clone)]
pub struct PayloadCache {
    cache: Cache,
}

impl PayloadCache {
    pub fn new(cache: Cache) -> Self {
        Self { cache }
    }

    /// The key of a payload described by `query` (any canonical text of what was asked) over
    /// `assistants`, as of their current live sequence numbers. One round trip.
    pub async fn key(&self, query: &str, assistants: &[i64]) -> Result<String, PersistenceError> {
        let mut hasher = Sha256::new();
        hasher.update(query.as_bytes());
        if !assistants.is_empty() {
            let keys: Vec<String> = assistants
                .iter()
                .map(|id| RedisLiveBus::seq_key(&self.cache, *id))
                .collect();
            let mut conn = self.cache.connection();
            let seqs: Vec<Option<u64>> = ::redis::cmd("MGET")
                .arg(keys)
                .query_async(&mut conn)
                .await?;
            for (id, seq) in assistants.iter().zip(seqs) {
                hasher.update(format!("|{id}:{}", seq.unwrap_or(0)).as_bytes());
            }
        }
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(self.cache.key(&format!("payload:{digest}")))
    }

    /// The payload stored under `key`, if any.
    pub async fn get(&self, key: &str) -> Result<Option<String>, PersistenceError> {
        let mut conn = self.cache.connection();
        Ok(conn.get(key).await?)
    }

    /// Stores `payload` under `key` for [`PAYLOAD_TTL_SECS`].
    pub async fn put(&self, key: &str, payload: &str) -> Result<(), PersistenceError> {
        let mut conn = self.cache.connection();
        let () = conn.set_ex(key, payload, PAYLOAD_TTL_SECS).await?;
        Ok(())
    }
}
