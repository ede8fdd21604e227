//! Live updates across a Redis restart and an outage: two hub nodes share a private Redis,
//! which is killed and restarted empty (as the stack's Redis, which keeps no data, would be),
//! or cut off from one node by a relay while it keeps its data. Subscribers on both nodes must
//! get deltas again within a second or two, with sequence numbers that never step back, and a
//! resume from before the restart must not leave a silent hole.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use serde_json::{json, Value};

use crate::helpers::{free_port, spawn_with, test_settings, TestApp, TestDatabase, TestUser};
use crate::live::{connect, next, send, Connection};
use crate::redis_fixtures::{PrivateRedis, Relay};

/// One call for `assistant` through `app`; whether it was acknowledged.
async fn post_call(app: &TestApp, user: &TestUser, assistant: i64) -> bool {
    app.post(
        &format!("/api/v1/assistants/{assistant}/events"),
        Some(&user.token),
        &json!([{"cost": 0.5, "tokensIn": 10}]),
    )
    .await
    .status()
        == reqwest::StatusCode::OK
}

/// What one subscriber has seen.
#[derive(Debug, Default)]
struct Seen {
    /// Highest delta `seq`.
    max_seq: u64,
    /// Deltas received.
    deltas: usize,
    /// When the first delta since [`Seen::watch`] arrived.
    first_delta_at: Option<Instant>,
    /// The number and arrival of every delta since [`Seen::watch`].
    arrivals: Vec<(u64, Instant)>,
    /// Highest `stats.today.calls`.
    calls: i64,
    messages: Vec<Value>,
}

impl Seen {
    /// Notes the time of the next delta from now on.
    fn watch(&mut self) {
        self.first_delta_at = None;
        self.arrivals.clear();
    }

    /// Records `message`; panics if a delta steps back or repeats a sequence number.
    fn record(&mut self, message: Value, who: &str) {
        if message["type"] == "delta" {
            let seq = message["seq"].as_u64().unwrap_or_default();
            assert!(
                seq > self.max_seq,
                "{who}: delta {seq} after {}: {:?}",
                self.max_seq,
                self.messages
            );
            self.max_seq = seq;
            self.deltas += 1;
            self.first_delta_at.get_or_insert_with(Instant::now);
            self.arrivals.push((seq, Instant::now()));
        }
        if let Some(calls) = message["stats"]["today"]["calls"].as_i64() {
            self.calls = self.calls.max(calls);
        }
        self.messages.push(message);
    }
}

/// Reads until `done`, or panics at `deadline`; returns when `done` first held.
async fn read_until(
    ws: &mut Connection,
    seen: &mut Seen,
    who: &str,
    deadline: Instant,
    done: impl Fn(&Seen) -> bool,
) -> Instant {
    while !done(seen) {
        let left = deadline.saturating_duration_since(Instant::now());
        match next(ws, left).await {
            Some(message) => seen.record(message, who),
            None => panic!(
                "{who}: nothing more by the deadline; saw {:?}",
                seen.messages
            ),
        }
    }
    Instant::now()
}

async fn subscribe(
    app: &TestApp,
    user: &TestUser,
    assistant: i64,
    since: Option<u64>,
) -> Connection {
    let mut ws = connect(app, &user.token).await;
    let mut message = json!({"type": "subscribe", "assistants": [assistant]});
    if let Some(since) = since {
        message["since"] = json!({assistant.to_string(): since});
    }
    send(&mut ws, message).await;
    ws
}

/// Two hub nodes sharing one database and one Redis (same key prefix), which they reach at
/// `first_redis` and `second_redis`.
async fn two_nodes(first_redis: String, second_redis: String) -> (TestApp, TestApp) {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.redis.url = SecretString::from(first_redis);
    let prefix = settings.redis.key_prefix.clone();
    let first = spawn_with(database, settings).await;
    let shared = TestDatabase {
        name: first.database.name.clone(),
    };
    let mut settings = test_settings(&shared);
    settings.redis.url = SecretString::from(second_redis);
    settings.redis.key_prefix = prefix;
    let second = spawn_with(shared, settings).await;
    (first, second)
}

/// Posts one call every 50 ms, through each of `nodes` in turn, until `stop`, counting the
/// acknowledged ones in `acked`.
fn keep_ingesting(
    nodes: &[&TestApp],
    user: &TestUser,
    assistant: i64,
    stop: &Rc<Cell<bool>>,
    acked: &Rc<Cell<i64>>,
) -> actix_web::rt::task::JoinHandle<()> {
    let (stop, acked, token) = (Rc::clone(stop), Rc::clone(acked), user.token.clone());
    let nodes: Vec<String> = nodes.iter().map(|n| n.address.clone()).collect();
    actix_web::rt::spawn(async move {
        let client = reqwest::Client::new();
        for node in nodes.iter().cycle() {
            if stop.get() {
                break;
            }
            let response = client
                .post(format!("{node}/api/v1/assistants/{assistant}/events"))
                .bearer_auth(&token)
                .json(&json!([{"cost": 0.5, "tokensIn": 10}]))
                .send()
                .await;
            if response.is_ok_and(|r| r.status() == reqwest::StatusCode::OK) {
                acked.set(acked.get() + 1);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
}

/// How long after Redis is back the test takes the count of calls acknowledged so far, which
/// every subscriber must then see in a delta by [`FLOWING_BY`]: deltas flow again, not just one
/// delivered on its own node while Redis was away.
const COUNT_AFTER: Duration = Duration::from_millis(750);
const FLOWING_BY: Duration = Duration::from_secs(2);

/// Ingests through `nodes` from `back` (Redis reachable again) on, and waits until both
/// subscribers have seen a delta above what they held (`before`) and one with every call
/// acknowledged by `back + COUNT_AFTER`; panics after `back + FLOWING_BY`. Prints the times.
async fn ingest_and_watch(
    case: &str,
    nodes: &[&TestApp],
    user: &TestUser,
    assistant: i64,
    calls_before: i64,
    subscribers: [(&mut Connection, &mut Seen); 2],
    back: Instant,
) {
    let [(on_first, seen_first), (on_second, seen_second)] = subscribers;
    let before = (seen_first.max_seq, seen_second.max_seq);
    seen_first.watch();
    seen_second.watch();
    let (stop, acked) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(0)));
    let ingest = keep_ingesting(nodes, user, assistant, &stop, &acked);
    let target: Rc<Cell<Option<i64>>> = Rc::default();
    let count = async {
        tokio::time::sleep_until((back + COUNT_AFTER).into()).await;
        target.set(Some(calls_before + acked.get()));
    };
    let flowing = |s: &Seen| target.get().is_some_and(|t| s.calls >= t);
    let deadline = back + FLOWING_BY;
    let ((), at_first, at_second) = tokio::join!(
        count,
        read_until(on_first, seen_first, "first", deadline, flowing),
        read_until(on_second, seen_second, "second", deadline, flowing),
    );
    stop.set(true);
    let _ = ingest.await;
    // A number both nodes received was handed out by Redis (not by a node on its own).
    let bus_delta = seen_first.arrivals.iter().find_map(|&(seq, at_first)| {
        let (_, at_second) = seen_second.arrivals.iter().find(|(s, _)| *s == seq)?;
        Some((seq, at_first - back, *at_second - back))
    });
    let Some((seq, on_first_after, on_second_after)) = bus_delta else {
        panic!("no delta through Redis: {seen_first:?} {seen_second:?}");
    };
    eprintln!(
        "{case}: first delta through Redis ({seq}) on the first node {on_first_after:?}, on \
         the second {on_second_after:?} after Redis was back"
    );
    for (node, seen, at, before) in [
        ("first", &*seen_first, at_first, before.0),
        ("second", &*seen_second, at_second, before.1),
    ] {
        assert!(seen.max_seq > before, "{node}: {:?}", seen.messages);
        eprintln!(
            "{case}: {node} node: first delta {:?} after Redis was back (seq {before} -> {}), \
             all calls acked by +{COUNT_AFTER:?} seen at +{:?}",
            seen.first_delta_at.map(|t| t - back),
            seen.max_seq,
            at - back,
        );
    }
}

/// Subscribers on both nodes, then 40 deltas: had numbering started at 1, a counter starting
/// again at 1 would need 5 s to catch up (each node announces at most 4 deltas per second).
/// Returns the subscribers, what they saw, and the calls ingested.
async fn subscribed_and_warm(
    first: &TestApp,
    second: &TestApp,
    user: &TestUser,
    assistant: i64,
) -> ([Connection; 2], [Seen; 2], i64) {
    let mut on_first = subscribe(first, user, assistant, None).await;
    let mut on_second = subscribe(second, user, assistant, None).await;
    let (mut seen_first, mut seen_second) = (Seen::default(), Seen::default());
    let wait = Instant::now() + Duration::from_secs(10);
    read_until(&mut on_first, &mut seen_first, "first", wait, |s| {
        !s.messages.is_empty()
    })
    .await;
    read_until(&mut on_second, &mut seen_second, "second", wait, |s| {
        !s.messages.is_empty()
    })
    .await;
    // After the restart, the test ingests for 2 s: at most 16 deltas from both nodes.
    let mut calls = 0;
    let wait = Instant::now() + Duration::from_secs(30);
    while seen_first.deltas < 40 {
        assert!(
            Instant::now() < wait,
            "too slow before the restart: {seen_first:?}"
        );
        for node in [first, second] {
            calls += i64::from(post_call(node, user, assistant).await);
        }
        let soon = Instant::now() + Duration::from_millis(100);
        while let Some(message) = next(
            &mut on_first,
            soon.saturating_duration_since(Instant::now()),
        )
        .await
        {
            seen_first.record(message, "first");
        }
    }
    let wait = Instant::now() + Duration::from_secs(5);
    read_until(&mut on_first, &mut seen_first, "first", wait, |s| {
        s.calls == calls
    })
    .await;
    read_until(&mut on_second, &mut seen_second, "second", wait, |s| {
        s.calls == calls
    })
    .await;
    assert!(seen_first.max_seq > 0 && seen_second.max_seq > 0);
    ([on_first, on_second], [seen_first, seen_second], calls)
}

#[actix_web::test]
async fn deltas_flow_again_on_every_node_soon_after_redis_restarts_empty() {
    let mut redis = PrivateRedis::start(free_port());
    let (first, second) = two_nodes(redis.url(), redis.url()).await;
    let user = first.new_user().await;
    let assistant = first.new_assistant(&user, "Bot").await;
    let ([mut on_first, mut on_second], [mut seen_first, mut seen_second], calls) =
        subscribed_and_warm(&first, &second, &user, assistant).await;
    let before = (seen_first.max_seq, seen_second.max_seq);

    redis.kill();
    let redis = PrivateRedis::start(redis.port);
    let restarted = Instant::now();
    ingest_and_watch(
        "restart",
        &[&first, &second],
        &user,
        assistant,
        calls,
        [
            (&mut on_first, &mut seen_first),
            (&mut on_second, &mut seen_second),
        ],
        restarted,
    )
    .await;

    // A new subscriber: a snapshot, then deltas above it.
    let mut fresh = subscribe(&second, &user, assistant, None).await;
    let mut seen_fresh = Seen::default();
    let wait = Instant::now() + Duration::from_secs(3);
    read_until(&mut fresh, &mut seen_fresh, "fresh", wait, |s| {
        !s.messages.is_empty()
    })
    .await;
    assert_eq!(
        seen_fresh.messages[0]["type"], "snapshot",
        "{:?}",
        seen_fresh.messages
    );
    assert!(post_call(&first, &user, assistant).await);
    read_until(&mut fresh, &mut seen_fresh, "fresh", wait, |s| {
        s.max_seq > 0
    })
    .await;
    assert!(seen_fresh.max_seq > before.1, "{:?}", seen_fresh.messages);

    // A resume from before the restart: a snapshot, or a replay continuing exactly after it.
    let mut resumed = subscribe(&first, &user, assistant, Some(before.0)).await;
    let mut seen_resumed = Seen {
        max_seq: before.0,
        ..Seen::default()
    };
    read_until(&mut resumed, &mut seen_resumed, "resumed", wait, |s| {
        !s.messages.is_empty()
    })
    .await;
    let first_message = &seen_resumed.messages[0];
    assert!(
        first_message["type"] == "snapshot" || first_message["seq"] == before.0 + 1,
        "a silent hole after {}: {first_message}",
        before.0
    );

    drop(redis);
    // Keep the database alive until both are done: the second hub does not own it.
    std::mem::forget(second.database);
}

#[actix_web::test]
async fn deltas_flow_again_on_every_node_after_redis_was_unreachable_from_one() {
    let redis = PrivateRedis::start(free_port());
    let relay = Relay::start(redis.port);
    let (first, second) = two_nodes(relay.url(), redis.url()).await;
    let user = first.new_user().await;
    let assistant = first.new_assistant(&user, "Bot").await;
    let ([mut on_first, mut on_second], [mut seen_first, mut seen_second], mut calls) =
        subscribed_and_warm(&first, &second, &user, assistant).await;

    // Redis is unreachable from the first node, which keeps ingesting: it numbers its deltas
    // itself and delivers them to its own subscribers. 12 of them: a counter that did not
    // know them would keep that node silent for 3 s of the second node's deltas.
    relay.cut();
    let local_from = seen_first.deltas;
    let wait = Instant::now() + Duration::from_secs(30);
    while seen_first.deltas < local_from + 12 {
        assert!(Instant::now() < wait, "no local deltas: {seen_first:?}");
        assert!(post_call(&first, &user, assistant).await);
        calls += 1;
        let soon = Instant::now() + Duration::from_millis(100);
        while let Some(message) = next(
            &mut on_first,
            soon.saturating_duration_since(Instant::now()),
        )
        .await
        {
            seen_first.record(message, "first");
        }
    }

    // Reachable again; only the second node ingests now, numbered by Redis' counter.
    relay.heal();
    ingest_and_watch(
        "outage",
        &[&second],
        &user,
        assistant,
        calls,
        [
            (&mut on_first, &mut seen_first),
            (&mut on_second, &mut seen_second),
        ],
        Instant::now(),
    )
    .await;
    drop(relay);
    std::mem::forget(second.database);
}
