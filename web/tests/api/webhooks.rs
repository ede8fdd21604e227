//! Webhooks: the SSRF refusals at creation, secrets (shown once, rotated), ownership, and the
//! delivery of budget alerts to a receiver started by the test (`webhook_receiver.rs`): signed
//! (the receiver checks the HMAC), retried with backoff after failures, a redirect is a failed
//! attempt and not followed, a silent receiver times out, and pending deliveries per webhook are
//! capped with the excess recorded as dropped.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use web::settings::Settings;

use crate::budgets::create;
use crate::helpers::{
    assert_problem, json_of, problem_fields, spawn_app, spawn_with, test_settings, TestApp,
    TestDatabase, TestUser,
};
use crate::webhook_receiver::{verify, Receiver, Script};

/// Settings of a hub that may call 127.0.0.1 and retries fast.
pub fn fast_webhooks(settings: &mut Settings) {
    settings.webhooks.allow_hosts = "127.0.0.1".into();
    settings.webhooks.poll_interval_ms = 50;
    settings.webhooks.backoff_base_ms = 100;
    settings.webhooks.backoff_max_ms = 400;
    settings.webhooks.timeout_ms = 1_000;
    settings.webhooks.connect_timeout_ms = 500;
}

/// A hub with [`fast_webhooks`] and then `adjust`.
pub async fn spawn_webhook_app(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    fast_webhooks(&mut settings);
    adjust(&mut settings);
    spawn_with(database, settings).await
}

/// Creates a webhook to `url` for `user`; returns (id, secret).
pub async fn create_webhook(app: &TestApp, user: &TestUser, url: &str) -> (i64, String) {
    let response = app
        .post("/api/v1/webhooks", Some(&user.token), &json!({"url": url}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{url}");
    let body = json_of(response).await;
    let secret = body["secret"].as_str().unwrap_or_default().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{body}");
    (body["webhook"]["id"].as_i64().unwrap_or_default(), secret)
}

/// Posts one call to `assistant`.
pub async fn post_call(app: &TestApp, user: &TestUser, assistant: i64, event: Value) {
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            &json!([event]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Asks `GET path` until `done` holds for its JSON (or fails after `wait`); returns it.
pub async fn poll_until(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    wait: Duration,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let body = json_of(app.get(path, Some(&user.token)).await).await;
        if done(&body) {
            return body;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("{path} never got there: {body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The delivery of the newest budget alert, once it is no longer pending.
async fn settled_budget_delivery(app: &TestApp, user: &TestUser) -> Value {
    let alerts = poll_until(
        app,
        user,
        "/api/v1/budgets/alerts",
        Duration::from_secs(15),
        |a| {
            a[0]["delivery"]["state"]
                .as_str()
                .is_some_and(|s| s != "pending")
        },
    )
    .await;
    alerts[0].clone()
}

#[actix_web::test]
async fn internal_targets_are_refused_at_creation() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    for url in [
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://localhost:8080/hook",
        "http://127.0.0.1:9/hook",
        "http://192.168.1.10/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://example.com/hook",
        "http://user:secret@example.com/hook",
    ] {
        let response = app
            .post("/api/v1/webhooks", Some(&user.token), &json!({"url": url}))
            .await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem_fields(&problem), ["url"], "{url}: {problem}");
    }
    let problem = app
        .post(
            "/api/v1/webhooks",
            Some(&user.token),
            &json!({"url": "http://localhost/"}),
        )
        .await;
    let problem = json_of(problem).await;
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("localhost resolves to") && message.contains("loopback"),
        "{message}"
    );
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM webhooks")
            .await,
        0,
        "a refusal stores nothing"
    );
}

#[actix_web::test]
async fn secrets_are_shown_once_rotated_and_webhooks_are_their_owners() {
    let app = spawn_webhook_app(|_| {}).await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let (id, secret) = create_webhook(&app, &user, "http://127.0.0.1:9/hook").await;
    let list = json_of(app.get("/api/v1/webhooks", Some(&user.token)).await).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["url"], "http://127.0.0.1:9/hook");
    assert!(
        list[0].get("secret").is_none(),
        "listing shows the secret: {list}"
    );
    let rotated = app
        .post(
            &format!("/api/v1/webhooks/{id}/secret"),
            Some(&user.token),
            &json!({}),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated = json_of(rotated).await;
    let new_secret = rotated["secret"].as_str().unwrap_or_default();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);
    assert!(rotated["webhook"]["secretRotatedAt"].is_string());
    let stored = app
        .database
        .count(&format!(
            "SELECT count(*) AS n FROM webhooks WHERE id = {id} AND secret = '{new_secret}'"
        ))
        .await;
    assert_eq!(stored, 1);

    // Another user's webhook is a 404 everywhere, and cannot be attached to a budget or rule.
    for response in [
        app.post(
            &format!("/api/v1/webhooks/{id}/secret"),
            Some(&other.token),
            &json!({}),
        )
        .await,
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries"),
            Some(&other.token),
        )
        .await,
        app.client
            .delete(app.url(&format!("/api/v1/webhooks/{id}")))
            .bearer_auth(&other.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        app.post(
            "/api/v1/budgets",
            Some(&other.token),
            &json!({"period": "daily", "limit": 1.0, "webhookId": id}),
        )
        .await,
        app.post(
            "/api/v1/alert-rules",
            Some(&other.token),
            &json!({"metric": "error_rate", "threshold": 5, "windowMinutes": 15, "webhookId": id}),
        )
        .await,
    ] {
        assert_problem(response, StatusCode::NOT_FOUND).await;
    }
    let theirs = json_of(app.get("/api/v1/webhooks", Some(&other.token)).await).await;
    assert_eq!(theirs, json!([]));
    assert_eq!(
        app.database
            .count("SELECT count(*) AS n FROM budgets")
            .await,
        0
    );
    let deleted = app
        .client
        .delete(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(&user.token)
        .send()
        .await
        .map(|r| r.status())
        .ok();
    assert_eq!(deleted, Some(StatusCode::NO_CONTENT));
}

#[actix_web::test]
async fn a_budget_alert_is_delivered_signed_after_failed_attempts() {
    let app = spawn_webhook_app(|s| s.webhooks.max_attempts = 5).await;
    let receiver = Receiver::start(Script::FailFirst(2));
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Support").await;
    let (webhook, secret) = create_webhook(&app, &user, &receiver.url).await;
    receiver.expect_secret(&secret);
    let budget = create(
        &app,
        &user,
        json!({"assistantId": assistant, "period": "daily", "limit": 0.02,
               "thresholds": [50], "webhookId": webhook}),
    )
    .await;
    assert_eq!(budget["webhookId"], webhook);
    post_call(
        &app,
        &user,
        assistant,
        json!({"model": "gpt-4o", "cost": 0.015}),
    )
    .await;

    let alert = settled_budget_delivery(&app, &user).await;
    let delivery = &alert["delivery"];
    assert_eq!(delivery["state"], "delivered", "{alert}");
    assert_eq!(
        delivery["attempts"], 3,
        "two failures, then success: {alert}"
    );
    assert_eq!(delivery["lastStatus"], 204);
    assert_eq!(delivery["webhookId"], webhook);

    let received = receiver.received();
    assert_eq!(received.len(), 3, "{received:?}");
    for request in &received {
        assert!(request.signed, "signature did not verify: {request:?}");
        assert_eq!(
            request.body, received[0].body,
            "the same document each time"
        );
        assert_eq!(request.delivery, delivery["id"].to_string());
        // A tampered body or another secret does not verify.
        assert!(!verify(&secret, &request.signature, b"{}"));
        assert!(!verify(
            "whsec_other",
            &request.signature,
            request.body.as_bytes()
        ));
    }
    let payload = received[0].json();
    assert_eq!(payload["event"], "alert.triggered");
    assert_eq!(payload["kind"], "budget");
    assert_eq!(payload["alertId"], alert["id"]);
    assert_eq!(payload["assistantId"], assistant);
    assert_eq!(payload["threshold"], 50.0);
    assert_eq!(payload["budget"]["budgetId"], budget["id"]);
    assert_eq!(payload["budget"]["limit"], 0.02);
    assert_eq!(payload["budget"]["spent"], 0.015);
    assert_eq!(payload["budget"]["period"], "daily");
    assert!(payload["triggeredAt"].is_string());

    // The webhook's own listing says the same.
    let listed = json_of(
        app.get(
            &format!("/api/v1/webhooks/{webhook}/deliveries"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(listed[0]["state"], "delivered");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

#[actix_web::test]
async fn a_redirect_is_a_failed_attempt_and_is_not_followed() {
    let app = spawn_webhook_app(|s| s.webhooks.max_attempts = 2).await;
    let receiver = Receiver::start(Script::Redirect);
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Support").await;
    let (webhook, secret) = create_webhook(&app, &user, &receiver.url).await;
    receiver.expect_secret(&secret);
    create(
        &app,
        &user,
        json!({"period": "daily", "limit": 0.01, "thresholds": [100], "webhookId": webhook}),
    )
    .await;
    post_call(
        &app,
        &user,
        assistant,
        json!({"model": "gpt-4o", "cost": 0.01}),
    )
    .await;

    let alert = settled_budget_delivery(&app, &user).await;
    let delivery = &alert["delivery"];
    assert_eq!(delivery["state"], "failed", "{alert}");
    assert_eq!(delivery["attempts"], 2);
    assert_eq!(delivery["lastStatus"], 302);
    assert!(
        delivery["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("302")),
        "{alert}"
    );
    let received = receiver.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(
        received.iter().all(|r| r.path == "/hook"),
        "the redirect was followed"
    );
}

#[actix_web::test]
async fn a_silent_receiver_times_out_and_pending_deliveries_are_capped() {
    let app = spawn_webhook_app(|s| {
        s.webhooks.max_attempts = 2;
        s.webhooks.timeout_ms = 300;
        s.webhooks.max_pending = 3;
    })
    .await;
    let receiver = Receiver::start(Script::Silent);
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Support").await;
    let (webhook, secret) = create_webhook(&app, &user, &receiver.url).await;
    receiver.expect_secret(&secret);
    let thresholds: Vec<i64> = (1..=10).map(|i| i * 10).collect();
    create(
        &app,
        &user,
        json!({"period": "daily", "limit": 0.01, "thresholds": thresholds, "webhookId": webhook}),
    )
    .await;
    // One call reaches all ten thresholds at once: ten alerts, three deliveries queued.
    post_call(
        &app,
        &user,
        assistant,
        json!({"model": "gpt-4o", "cost": 0.01}),
    )
    .await;

    let alerts = poll_until(
        &app,
        &user,
        "/api/v1/budgets/alerts",
        Duration::from_secs(15),
        |a| {
            a.as_array().is_some_and(|list| {
                list.len() == 10
                    && list
                        .iter()
                        .all(|alert| alert["delivery"]["state"] != "pending")
            })
        },
    )
    .await;
    let states = |state: &str| {
        alerts
            .as_array()
            .map(|l| l.iter().filter(|a| a["delivery"]["state"] == state).count())
            .unwrap_or_default()
    };
    assert_eq!((states("failed"), states("dropped")), (3, 7), "{alerts}");
    for alert in alerts.as_array().cloned().unwrap_or_default() {
        let delivery = &alert["delivery"];
        let error = delivery["lastError"].as_str().unwrap_or_default();
        if delivery["state"] == "failed" {
            assert_eq!(delivery["attempts"], 2, "{alert}");
            assert_eq!(error, "timed out", "{alert}");
        } else {
            assert_eq!(delivery["attempts"], 0, "{alert}");
            assert!(error.contains("3 pending deliveries"), "{alert}");
        }
    }
    // Two attempts of each of the three queued deliveries reached the receiver, nothing more.
    assert_eq!(receiver.received().len(), 6);
    let listed = json_of(app.get("/api/v1/webhooks", Some(&user.token)).await).await;
    assert_eq!(listed[0]["pending"], 0);
}
