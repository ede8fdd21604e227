//! The live WebSocket: snapshot then deltas, ownership, resume by sequence, cross-node
//! delivery through Redis, and heartbeats.

use std::time::Duration;

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_with, test_settings, TestApp, TestDatabase, TestUser};

pub type Connection = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

pub async fn connect(app: &TestApp, token: &str) -> Connection {
    let url = format!(
        "{}/api/v1/ws/live?token={token}",
        app.address.replace("http://", "ws://")
    );
    let (_, connection) = awc::Client::new()
        .ws(url)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("ws connect: {e}"));
    connection
}

pub async fn send(connection: &mut Connection, message: Value) {
    connection
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap_or_else(|e| panic!("ws send: {e}"));
}

/// The next JSON message, answering pings on the way; `None` after `wait` or when closed.
pub async fn next(connection: &mut Connection, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, connection.next())
            .await
            .ok()??;
        match frame.ok()? {
            Frame::Text(text) => return serde_json::from_slice(&text).ok(),
            Frame::Ping(bytes) => {
                let _ = connection.send(Message::Pong(bytes)).await;
            }
            Frame::Close(_) => return None,
            _ => {}
        }
    }
}

/// Messages until one satisfies `done` (returned last), or panics after `wait`.
pub async fn until(
    connection: &mut Connection,
    wait: Duration,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let Some(message) = next(connection, wait).await else {
            panic!("no matching message; got {seen:?}");
        };
        let stop = done(&message);
        seen.push(message);
        if stop {
            return seen;
        }
    }
}

async fn post_calls(app: &TestApp, user: &TestUser, assistant: i64, count: usize) {
    let events = vec![json!({"cost": 0.5, "tokensIn": 10, "durationMs": 60_000}); count];
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!(events),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

const WAIT: Duration = Duration::from_secs(5);

/// Whether `seq` is a clock reading in microseconds from the last minute (where numbering
/// starts), exact in JavaScript numbers.
pub fn is_recent_micros(seq: u64) -> bool {
    let now = u64::try_from(chrono::Utc::now().timestamp_micros()).unwrap_or_default();
    seq < (1 << 53) && seq + 60_000_000 > now && seq <= now + 1_000_000
}

#[actix_web::test]
async fn a_subscriber_gets_a_snapshot_then_deltas() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    post_calls(&app, &user, assistant, 2).await;
    // Let that batch's delta go out first, so the snapshot below is the first message.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let snapshot = next(&mut ws, WAIT).await.unwrap_or_default();
    assert_eq!(snapshot["type"], "snapshot");
    assert_eq!(snapshot["assistantId"], assistant);
    assert_eq!(snapshot["stats"]["today"]["calls"], 2);
    assert_eq!(snapshot["stats"]["last24h"]["calls"], 2);
    let first_seq = snapshot["seq"].as_u64().unwrap_or(u64::MAX);
    // One delta went out before the subscription, numbered from Redis' clock.
    assert!(is_recent_micros(first_seq), "{first_seq}");

    post_calls(&app, &user, assistant, 3).await;
    let seen = until(&mut ws, WAIT, |m| m["stats"]["today"]["calls"] == 5).await;
    let last = seen.last().cloned().unwrap_or_default();
    assert_eq!(last["type"], "delta");
    assert_eq!(last["stats"]["last7Days"]["cost"], 2.5);
    assert_eq!(last["stats"]["today"]["totalMinutes"], 5.0);
    // Sequence numbers continue from the snapshot without gaps.
    let seqs: Vec<u64> = seen.iter().filter_map(|m| m["seq"].as_u64()).collect();
    let expected: Vec<u64> = (first_seq + 1..=first_seq + seqs.len() as u64).collect();
    assert_eq!(seqs, expected);
    let added: i64 = seen
        .iter()
        .filter_map(|m| m["added"]["calls"].as_i64())
        .sum();
    assert_eq!(added, 3);
}

#[actix_web::test]
async fn subscriptions_are_checked_for_ownership_and_tokens() {
    let app = spawn_app().await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let assistant = app.new_assistant(&alice, "Alice's").await;

    let mut ws = connect(&app, &bob.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant, 999_999]}),
    )
    .await;
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let error = next(&mut ws, WAIT).await.unwrap_or_default();
        assert_eq!(error["type"], "error");
        statuses.push((
            error["assistantId"].as_i64().unwrap_or_default(),
            error["status"].clone(),
        ));
    }
    statuses.sort_by_key(|(id, _)| *id);
    assert_eq!(
        statuses,
        vec![(assistant, json!(404)), (999_999, json!(404))]
    );
    // Nothing of Alice's reaches Bob.
    post_calls(&app, &alice, assistant, 1).await;
    assert_eq!(next(&mut ws, Duration::from_millis(700)).await, None);

    send(&mut ws, json!({"type": "dance"})).await;
    let error = next(&mut ws, WAIT).await.unwrap_or_default();
    assert_eq!(error["status"], 400);

    let url = format!("{}/api/v1/ws/live", app.address.replace("http://", "ws://"));
    match awc::Client::new().ws(url.clone()).connect().await {
        Err(awc::error::WsClientError::InvalidResponseStatus(status)) => assert_eq!(status, 401),
        other => panic!("expected 401, got {:?}", other.map(|(r, _)| r.status())),
    }
    match awc::Client::new()
        .ws(format!("{url}?token=forged"))
        .connect()
        .await
    {
        Err(awc::error::WsClientError::InvalidResponseStatus(status)) => assert_eq!(status, 401),
        other => panic!("expected 401, got {:?}", other.map(|(r, _)| r.status())),
    }
}

#[actix_web::test]
async fn a_reconnecting_client_resumes_without_gaps() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let _snapshot = next(&mut ws, WAIT).await;
    post_calls(&app, &user, assistant, 1).await;
    let seen = until(&mut ws, WAIT, |m| m["stats"]["today"]["calls"] == 1).await;
    let last_seen = seen
        .last()
        .and_then(|m| m["seq"].as_u64())
        .unwrap_or_default();
    drop(ws);

    // While the client is away, more batches are committed (each one or more deltas).
    for _ in 0..4 {
        post_calls(&app, &user, assistant, 2).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant], "since": {assistant.to_string(): last_seen}}),
    )
    .await;
    let replayed = until(&mut ws, WAIT, |m| m["stats"]["today"]["calls"] == 9).await;
    assert!(
        replayed.iter().all(|m| m["type"] == "delta"),
        "{replayed:?}"
    );
    let seqs: Vec<u64> = replayed.iter().filter_map(|m| m["seq"].as_u64()).collect();
    let expected: Vec<u64> = (last_seen + 1..=last_seen + seqs.len() as u64).collect();
    assert_eq!(
        seqs, expected,
        "replay must continue exactly after {last_seen}"
    );
    let added: i64 = replayed
        .iter()
        .filter_map(|m| m["added"]["calls"].as_i64())
        .sum();
    assert_eq!(added, 8);

    // A `since` from the future cannot be replayed: a snapshot instead.
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant], "since": {assistant.to_string(): 1_000_000}}),
    )
    .await;
    let snapshot = next(&mut ws, WAIT).await.unwrap_or_default();
    assert_eq!(snapshot["type"], "snapshot");
    assert_eq!(snapshot["stats"]["today"]["calls"], 9);
}

#[actix_web::test]
async fn a_second_node_delivers_what_the_first_ingested() {
    let first = spawn_app().await;
    // A second hub process-equivalent: its own server, actors and live hub, sharing only
    // PostgreSQL and Redis (same key prefix) with the first.
    let shared = TestDatabase {
        name: first.database.name.clone(),
    };
    let mut settings = test_settings(&shared);
    settings.redis.key_prefix = first.settings.redis.key_prefix.clone();
    let second = spawn_with(shared, settings).await;

    let user = first.new_user().await;
    let assistant = first.new_assistant(&user, "Bot").await;
    let mut ws = connect(&second, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let snapshot = next(&mut ws, WAIT).await.unwrap_or_default();
    assert_eq!(snapshot["type"], "snapshot");
    // Give the second node's Redis subscription a moment to be established.
    tokio::time::sleep(Duration::from_millis(300)).await;

    post_calls(&first, &user, assistant, 4).await;
    let seen = until(&mut ws, WAIT, |m| m["stats"]["today"]["calls"] == 4).await;
    assert_eq!(seen.last().map(|m| m["type"].clone()), Some(json!("delta")));
    // Keep the database alive until both are done: the second hub does not own it.
    std::mem::forget(second.database);
}

#[actix_web::test]
async fn a_silent_client_is_dropped() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.hub.ws_heartbeat_ms = 100;
    settings.hub.ws_timeout_ms = 300;
    let app = spawn_with(database, settings).await;
    let user = app.new_user().await;
    let mut ws = connect(&app, &user.token).await;
    // Never answer pings: the server must close within a second or so.
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(Frame::Close(_)) | Err(_) => return true,
                _ => {}
            }
        }
        true
    })
    .await
    .unwrap_or(false);
    assert!(closed, "the server kept a silent client");
}

#[actix_web::test]
async fn stats_come_from_the_cache_the_actors_keep_and_fall_back_to_postgres() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let path = format!("/api/v1/assistants/{assistant}/stats");
    let cold = crate::helpers::json_of(app.get(&path, Some(&user.token)).await).await;
    assert_eq!(
        (
            cold["cached"].clone(),
            cold["stats"]["today"]["calls"].clone()
        ),
        (json!(false), json!(0))
    );

    post_calls(&app, &user, assistant, 3).await;
    let mut cached = Value::Null;
    for _ in 0..50 {
        cached = crate::helpers::json_of(app.get(&path, Some(&user.token)).await).await;
        if cached["cached"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(cached["cached"], true, "{cached}");
    assert_eq!(cached["stats"]["today"]["calls"], 3);
    assert!(cached["seq"].as_u64().is_some_and(|s| s >= 1));

    let stranger = app.new_user().await;
    let response = app.get(&path, Some(&stranger.token)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn without_redis_live_updates_still_reach_local_subscribers() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    let closed = crate::helpers::free_port();
    settings.redis.url = secrecy::SecretString::from(format!("redis://127.0.0.1:{closed}"));
    let app = spawn_with(database, settings).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let snapshot = next(&mut ws, WAIT).await.unwrap_or_default();
    assert_eq!(snapshot["type"], "snapshot");
    post_calls(&app, &user, assistant, 2).await;
    let seen = until(&mut ws, WAIT, |m| m["stats"]["today"]["calls"] == 2).await;
    // Numbered by the node itself, from its clock (docs/streaming.md).
    let seq = seen
        .last()
        .and_then(|m| m["seq"].as_u64())
        .unwrap_or_default();
    assert!(is_recent_micros(seq), "{seq}");
    let stats = crate::helpers::json_of(
        app.get(
            &format!("/api/v1/assistants/{assistant}/stats"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            stats["cached"].clone(),
            stats["stats"]["today"]["calls"].clone()
        ),
        (json!(false), json!(2))
    );
}
