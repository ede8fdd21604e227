//! Ingestion keys: shown once, scoped to one assistant, revocable, never a login.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, json_of, spawn_app, TestApp};

async fn post_with_key(app: &TestApp, assistant: i64, key: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/assistants/{assistant}/events")))
        .header("x-api-key", key)
        .json(&json!({"cost": 1.0}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[actix_web::test]
async fn a_key_ingests_for_its_assistant_only_until_revoked() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let other = app.new_assistant(&user, "Other").await;
    let created = app
        .post(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
            &json!({"name": "agents"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created = json_of(created).await;
    let key = created["key"].as_str().unwrap_or_default().to_owned();
    assert!(key.starts_with("mh_") && key.len() == 43, "{key}");
    assert_eq!(created["prefix"], key[..11]);

    let listed = json_of(
        app.get(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert!(
        listed[0].get("key").is_none(),
        "the secret is shown only once"
    );

    assert_eq!(
        post_with_key(&app, assistant, &key).await.status(),
        StatusCode::OK
    );
    assert_problem(
        post_with_key(&app, other, &key).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        post_with_key(&app, assistant, "mh_0000").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // A key writes usage; it cannot read, nor manage keys.
    let read = app
        .client
        .get(app.url(&format!("/api/v1/assistants/{assistant}/metrics")))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(read, StatusCode::UNAUTHORIZED).await;

    let stranger = app.new_user().await;
    let id = created["id"].as_i64().unwrap_or_default();
    let foreign = app
        .client
        .delete(app.url(&format!("/api/v1/keys/{id}")))
        .bearer_auth(&stranger.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(foreign, StatusCode::NOT_FOUND).await;
    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/keys/{id}")))
        .bearer_auth(&user.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_problem(
        post_with_key(&app, assistant, &key).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let listed = json_of(
        app.get(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    assert_eq!(listed, json!([]));
}
