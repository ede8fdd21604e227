//! Assistants and ownership across users.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app};

#[actix_web::test]
async fn a_user_creates_and_lists_their_assistants() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let first = app.new_assistant(&user, "Support bot").await;
    let response = app
        .post(
            &format!("/api/v1/users/{}/assistants", user.id),
            Some(&user.token),
            &json!({"name": "Sales agent", "model_type": "claude-3-5-sonnet"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let second = json_of(response).await;
    assert_eq!(second["modelType"], "claude-3-5-sonnet");
    assert_eq!(second["ownerId"], user.id);

    let list = json_of(
        app.get(
            &format!("/api/v1/users/{}/assistants", user.id),
            Some(&user.token),
        )
        .await,
    )
    .await;
    let names: Vec<_> = list
        .as_array()
        .map(|a| a.iter().map(|x| x["name"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec![json!("Support bot"), json!("Sales agent")]);
    assert_eq!(list[0]["id"], first);
}

#[actix_web::test]
async fn another_users_assistants_are_invisible() {
    let app = spawn_app().await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    let assistant = app.new_assistant(&alice, "Alice's bot").await;

    for path in [
        format!("/api/v1/assistants/{assistant}"),
        format!("/api/v1/assistants/{assistant}/metrics"),
        format!("/api/v1/assistants/{assistant}/metrics/rolling-avg?days=7"),
        format!("/api/v1/assistants/{assistant}/metrics/summary"),
        format!("/api/v1/users/{}/assistants", alice.id),
    ] {
        let response = app.get(&path, Some(&bob.token)).await;
        assert_problem(response, StatusCode::NOT_FOUND).await;
        let own = app.get(&path, Some(&alice.token)).await;
        assert_eq!(own.status(), StatusCode::OK, "{path} for its owner");
    }

    let create = app
        .post(
            &format!("/api/v1/users/{}/assistants", alice.id),
            Some(&bob.token),
            &json!({"name": "Sneaky", "modelType": "gpt-4o"}),
        )
        .await;
    assert_problem(create, StatusCode::NOT_FOUND).await;

    let totals = json_of(app.get("/api/v1/metrics/totals", Some(&bob.token)).await).await;
    assert_eq!(totals["assistants"], json!([]));
}

#[actix_web::test]
async fn unknown_ids_are_404() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .get("/api/v1/assistants/999999", Some(&user.token))
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = app
        .get("/api/v1/assistants/not-a-number", Some(&user.token))
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
}

#[actix_web::test]
async fn names_are_unique_per_owner_and_validated() {
    let app = spawn_app().await;
    let alice = app.new_user().await;
    let bob = app.new_user().await;
    app.new_assistant(&alice, "Bot").await;
    app.new_assistant(&bob, "Bot").await;
    let again = app
        .post(
            &format!("/api/v1/users/{}/assistants", alice.id),
            Some(&alice.token),
            &json!({"name": "Bot", "modelType": "gpt-4o"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT).await;

    let blank = app
        .post(
            &format!("/api/v1/users/{}/assistants", alice.id),
            Some(&alice.token),
            &json!({"name": "  ", "modelType": "x".repeat(101)}),
        )
        .await;
    let problem = assert_problem(blank, StatusCode::BAD_REQUEST).await;
    assert_eq!(problem_fields(&problem), vec!["name", "modelType"]);
}

#[actix_web::test]
async fn an_admin_may_read_every_users_assistants() {
    use diesel_async::RunQueryDsl;
    let app = spawn_app().await;
    let alice = app.new_user().await;
    let admin = app.new_user().await;
    let assistant = app.new_assistant(&alice, "Alice's bot").await;
    let mut conn = app.database.connect().await;
    diesel::sql_query(format!(
        "UPDATE users SET role = 'admin' WHERE id = {}",
        admin.id
    ))
    .execute(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("promote: {e}"));
    // The role is the stored one (web::auth::status), not the token's: a fresh token and the
    // one issued before the promotion both act as admin.
    let token = app.login(&admin.email, &admin.password).await;
    for token in [&token, &admin.token] {
        let response = app
            .get(&format!("/api/v1/assistants/{assistant}"), Some(token))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let bystander = app.new_user().await;
    let response = app
        .get(
            &format!("/api/v1/assistants/{assistant}"),
            Some(&bystander.token),
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
}
