//! Probes, unknown routes, and behaviour with a dependency down.

use reqwest::StatusCode;
use secrecy::SecretString;

use crate::helpers::{
    assert_problem, free_port, json_of, spawn_app, spawn_with, test_settings, TestDatabase,
};

#[actix_web::test]
async fn healthz_and_readyz_answer() {
    let app = spawn_app().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status(), StatusCode::OK);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    let body = json_of(ready).await;
    assert_eq!(body["database"], "up");
    assert_eq!(body["redis"], "up");
    // The test cluster is plain PostgreSQL: the migration left usage_samples a plain table.
    assert_eq!(body["timescaledb"], false);
}

#[actix_web::test]
async fn redis_down_is_reported_but_not_fatal() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.redis.url = SecretString::from(format!("redis://127.0.0.1:{}", free_port()));
    let app = spawn_with(database, settings).await;
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(json_of(ready).await["redis"], "down");
    // The API keeps working from PostgreSQL.
    let user = app.new_user().await;
    app.new_assistant(&user, "Bot").await;
}

#[actix_web::test]
async fn postgres_down_means_not_ready_and_503_with_retry_after() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    settings.database.url = SecretString::from(format!(
        "postgres://metrics_hub:metrics_hub@127.0.0.1:{}/nothing",
        free_port()
    ));
    settings.database.connect_timeout_ms = 500;
    settings.database.acquire_timeout_ms = 500;
    let app = spawn_with(database, settings).await;
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json_of(ready).await["database"], "down");
    let register = app
        .post(
            "/api/v1/users",
            None,
            &serde_json::json!({"email": "x@example.com", "password": "long enough"}),
        )
        .await;
    assert_eq!(
        register
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let problem = assert_problem(register, StatusCode::SERVICE_UNAVAILABLE).await;
    // The cause is logged, never sent.
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(!detail.contains("127.0.0.1"), "{detail}");
}

#[actix_web::test]
async fn unknown_routes_are_problem_documents() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/nothing-here", None).await;
    let problem = assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(problem["type"], "/problems/not-found");
}
