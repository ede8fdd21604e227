//! Error-rate and latency alert rules: validation and ownership of the CRUD, and two hub nodes
//! ingesting for the same assistants at once past two rules' thresholds: each fires exactly once
//! (stored once, pushed live once, delivered to its webhook once, signed), rules whose threshold
//! is not crossed never fire, and a recovery resolves both firings.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    assert_problem, json_of, problem_fields, spawn_with, test_settings, TestApp, TestDatabase,
    TestUser,
};
use crate::live::{connect, next, send};
use crate::webhook_receiver::{Receiver, Script};
use crate::webhooks::{create_webhook, fast_webhooks, poll_until, spawn_webhook_app};

async fn create_rule(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let response = app
        .post("/api/v1/alert-rules", Some(&user.token), &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    json_of(response).await
}

async fn patch_rule(app: &TestApp, user: &TestUser, id: i64, body: &Value) -> reqwest::Response {
    app.client
        .patch(app.url(&format!("/api/v1/alert-rules/{id}")))
        .bearer_auth(&user.token)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PATCH rule: {e}"))
}

async fn delete_rule(app: &TestApp, user: &TestUser, id: i64) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/v1/alert-rules/{id}")))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DELETE rule: {e}"))
}

#[actix_web::test]
async fn rules_are_validated_and_belong_to_their_owner() {
    let app = spawn_webhook_app(|_| {}).await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let assistant = app.new_assistant(&user, "Support").await;

    let response = app
        .post(
            "/api/v1/alert-rules",
            Some(&user.token),
            &json!({"metric": "error_rate", "threshold": 120, "windowMinutes": 0, "minCalls": 0}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        problem_fields(&problem),
        ["threshold", "windowMinutes", "minCalls"]
    );
    let response = app
        .post(
            "/api/v1/alert-rules",
            Some(&user.token),
            &json!({"metric": "p99", "threshold": 1, "windowMinutes": 5}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem_fields(&problem), ["metric"]);
    // Another user's assistant is a 404, like a missing one.
    let response = app
        .post(
            "/api/v1/alert-rules",
            Some(&other.token),
            &json!({"assistantId": assistant, "metric": "error_rate", "threshold": 5, "windowMinutes": 15}),
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM alert_rules")
            .await,
        0
    );

    let (webhook, _) = create_webhook(&app, &user, "http://127.0.0.1:9/hook").await;
    let rule = create_rule(
        &app,
        &user,
        json!({"assistantId": assistant, "metric": "latency_p95", "threshold": 2000,
               "windowMinutes": 15, "webhookId": webhook}),
    )
    .await;
    let id = rule["id"].as_i64().unwrap_or_default();
    assert_eq!(rule["minCalls"], 10);
    assert_eq!(rule["firing"], false);
    assert_eq!(rule["webhookId"], webhook);

    // A latency threshold is not a percentage: 500 is fine here, 101 would not be for errors.
    let changed = patch_rule(
        &app,
        &user,
        id,
        &json!({"threshold": 500, "webhookId": null}),
    )
    .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed = json_of(changed).await;
    assert_eq!(
        (
            changed["threshold"].as_f64(),
            changed["webhookId"].is_null()
        ),
        (Some(500.0), true)
    );
    let response = patch_rule(&app, &user, id, &json!({"windowMinutes": 61})).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem_fields(&problem), ["windowMinutes"]);

    // Another user's rule is a 404 to change or delete, and not in their list.
    assert_problem(
        patch_rule(&app, &other, id, &json!({"threshold": 1})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(delete_rule(&app, &other, id).await, StatusCode::NOT_FOUND).await;
    let theirs = json_of(app.get("/api/v1/alert-rules", Some(&other.token)).await).await;
    assert_eq!(theirs, json!([]));
    let mine = json_of(app.get("/api/v1/alert-rules", Some(&user.token)).await).await;
    assert_eq!(mine[0]["threshold"], 500.0);
    assert_eq!(
        delete_rule(&app, &user, id).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM alert_rules")
            .await,
        0
    );
}

/// A second node on `first`'s database and Redis key prefix, with fast webhooks.
async fn second_node(first: &TestApp) -> TestApp {
    let shared = TestDatabase {
        name: first.database.name.clone(),
    };
    let mut settings = test_settings(&shared);
    fast_webhooks(&mut settings);
    settings.redis.key_prefix = first.settings.redis.key_prefix.clone();
    spawn_with(shared, settings).await
}

/// One client: `pairs` times a failed slow call then a good fast one, to `assistant` through
/// `node`, one request each (so any moment's window holds at least half failed, slow calls).
async fn client(node: &TestApp, user: &TestUser, assistant: i64, pairs: usize) {
    for _ in 0..pairs {
        for event in [
            json!({"model": "gpt-4o", "status": "error", "latencyMs": 1500, "cost": 0.001}),
            json!({"model": "gpt-4o", "status": "success", "latencyMs": 100, "cost": 0.001}),
        ] {
            let response = node
                .post(
                    &format!("/api/v1/assistants/{assistant}/events"),
                    Some(&user.token),
                    &json!([event]),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    }
}

/// How many times `rule` fired.
async fn firings_of(app: &TestApp, rule: &Value) -> i64 {
    let id = rule["id"].as_i64().unwrap_or_default();
    app.database
        .count(&format!(
            "SELECT count(*) AS n FROM rule_alerts WHERE rule_id = {id}"
        ))
        .await
}

#[actix_web::test]
async fn rules_fire_exactly_once_with_two_nodes_and_resolve_on_recovery() {
    let first = spawn_webhook_app(|_| {}).await;
    let second = second_node(&first).await;
    let receiver = Receiver::start(Script::FailFirst(0));
    let user = first.new_user().await;
    let a = first.new_assistant(&user, "A").await;
    let b = first.new_assistant(&user, "B").await;
    let (webhook, secret) = create_webhook(&first, &user, &receiver.url).await;
    receiver.expect_secret(&secret);
    let errors = create_rule(
        &first,
        &user,
        json!({"assistantId": a, "metric": "error_rate", "threshold": 20, "windowMinutes": 5,
               "minCalls": 10, "webhookId": webhook}),
    )
    .await;
    let latency = create_rule(
        &first,
        &user,
        json!({"metric": "latency_p95", "threshold": 800, "windowMinutes": 5,
               "minCalls": 10, "webhookId": webhook}),
    )
    .await;
    // Never crossed: from the tenth call on, at most 70 % of A's calls have failed (four
    // clients, each failing first), and no latency is above 1.5 s.
    let high_errors = create_rule(
        &first,
        &user,
        json!({"assistantId": a, "metric": "error_rate", "threshold": 90, "windowMinutes": 5, "minCalls": 10}),
    )
    .await;
    let high_latency = create_rule(
        &first,
        &user,
        json!({"metric": "latency_p95", "threshold": 5000, "windowMinutes": 5, "minCalls": 1}),
    )
    .await;
    let mut ws = connect(&second, &user.token).await;
    send(&mut ws, json!({"type": "subscribe", "assistants": [a, b]})).await;
    for _ in 0..2 {
        let snapshot = next(&mut ws, Duration::from_secs(5))
            .await
            .unwrap_or_default();
        assert_eq!(snapshot["type"], "snapshot");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Eight clients over both nodes, 20 calls each: 80 calls per assistant, half failed, slow.
    let mut clients = Vec::new();
    for (i, assistant) in [a, b, a, b, a, b, a, b].into_iter().enumerate() {
        let node = if i % 2 == 0 { &first } else { &second };
        clients.push(client(node, &user, assistant, 10));
    }
    join_all(clients).await;

    assert_eq!(firings_of(&first, &errors).await, 1, "error-rate rule");
    assert_eq!(firings_of(&first, &latency).await, 1, "latency rule");
    assert_eq!(
        firings_of(&first, &high_errors).await,
        0,
        "under its threshold"
    );
    assert_eq!(
        firings_of(&first, &high_latency).await,
        0,
        "under its threshold"
    );

    // Pushed live once each, to a subscriber on the second node.
    let mut pushed: BTreeMap<i64, usize> = BTreeMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let wait = if pushed.len() < 2 {
            deadline - tokio::time::Instant::now()
        } else {
            Duration::from_secs(1)
        };
        let Some(message) = next(&mut ws, wait).await else {
            break;
        };
        if message["type"] == "ruleAlerts" {
            for alert in message["alerts"].as_array().cloned().unwrap_or_default() {
                *pushed
                    .entry(alert["ruleId"].as_i64().unwrap_or_default())
                    .or_default() += 1;
            }
        }
    }
    let want: BTreeMap<i64, usize> = [&errors, &latency]
        .iter()
        .map(|r| (r["id"].as_i64().unwrap_or_default(), 1))
        .collect();
    assert_eq!(pushed, want);

    // Delivered once each, signed; the history shows it.
    let history = poll_until(
        &first,
        &user,
        "/api/v1/alert-rules/alerts",
        Duration::from_secs(10),
        |h| {
            h.as_array().is_some_and(|l| {
                l.len() == 2 && l.iter().all(|x| x["delivery"]["state"] == "delivered")
            })
        },
    )
    .await;
    let received = receiver.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(received.iter().all(|r| r.signed));
    let mut kinds: Vec<(String, i64)> = received
        .iter()
        .map(|r| {
            let p = r.json();
            assert!(
                p["rule"]["value"].as_f64().unwrap_or_default()
                    > p["threshold"].as_f64().unwrap_or_default(),
                "{p}"
            );
            assert!(p["rule"]["calls"].as_i64().unwrap_or_default() >= 10, "{p}");
            assert_eq!(p["rule"]["windowMinutes"], 5);
            (
                p["kind"].as_str().unwrap_or_default().to_owned(),
                p["rule"]["ruleId"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            (
                "error_rate".to_owned(),
                errors["id"].as_i64().unwrap_or_default()
            ),
            (
                "latency_p95".to_owned(),
                latency["id"].as_i64().unwrap_or_default()
            ),
        ]
    );
    assert!(history
        .as_array()
        .into_iter()
        .flatten()
        .all(|h| h["resolvedAt"].is_null()));
    let rules = json_of(first.get("/api/v1/alert-rules", Some(&user.token)).await).await;
    let firing: Vec<bool> = rules
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["firing"] == true)
        .collect();
    assert_eq!(firing, [true, true, false, false]);

    // Recovery: 2,000 good fast calls on A bring A's error rate to 40 / 2,080 and the slow
    // calls over both assistants to 80 of 2,160 (under 5 %, so the p95 is 100 ms): both firings
    // resolve, and nothing fires again.
    let good: Vec<Value> = (0..200)
        .map(|_| json!({"model": "gpt-4o", "status": "success", "latencyMs": 100, "cost": 0.001}))
        .collect();
    for _ in 0..10 {
        let response = second
            .post(
                &format!("/api/v1/assistants/{a}/events"),
                Some(&user.token),
                &json!(good),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let history = poll_until(
        &first,
        &user,
        "/api/v1/alert-rules/alerts",
        Duration::from_secs(10),
        |h| {
            h.as_array()
                .is_some_and(|l| l.iter().all(|x| x["resolvedAt"].is_string()))
        },
    )
    .await;
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    for alert in history.as_array().into_iter().flatten() {
        assert!(
            alert["resolvedValue"].as_f64().unwrap_or(f64::MAX)
                <= alert["threshold"].as_f64().unwrap_or_default(),
            "{alert}"
        );
    }
    let rules = json_of(first.get("/api/v1/alert-rules", Some(&user.token)).await).await;
    assert!(
        rules
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| r["firing"] == false),
        "{rules}"
    );
    assert_eq!(
        receiver.received().len(),
        2,
        "a resolution is not delivered"
    );
    std::mem::forget(second.database);
}
