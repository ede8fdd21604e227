//! Sources, part 1: connections (the secret encrypted at rest, never answered, another user's
//! connection a 404, deletion refused while a source uses it) and shared helpers of the
//! sources tests.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};

/// `method path` with `user`'s token and an optional JSON body.
pub async fn call(
    app: &TestApp,
    user: &TestUser,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&user.token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Creates a connection; returns its view.
pub async fn create_connection(app: &TestApp, user: &TestUser, secret: &str) -> Value {
    let response = app
        .post(
            "/api/v1/connections",
            Some(&user.token),
            &json!({"integration": "github", "name": "My GitHub", "secret": secret}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    json_of(response).await
}

/// Inserts a manual source of `user` behind the API's back (for tests that need one without
/// a fetch); returns its id.
pub async fn insert_source(app: &TestApp, user: &TestUser, connection: Option<i64>) -> i64 {
    let connection = connection.map_or("NULL".to_owned(), |c| c.to_string());
    app.database
        .count(&format!(
            "INSERT INTO sources (owner_id, template_id, name, parameters, connection_id, \
             frequency, is_time_series) VALUES ({}, 'github-repo-stars', 'Stars', \
             '{{\"OWNER\":\"o\",\"REPO\":\"r\"}}', {connection}, 'manual', true) \
             RETURNING id AS n",
            user.id
        ))
        .await
}

#[actix_web::test]
async fn a_connection_secret_is_encrypted_at_rest_and_never_answered() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let secret = "ghp_0123456789abcdefVERYSECRET";
    let created = create_connection(&app, &user, secret).await;
    let id = created["id"].as_i64().unwrap_or_default();
    assert_eq!(created["secretHint"], "…CRET");
    assert_eq!(created["sources"], 0);
    assert!(!created.to_string().contains("0123456789"), "{created}");
    let listed = json_of(app.get("/api/v1/connections", Some(&user.token)).await).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert!(!listed.to_string().contains("0123456789"), "{listed}");
    // The stored column holds neither the secret nor any long part of it, and differs from
    // a second encryption of the same secret (a fresh nonce).
    let raw = app
        .database
        .count(&format!(
            "SELECT (position(convert_to('0123456789', 'UTF8') in secret) \
             + CASE WHEN length(secret) >= 12 + 16 + {} THEN 0 ELSE 1000 END)::bigint AS n \
             FROM connections WHERE id = {id}",
            secret.len()
        ))
        .await;
    assert_eq!(
        raw, 0,
        "the secret is stored in the clear or too short to be sealed"
    );
    let second = create_connection(&app, &user, secret).await;
    let same = app
        .database
        .count(&format!(
            "SELECT count(DISTINCT secret) AS n FROM connections WHERE id IN ({id}, {})",
            second["id"]
        ))
        .await;
    assert_eq!(same, 2);
    // A new secret replaces the old one; the hint follows.
    let response = call(
        &app,
        &user,
        reqwest::Method::PATCH,
        &format!("/api/v1/connections/{id}"),
        Some(&json!({"name": "Renamed", "secret": "another-token-WXYZ"})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated = json_of(response).await;
    assert_eq!(
        (updated["name"].clone(), updated["secretHint"].clone()),
        (json!("Renamed"), json!("…WXYZ"))
    );
}

#[actix_web::test]
async fn connections_are_validated_and_private() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let response = app
        .post(
            "/api/v1/connections",
            Some(&user.token),
            &json!({"integration": "Git Hub", "name": "", "secret": ""}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
    let mut fields = problem_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["integration", "name", "secret"]);
    let response = app
        .post(
            "/api/v1/connections",
            None,
            &json!({"integration": "github"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let id = create_connection(&app, &user, "token-1234")
        .await
        .get("id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let theirs = json_of(app.get("/api/v1/connections", Some(&other.token)).await).await;
    assert_eq!(theirs, json!([]));
    for (method, body) in [
        (reqwest::Method::PATCH, Some(json!({"name": "mine now"}))),
        (reqwest::Method::DELETE, None),
    ] {
        let path = format!("/api/v1/connections/{id}");
        let response = call(&app, &other, method, &path, body.as_ref()).await;
        assert_problem(response, StatusCode::NOT_FOUND).await;
    }
}

#[actix_web::test]
async fn a_connection_in_use_cannot_be_deleted() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let id = create_connection(&app, &user, "token-1234")
        .await
        .get("id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let source = insert_source(&app, &user, Some(id)).await;
    let listed = json_of(app.get("/api/v1/connections", Some(&user.token)).await).await;
    assert_eq!(listed[0]["sources"], 1);
    let path = format!("/api/v1/connections/{id}");
    let response = call(&app, &user, reqwest::Method::DELETE, &path, None).await;
    assert_problem(response, StatusCode::CONFLICT).await;
    app.database
        .count(&format!(
            "DELETE FROM sources WHERE id = {source} RETURNING 1::bigint AS n"
        ))
        .await;
    let response = call(&app, &user, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = call(&app, &user, reqwest::Method::DELETE, &path, None).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
}
