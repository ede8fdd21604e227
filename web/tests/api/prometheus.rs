//! `GET /metrics`: off without a token, guarded by it, and counters that follow what the hub
//! did: samples stored and duplicates, batch sizes and commits under a concurrent load,
//! live subscriptions, refusals by cause, the PostgreSQL pool.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_with, test_settings, TestApp, TestDatabase, TestUser};
use crate::live::{connect, next, send};

const TOKEN: &str = "scrape-me-please";

async fn app_with_token() -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.metrics.token = Some(SecretString::from(TOKEN));
    // Low enough to provoke a 429 of the password-attempt limit below.
    settings.auth.attempts_burst = 2;
    spawn_with(database, settings).await
}

async fn scrape(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers().get("content-type").cloned();
    assert!(content_type
        .and_then(|v| v.to_str().map(str::to_owned).ok())
        .is_some_and(|v| v.starts_with("application/openmetrics-text")),);
    response.text().await.unwrap_or_default()
}

/// The value of the sample named exactly `series` (name and labels), 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

async fn post(app: &TestApp, user: &TestUser, assistant: i64, body: &Value) {
    let response = app
        .post(
            &format!("/api/v1/assistants/{assistant}/events"),
            Some(&user.token),
            body,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn metrics_are_off_without_a_token_and_guarded_by_it() {
    let off = spawn_app().await;
    let response = off.get("/metrics", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let app = app_with_token().await;
    assert_eq!(
        app.get("/metrics", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/metrics", Some("wrong-token")).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let text = scrape(&app).await;
    assert!(
        text.contains("# TYPE metrics_hub_commit_seconds histogram"),
        "{text}"
    );
    assert_eq!(
        value(&text, "metrics_hub_pg_pool_connections{state=\"max\"}"),
        4.0
    );
    assert!(text.trim_end().ends_with("# EOF"));
}

#[actix_web::test]
async fn counters_follow_the_load() {
    let app = app_with_token().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Loaded bot").await;
    let before = scrape(&app).await;
    assert_eq!(
        value(&before, "metrics_hub_samples_total{outcome=\"stored\"}"),
        0.0
    );

    // Eight requests of 25 events at once, then the same events again (client ids seen).
    let batch = |round: usize| {
        json!((0..25)
            .map(|i| json!({"model": "gpt-4o", "cost": 0.01, "clientId": format!("r{round}-{i}")}))
            .collect::<Vec<_>>())
    };
    let bodies: Vec<Value> = (0..8).map(batch).collect();
    futures_util::future::join_all(bodies.iter().map(|b| post(&app, &user, assistant, b))).await;
    let loaded = scrape(&app).await;
    assert_eq!(
        value(&loaded, "metrics_hub_samples_total{outcome=\"stored\"}"),
        200.0
    );
    assert_eq!(value(&loaded, "metrics_hub_batch_size_sum"), 200.0);
    let commits = value(&loaded, "metrics_hub_commit_seconds_count");
    assert!(
        (1.0..=8.0).contains(&commits),
        "group commit: {commits} batches"
    );
    assert_eq!(value(&loaded, "metrics_hub_batch_size_count"), commits);
    assert!(value(&loaded, "metrics_hub_commit_seconds_sum") > 0.0);

    post(&app, &user, assistant, &bodies[0]).await;
    let again = scrape(&app).await;
    assert_eq!(
        value(&again, "metrics_hub_samples_total{outcome=\"stored\"}"),
        200.0
    );
    assert_eq!(
        value(&again, "metrics_hub_samples_total{outcome=\"duplicate\"}"),
        25.0
    );
    assert_eq!(
        value(
            &again,
            "metrics_hub_batch_failures_total{cause=\"unavailable\"}"
        ),
        0.0
    );
}

#[actix_web::test]
async fn live_subscriptions_and_refusals_are_counted() {
    let app = app_with_token().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Watched bot").await;
    let mut ws = connect(&app, &user.token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "assistants": [assistant]}),
    )
    .await;
    let snapshot = next(&mut ws, Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert_eq!(snapshot["type"], "snapshot");
    let subscribed = scrape(&app).await;
    assert_eq!(value(&subscribed, "metrics_hub_live_subscriptions"), 1.0);
    post(&app, &user, assistant, &json!([{"cost": 0.5}])).await;
    let delta = next(&mut ws, Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert_eq!(delta["type"], "delta");
    let fanned = scrape(&app).await;
    assert!(
        value(&fanned, "metrics_hub_live_fanout_seconds_count") >= 1.0,
        "{fanned}"
    );
    drop(ws);
    let mut gone = String::new();
    for _ in 0..50 {
        gone = scrape(&app).await;
        if value(&gone, "metrics_hub_live_subscriptions") == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value(&gone, "metrics_hub_live_subscriptions"), 0.0);

    // The password-attempt limit (burst 2 here) answers 429 rate-limited.
    let mut limited = 0;
    for _ in 0..4 {
        let response = app
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": user.email, "password": "not the password"}),
            )
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 1);
    let refused = scrape(&app).await;
    assert_eq!(
        value(
            &refused,
            "metrics_hub_http_refusals_total{status=\"429\",cause=\"rate-limited\"}"
        ),
        f64::from(limited)
    );
}
