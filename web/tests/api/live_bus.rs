//! The Redis live bus on its own, against a private Redis: how it numbers deltas (from the
//! clock when it holds no number, never at or below a publisher's floor, exactly even for
//! 16-digit numbers that Lua keeps as doubles) and across a restart that loses everything.

use std::time::{Duration, Instant};

use hub::live::Delta;
use hub::store::LiveBus;
use persistence::Cache;
use persistence::RedisLiveBus;

use crate::helpers::free_port;
use crate::live::is_recent_micros;
use crate::redis_fixtures::PrivateRedis;

fn delta(assistant_id: i64) -> Delta {
    Delta {
        assistant_id,
        seq: 0,
        at: chrono::Utc::now(),
        added: Default::default(),
        stats: Default::default(),
        alerts: Vec::new(),
        rule_alerts: Vec::new(),
        over_budget: false,
        sessions: None,
    }
}

async fn publish(bus: &RedisLiveBus, floor: u64) -> u64 {
    bus.publish(&delta(7), floor)
        .await
        .unwrap_or_else(|e| panic!("publish: {e}"))
}

#[actix_web::test]
async fn the_bus_numbers_from_the_clock_above_every_floor_and_across_a_restart() {
    let mut redis = PrivateRedis::start(free_port());
    let cache = Cache::connect(&redis.url(), "bus-test:", Duration::from_secs(1))
        .unwrap_or_else(|e| panic!("cache: {e}"));
    let bus = RedisLiveBus::new(cache);

    let first = publish(&bus, 0).await;
    assert!(is_recent_micros(first), "{first}");
    assert_eq!(publish(&bus, 0).await, first + 1);
    assert_eq!(
        publish(&bus, first + 100).await,
        first + 101,
        "above the floor"
    );
    assert_eq!(
        publish(&bus, 5).await,
        first + 102,
        "a low floor changes nothing"
    );
    bus.raise_floor(7, first + 1_000)
        .await
        .unwrap_or_else(|e| panic!("raise: {e}"));
    assert_eq!(publish(&bus, 0).await, first + 1_001);
    bus.raise_floor(7, 3)
        .await
        .unwrap_or_else(|e| panic!("raise: {e}"));
    assert_eq!(publish(&bus, 0).await, first + 1_002, "never lowered");
    let latest = bus
        .latest(7)
        .await
        .unwrap_or_else(|e| panic!("latest: {e}"))
        .map(|d| d.seq);
    assert_eq!(
        latest,
        Some(first + 1_002),
        "the cached latest delta has its exact number"
    );

    // Restarted empty: numbering starts from the clock again, above everything before.
    redis.kill();
    let redis = PrivateRedis::start(redis.port);
    let deadline = Instant::now() + Duration::from_secs(3);
    let after = loop {
        // The shared connection reconnects on first use after the restart.
        match bus.publish(&delta(7), 0).await {
            Ok(seq) => break seq,
            Err(error) => assert!(Instant::now() < deadline, "publish after restart: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(after > first + 1_002 && is_recent_micros(after), "{after}");
    drop(redis);
}
