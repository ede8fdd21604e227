//! Live deltas across hub nodes through Redis: one pub/sub channel carries every delta of every
//! node. A Lua script numbers and publishes each delta atomically (`INCR` of the assistant's
//! sequence key, then `PUBLISH`), so every node sees one assistant's deltas in sequence order.
//!
//! Numbers never go back, even though Redis may lose them (the stack's Redis keeps no data): a
//! missing sequence key starts from Redis' clock in microseconds, above anything handed out
//! before a restart, and every publisher passes a floor (the highest number its node knows,
//! including numbers it handed out itself while Redis was unreachable) that the script never
//! numbers at or below.

use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use hub::live::Delta;
use hub::store::{LiveBus, StoreError};

use crate::redis::failure::{of_encoding, of_redis};
use crate::redis::Cache;

/// Numbers and publishes one delta, and keeps it as the assistant's latest (the cached
/// statistics readers use); the payload is `<seq>|<delta JSON with seq 0>`. `ARGV[3]` is the
/// publisher's floor. A missing key (first delta, or Redis restarted empty) starts at `TIME` in
/// microseconds (about 1.8e15, exact in Lua's doubles and in JavaScript below 2^53). Numbers
/// are written with `%d`: Lua would print a large double as `1.7e+15`.
const PUBLISH: &str = r"
local counted = redis.call('INCR', KEYS[1])
local seq = counted
if counted == 1 then
  local now = redis.call('TIME')
  seq = tonumber(now[1]) * 1000000 + tonumber(now[2])
end
local floor = tonumber(ARGV[3]) or 0
if seq <= floor then
  seq = floor + 1
end
local text = string.format('%d', seq)
if seq ~= counted then
  redis.call('SET', KEYS[1], text)
end
local payload = text .. '|' .. ARGV[1]
redis.call('PUBLISH', KEYS[2], payload)
redis.call('SET', KEYS[3], payload, 'EX', ARGV[2])
return seq
";

/// Raises the sequence key to `ARGV[1]` unless it is above already.
const RAISE: &str = r"
local floor = tonumber(ARGV[1]) or 0
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if current < floor then
  redis.call('SET', KEYS[1], string.format('%d', floor))
end
return 0
";

/// Shortest and longest wait before subscribing again after the subscription failed or ended.
/// Short, so deltas flow again well within a second of Redis coming back; reset once subscribed.
const RESUBSCRIBE_MIN: Duration = Duration::from_millis(50);
const RESUBSCRIBE_MAX: Duration = Duration::from_millis(250);

/// How long the latest delta of an assistant is kept (a week and a day).
const LATEST_TTL_SECS: u64 = 8 * 24 * 3600;

/// The Redis-backed live bus.
#[derive(Clone)]
pub struct RedisLiveBus {
    cache: Cache,
    script: ::redis::Script,
    raise: ::redis::Script,
}

impl RedisLiveBus {
    pub fn new(cache: Cache) -> Self {
        Self {
            cache,
            script: ::redis::Script::new(PUBLISH),
            raise: ::redis::Script::new(RAISE),
        }
    }

    fn channel(&self) -> String {
        self.cache.key("live")
    }

    /// The key of the assistant's live sequence number (the payload cache reads it too).
    pub(crate) fn seq_key(cache: &Cache, assistant_id: i64) -> String {
        cache.key(&format!("live:seq:{assistant_id}"))
    }

    fn latest_key(&self, assistant_id: i64) -> String {
        Self::latest_key_of(&self.cache, assistant_id)
    }

    fn latest_key_of(cache: &Cache, assistant_id: i64) -> String {
        cache.key(&format!("live:latest:{assistant_id}"))
    }

    /// Removes what Redis keeps of a deleted assistant (its latest delta and sequence number;
    /// ids are never reused, so nothing can follow it again).
    pub async fn forget(cache: &Cache, assistant_id: i64) -> Result<(), crate::PersistenceError> {
        let mut conn = cache.connection();
        let _: i64 = ::redis::cmd("DEL")
            .arg(Self::latest_key_of(cache, assistant_id))
            .arg(Self::seq_key(cache, assistant_id))
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}

#[async_trait]
impl LiveBus for RedisLiveBus {
    async fn publish(&self, delta: &Delta, floor: u64) -> Result<u64, StoreError> {
        let payload = serde_json::to_string(delta).map_err(|e| of_encoding(&e))?;
        let mut conn = self.cache.connection();
        let seq_key = Self::seq_key(&self.cache, delta.assistant_id);
        let mut invocation = self.script.key(seq_key);
        invocation
            .key(self.channel())
            .key(self.latest_key(delta.assistant_id))
            .arg(payload)
            .arg(LATEST_TTL_SECS)
            .arg(floor);
        invocation
            .invoke_async::<u64>(&mut conn)
            .await
            .map_err(|e| of_redis(&e))
    }

    async fn raise_floor(&self, assistant_id: i64, floor: u64) -> Result<(), StoreError> {
        let mut conn = self.cache.connection();
        self.raise
            .key(Self::seq_key(&self.cache, assistant_id))
            .arg(floor)
            .invoke_async::<i64>(&mut conn)
            .await
            .map(drop)
            .map_err(|e| of_redis(&e))
    }

    async fn latest(&self, assistant_id: i64) -> Result<Option<Delta>, StoreError> {
        let mut conn = self.cache.connection();
        let payload: Option<String> = ::redis::cmd("GET")
            .arg(self.latest_key(assistant_id))
            .query_async(&mut conn)
            .await
            .map_err(|e| of_redis(&e))?;
        Ok(payload.as_deref().and_then(parse))
    }
}

/// Receives every node's deltas and hands each to `deliver`, forever: subscribes again (after
/// a short, capped backoff, reset once subscribed) whenever Redis goes away. Run it as a
/// background task.
pub async fn follow(bus: RedisLiveBus, deliver: impl Fn(Delta) + Send + 'static) {
    let mut backoff = RESUBSCRIBE_MIN;
    loop {
        match subscribe(&bus).await {
            Ok(pubsub) => {
                backoff = RESUBSCRIBE_MIN;
                tracing::info!("following live deltas of every node");
                relay(pubsub, &deliver).await;
                tracing::warn!("live bus subscription ended; subscribing again");
            }
            Err(error) => tracing::debug!(%error, "live bus unavailable; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(RESUBSCRIBE_MAX);
    }
}

async fn subscribe(bus: &RedisLiveBus) -> ::redis::RedisResult<::redis::aio::PubSub> {
    let connect = bus.cache.client().get_async_pubsub();
    let mut pubsub = tokio::time::timeout(bus.cache.timeout(), connect)
        .await
        .map_err(|_| ::redis::RedisError::from((::redis::ErrorKind::Io, "connect timed out")))??;
    tokio::time::timeout(bus.cache.timeout(), pubsub.subscribe(bus.channel()))
        .await
        .map_err(|_| {
            ::redis::RedisError::from((::redis::ErrorKind::Io, "subscribe timed out"))
        })??;
    Ok(pubsub)
}

/// Hands every delta of the subscription to `deliver` until the connection ends.
async fn relay(mut pubsub: ::redis::aio::PubSub, deliver: &impl Fn(Delta)) {
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let Ok(payload) = message.get_payload::<String>() else {
            continue;
        };
        match parse(&payload) {
            Some(delta) => deliver(delta),
            None => tracing::warn!("ignoring a malformed live delta"),
        }
    }
}

fn parse(payload: &str) -> Option<Delta> {
    let (seq, json) = payload.split_once('|')?;
    let mut delta: Delta = serde_json::from_str(json).ok()?;
    delta.seq = seq.parse().ok()?;
    Some(delta)
}
