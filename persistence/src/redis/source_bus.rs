//! Sources' live messages across hub nodes: one Redis pub/sub channel carries every node's
//! source messages (already-encoded JSON), and every node relays them to its own WebSocket
//! subscribers. Unlike assistant deltas they carry no sequence numbers: a missed message only
//! means a chart refetches its points.

use std::time::Duration;

use futures_util::StreamExt;

use crate::redis::Cache;
use crate::PersistenceError;

const RESUBSCRIBE_MIN: Duration = Duration::from_millis(50);
const RESUBSCRIBE_MAX: Duration = Duration::from_millis(500);

fn channel(cache: &Cache) -> String {
    cache.key("live:sources")
}

/// Publishes one encoded message to every node (this one included).
pub async fn publish(cache: &Cache, text: &str) -> Result<(), PersistenceError> {
    let mut conn = cache.connection();
    let mut cmd = ::redis::cmd("PUBLISH");
    cmd.arg(channel(cache)).arg(text);
    let publish = cmd.query_async::<i64>(&mut conn);
    tokio::time::timeout(cache.timeout(), publish)
        .await
        .map_err(|_| {
            PersistenceError::from(::redis::RedisError::from((
                ::redis::ErrorKind::Io,
                "publish timed out",
            )))
        })??;
    Ok(())
}

/// Hands every node's source messages to `deliver`, forever (subscribing again after a short,
/// capped backoff whenever Redis goes away). Run it as a background task.
pub async fn follow(cache: Cache, deliver: impl Fn(String) + Send + 'static) {
    let mut backoff = RESUBSCRIBE_MIN;
    loop {
        match subscribe(&cache).await {
            Ok(mut pubsub) => {
                backoff = RESUBSCRIBE_MIN;
                let mut messages = pubsub.on_message();
                while let Some(message) = messages.next().await {
                    if let Ok(text) = message.get_payload::<String>() {
                        deliver(text);
                    }
                }
                tracing::warn!("source bus subscription ended; subscribing again");
            }
            Err(error) => tracing::debug!(%error, "source bus unavailable; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(RESUBSCRIBE_MAX);
    }
}

async fn subscribe(cache: &Cache) -> ::redis::RedisResult<::redis::aio::PubSub> {
    let timed_out = |what: &'static str| ::redis::RedisError::from((::redis::ErrorKind::Io, what));
    let mut pubsub = tokio::time::timeout(cache.timeout(), cache.client().get_async_pubsub())
        .await
        .map_err(|_| timed_out("connect timed out"))??;
    tokio::time::timeout(cache.timeout(), pubsub.subscribe(channel(cache)))
        .await
        .map_err(|_| timed_out("subscribe timed out"))??;
    Ok(pubsub)
}
