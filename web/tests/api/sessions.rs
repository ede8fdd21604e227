//! Sessions: `sessionId` validation and storage, the active sessions the actors hold (after
//! ingest, gone after the idle timeout, read back by a node that starts later, pushed on the
//! live WebSocket), the history against SQL over the raw samples, and ownership.

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::analytics::{as_f64, number};
use crate::helpers::{
    assert_problem, json_of, problem_fields, spawn_with, test_settings, TestApp, TestDatabase,
    TestUser,
};
use crate::live::{connect, send, until};

/// A hub whose sessions end after `idle_secs` of silence.
pub async fn spawn_with_idle(idle_secs: u64) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.sessions.idle_timeout_secs = idle_secs;
    spawn_with(database, settings).await
}

pub async fn post_events(app: &TestApp, user: &TestUser, assistant: i64, events: &Value) {
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            events,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

pub async fn live(app: &TestApp, user: &TestUser, query: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/sessions/live{query}"), Some(&user.token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[actix_web::test]
async fn bad_session_ids_are_400s_naming_every_field_and_nothing_is_stored() {
    let app = spawn_with_idle(300).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let events = json!([
        {"sessionId": ""},
        {"sessionId": "x".repeat(129)},
        {"sessionId": "tab\there", "latencyMs": -1},
        {"sessionId": "x".repeat(128)},
    ]);
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &events,
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        problem_fields(&problem),
        [
            "events[0].sessionId",
            "events[1].sessionId",
            "events[2].latencyMs",
            "events[2].sessionId"
        ]
    );
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!({"sessionId": 7}),
        )
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM usage_samples")
            .await,
        0
    );
    assert_eq!(live(&app, &user, "").await["count"], 0);
}

#[actix_web::test]
async fn active_sessions_add_up_their_calls_and_end_after_the_idle_timeout() {
    let app = spawn_with_idle(3).await;
    let user = app.new_user().await;
    let first = app.new_assistant(&user, "First").await;
    let second = app.new_assistant(&user, "Second").await;
    post_events(
        &app,
        &user,
        first,
        &json!([
            {"sessionId": "conv-a", "model": "gpt-4o", "cost": 0.25, "tokensIn": 10, "tokensOut": 20},
            {"sessionId": "conv-a", "model": "claude-3-5-sonnet", "cost": 0.5, "status": "error"},
            {"sessionId": "conv-b", "cost": 1.0},
            {"cost": 9.0},
        ]),
    )
    .await;
    post_events(
        &app,
        &user,
        second,
        &json!({"sessionId": "conv-a", "cost": 2.0}),
    )
    .await;
    let stored = app
        .database
        .count("SELECT count(*) AS n FROM usage_samples WHERE session_id = 'conv-a'")
        .await;
    assert_eq!(stored, 3);
    let runs = json_of(app.get("/api/v1/runs", Some(&user.token)).await).await;
    let with_ids = runs["runs"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["sessionId"].is_string()).count());
    assert_eq!(with_ids, Some(4));

    let all = live(&app, &user, "").await;
    assert_eq!(all["count"], 3, "{all}");
    // Newest activity first: the second assistant's call came last.
    assert_eq!(all["sessions"][0]["assistantId"], second);
    let one = live(&app, &user, &format!("?assistant={first}")).await;
    assert_eq!(one["count"], 2);
    let sessions = one["sessions"].as_array().cloned().unwrap_or_default();
    let a = sessions
        .iter()
        .find(|s| s["sessionId"] == "conv-a")
        .unwrap_or_else(|| panic!("conv-a missing: {one}"));
    assert_eq!(a["assistantId"], first);
    assert_eq!(a["calls"], 2);
    assert_eq!(a["errors"], 1);
    assert!(close(as_f64(&a["cost"]), 0.75), "{a}");
    assert_eq!(
        (a["tokensIn"].clone(), a["tokensOut"].clone()),
        (json!(10), json!(20))
    );
    assert_eq!(a["model"], "claude-3-5-sonnet");
    assert!(a["uptimeSeconds"]
        .as_i64()
        .is_some_and(|s| (0..=5).contains(&s)));
    let mut keys: Vec<&str> = a
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "assistantId",
            "calls",
            "cost",
            "errors",
            "lastEventAt",
            "model",
            "sessionId",
            "startedAt",
            "tokensIn",
            "tokensOut",
            "uptimeSeconds"
        ]
    );

    // More calls keep a session alive; silence ends it.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    post_events(
        &app,
        &user,
        first,
        &json!({"sessionId": "conv-b", "cost": 1.0}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let later = live(&app, &user, &format!("?assistant={first}")).await;
    assert_eq!(later["count"], 1, "{later}");
    assert_eq!(later["sessions"][0]["sessionId"], "conv-b");
    assert_eq!(later["sessions"][0]["calls"], 2);
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    assert_eq!(live(&app, &user, "").await["count"], 0);
}

#[actix_web::test]
async fn a_node_that_starts_later_reads_the_active_sessions_back() {
    let first = spawn_with_idle(300).await;
    let user = first.new_user().await;
    let assistant = first.new_assistant(&user, "Bot").await;
    // Whole seconds: PostgreSQL keeps microseconds.
    let earlier = chrono::DateTime::from_timestamp(Utc::now().timestamp() - 30, 0)
        .unwrap_or_default()
        .to_rfc3339();
    post_events(
        &first,
        &user,
        assistant,
        &json!([
            // Ended before the last gap of more than the idle timeout: not part of it.
            {"sessionId": "conv-a", "ts": (Utc::now() - Span::hours(2)).to_rfc3339(), "cost": 5.0},
            {"sessionId": "conv-a", "ts": earlier, "model": "gpt-4o", "cost": 0.25},
            {"sessionId": "conv-a", "cost": 0.25},
            {"sessionId": "old", "ts": (Utc::now() - Span::hours(1)).to_rfc3339()},
        ]),
    )
    .await;
    let shared = TestDatabase {
        name: first.database.name.clone(),
    };
    let mut settings = test_settings(&shared);
    settings.redis.key_prefix = first.settings.redis.key_prefix.clone();
    let second = spawn_with(shared, settings).await;
    // No actor runs for the assistant on the new node until its next call.
    assert_eq!(live(&second, &user, "").await["count"], 0);
    post_events(&second, &user, assistant, &json!({"sessionId": "conv-b"})).await;
    let seen = live(&second, &user, "").await;
    assert_eq!(seen["count"], 2, "{seen}");
    let a = &seen["sessions"][1];
    assert_eq!(a["sessionId"], "conv-a");
    assert_eq!(a["calls"], 2);
    assert!(close(as_f64(&a["cost"]), 0.5), "{a}");
    assert_eq!(a["model"], "gpt-4o");
    assert_eq!(
        a["startedAt"]
            .as_str()
            .map(|t| t.parse::<chrono::DateTime<Utc>>().ok()),
        Some(earlier.parse().ok())
    );
    std::mem::forget(second.database);
}

#[actix_web::test]
async fn the_live_websocket_pushes_the_session_count() {
    let app = spawn_with_idle(1).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let wait = Duration::from_secs(5);
    until(&mut ws, wait, |m| m["type"] == "snapshot").await;
    post_events(
        &app,
        &user,
        assistant,
        &json!([{"sessionId": "a"}, {"sessionId": "b"}]),
    )
    .await;
    let seen = until(&mut ws, wait, |m| m["type"] == "sessions").await;
    let message = seen.last().cloned().unwrap_or_default();
    let delta = &seen[seen.len() - 2];
    assert_eq!(delta["type"], "delta");
    assert_eq!(message["seq"], delta["seq"]);
    assert_eq!(message["assistantId"], assistant);
    assert_eq!(message["activeSessions"], 2);
    assert_eq!(message["changed"].as_array().map(Vec::len), Some(2));
    // After the idle timeout the count drops, pushed without any new call.
    let ended = until(&mut ws, wait, |m| {
        m["type"] == "sessions" && m["activeSessions"] == 0
    })
    .await;
    assert_eq!(ended.last().map(|m| m["ended"].clone()), Some(json!(2)));
}

#[actix_web::test]
async fn the_history_equals_sql_over_the_raw_samples() {
    let app = spawn_with_idle(300).await;
    let user = app.new_user().await;
    let first = app.new_assistant(&user, "First").await;
    let second = app.new_assistant(&user, "Second").await;
    let now = Utc::now();
    let mut events = Vec::new();
    for i in 0..60_i64 {
        let ts = now - Span::minutes(7 + i * 97);
        events.push(json!({
            "sessionId": format!("s{}", i % 9),
            "ts": ts.to_rfc3339(),
            "cost": (i % 5) as f64 * 0.013,
        }));
    }
    events.push(json!({"ts": now.to_rfc3339(), "cost": 3.0}));
    post_events(&app, &user, first, &json!(events)).await;
    post_events(
        &app,
        &user,
        second,
        &json!([{"sessionId": "s1", "cost": 0.1}, {"sessionId": "s1", "cost": 0.2}]),
    )
    .await;
    let today = now.date_naive();
    let start = today - Span::days(6);
    let path = format!("/api/v1/sessions?start={start}&end={today}");
    let body = json_of(app.get(&path, Some(&user.token)).await).await;
    let per_session = format!(
        "(SELECT min(ts) AS began, max(ts) AS ended, sum(cost_nanos) AS cost, sum(calls) AS calls
          FROM usage_samples WHERE session_id IS NOT NULL AND ts >= '{start}' AND ts < '{today}'::date + 1
          GROUP BY assistant_id, session_id) AS s"
    );
    let count = app
        .database
        .count(&format!("SELECT count(*) AS n FROM {per_session}"))
        .await;
    assert_eq!(body["count"], count, "{body}");
    assert!(count > 9);
    let mut conn = app.database.connect().await;
    for (field, sql) in [
        (
            "avgDurationSeconds",
            "avg(extract(epoch FROM ended - began))::float8",
        ),
        ("avgCost", "(avg(cost) / 1e9)::float8"),
        ("avgCalls", "avg(calls)::float8"),
    ] {
        let expected = number(&mut conn, &format!("SELECT {sql} AS x FROM {per_session}")).await;
        assert!(close(as_f64(&body[field]), expected), "{field}: {body}");
    }
    let days = body["days"].as_array().cloned().unwrap_or_default();
    assert_eq!(days.len(), 7);
    for day in &days {
        let d = day["day"].as_str().unwrap_or_default();
        let on_day = format!("{per_session} WHERE (began AT TIME ZONE 'UTC')::date = '{d}'");
        let n = app
            .database
            .count(&format!("SELECT count(*) AS n FROM {on_day}"))
            .await;
        assert_eq!(day["sessions"], n, "{day}");
        if n > 0 {
            let cost = number(
                &mut conn,
                &format!("SELECT (avg(cost) / 1e9)::float8 AS x FROM {on_day}"),
            )
            .await;
            assert!(close(as_f64(&day["avgCost"]), cost), "{day}");
        } else {
            assert!(day["avgCost"].is_null());
        }
    }
    let only = json_of(
        app.get(&format!("{path}&assistant={second}"), Some(&user.token))
            .await,
    )
    .await;
    assert_eq!(only["count"], 1);
    assert!(close(as_f64(&only["avgCost"]), 0.3));
    assert_eq!(only["avgCalls"], 2.0);
}

#[actix_web::test]
async fn bad_ranges_are_400s_and_other_users_assistants_404s() {
    let app = spawn_with_idle(300).await;
    let owner = app.new_user().await;
    let other = app.new_user().await;
    let assistant = app.new_assistant(&owner, "Mine").await;
    for query in [
        "?start=2026-01-01&end=2026-04-01",
        "?start=2026-02-01&end=2026-01-01",
        "?start=1999-12-31&end=2000-01-05",
        "?start=yesterday",
        "?unknown=1",
    ] {
        let response = app
            .get(&format!("/api/v1/sessions{query}"), Some(&owner.token))
            .await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
    }
    let response = app
        .get("/api/v1/sessions/live?assistant=x", Some(&owner.token))
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    for path in [
        format!("/api/v1/sessions/live?assistant={assistant}"),
        format!("/api/v1/sessions?assistant={assistant}"),
    ] {
        let response = app.get(&path, Some(&other.token)).await;
        assert_problem(response, StatusCode::NOT_FOUND).await;
        let response = app.get(&path, None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = app.get(&path, Some(&owner.token)).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}
