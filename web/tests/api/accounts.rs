//! Registration, login and token checks.

use std::process::Command;

use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::json;
use web::settings::DEV_JWT_SECRET;

use web::settings::Settings;

use crate::helpers::{
    assert_problem, json_of, problem_fields, spawn_app, spawn_with, test_settings, TestDatabase,
};

#[actix_web::test]
async fn register_creates_a_user_without_exposing_the_hash() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/users",
            None,
            &json!({"email": "  Ada@Example.COM ", "password": "a sound password"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_of(response).await;
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(body["role"], "user");
    assert!(body["id"].as_i64().is_some_and(|id| id > 0));
    assert!(body.get("passwordHash").is_none() && body.get("password_hash").is_none());
}

#[actix_web::test]
async fn an_email_registers_once_whatever_its_case() {
    let app = spawn_app().await;
    let first = app
        .post(
            "/api/v1/users",
            None,
            &json!({"email": "grace@example.com", "password": "password one"}),
        )
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let second = app
        .post(
            "/api/v1/users",
            None,
            &json!({"email": "GRACE@example.com", "password": "password two"}),
        )
        .await;
    let problem = assert_problem(second, StatusCode::CONFLICT).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("already registered"));
}

#[actix_web::test]
async fn bad_credentials_are_rejected_field_by_field() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/users",
            None,
            &json!({"email": "not-an-email", "password": "short"}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem["type"], "/problems/validation-error");
    assert_eq!(problem_fields(&problem), vec!["email", "password"]);
}

#[actix_web::test]
async fn login_returns_a_token_that_opens_the_api() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": user.password}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(body["expiresIn"], 86_400);
    assert_eq!(body["user"]["id"], user.id);
    let token = body["accessToken"].as_str().unwrap_or_default();
    let list = app
        .get(
            &format!("/api/v1/users/{}/assistants", user.id),
            Some(token),
        )
        .await;
    assert_eq!(list.status(), StatusCode::OK);
}

#[actix_web::test]
async fn wrong_password_and_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": "wrong password"}),
        )
        .await;
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "nobody@example.com", "password": "whatever1"}),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED).await;
    assert_eq!(wrong["detail"], unknown["detail"]);
}

fn token_with(secret: &str, sub: &str, exp_offset_secs: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": sub, "role": "user", "iat": now, "exp": now + exp_offset_secs});
    jsonwebtoken::encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap_or_default()
}

#[actix_web::test]
async fn protected_routes_need_a_valid_unexpired_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let path = format!("/api/v1/users/{}/assistants", user.id);

    let missing = app.get(&path, None).await;
    assert_eq!(
        missing
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert_problem(missing, StatusCode::UNAUTHORIZED).await;

    let garbage = app.get(&path, Some("not.a.token")).await;
    assert_problem(garbage, StatusCode::UNAUTHORIZED).await;

    let expired = app
        .get(
            &path,
            Some(&token_with(DEV_JWT_SECRET, &user.id.to_string(), -3600)),
        )
        .await;
    let expired = assert_problem(expired, StatusCode::UNAUTHORIZED).await;
    assert!(expired["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("expired"));

    let forged = app
        .get(
            &path,
            Some(&token_with(
                "another-secret-that-is-long-enough-to-sign",
                &user.id.to_string(),
                3600,
            )),
        )
        .await;
    assert_problem(forged, StatusCode::UNAUTHORIZED).await;

    let valid = app
        .get(
            &path,
            Some(&token_with(DEV_JWT_SECRET, &user.id.to_string(), 3600)),
        )
        .await;
    assert_eq!(valid.status(), StatusCode::OK);
}

#[test]
fn the_server_refuses_the_dev_secret_outside_dev_mode() {
    let output = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .arg("serve")
        .env("APP_ENVIRONMENT", "production")
        .env_remove("APP_AUTH__JWT_SECRET")
        .env("APP_HTTP__PORT", "0")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("APP_AUTH__JWT_SECRET"), "stderr: {stderr}");
}

#[test]
fn a_short_secret_is_refused_everywhere() {
    let output = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .arg("migrate")
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_AUTH__JWT_SECRET", "too-short")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"));
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 32 bytes"), "stderr: {stderr}");
}

#[actix_web::test]
async fn password_attempts_past_the_default_burst_get_429_with_retry_after() {
    let database = TestDatabase::migrated().await;
    let mut settings = test_settings(&database);
    let defaults = Settings::read()
        .unwrap_or_else(|e| panic!("settings: {e}"))
        .auth;
    settings.auth.attempts_burst = defaults.attempts_burst;
    settings.auth.attempt_period_ms = defaults.attempt_period_ms;
    let app = spawn_with(database, settings).await;
    let credentials = json!({"email": "burst@example.com", "password": "a sound password"});
    // Registration and login draw on one allowance: a burst of the default size passes...
    let mut statuses = Vec::new();
    for i in 0..defaults.attempts_burst {
        let path = if i == 0 {
            "/api/v1/users"
        } else {
            "/api/v1/auth/login"
        };
        statuses.push(app.post(path, None, &credentials).await.status());
    }
    assert_eq!(statuses[0], StatusCode::CREATED);
    assert!(
        statuses[1..].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    // ...and the next attempt, on either route, is refused before any password is hashed.
    for path in ["/api/v1/auth/login", "/api/v1/users"] {
        let refused = app.post(path, None, &credentials).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let retry_after: u64 = refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{path}: no Retry-After"));
        assert!(retry_after >= 1);
        let body = assert_problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
        assert_eq!(body["type"], "/problems/rate-limited");
    }
    // Other routes are not limited.
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_email_with_a_nul_or_control_character_is_a_400_on_register_and_login() {
    let app = spawn_app().await;
    for email in ["nul\u{0}@example.com", "bell\u{7}@example.com"] {
        let credentials = json!({"email": email, "password": "a sound password"});
        for path in ["/api/v1/users", "/api/v1/auth/login"] {
            let response = app.post(path, None, &credentials).await;
            let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
            assert_eq!(problem_fields(&problem), vec!["email"], "{path} {email:?}");
        }
    }
}
