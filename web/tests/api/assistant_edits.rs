//! Editing and deleting assistants: owners and admins may, another user gets a 404; the
//! deletion preview says what goes, and deleting takes all of it (rows, keys, Redis keys).

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::budgets::ingest;
use crate::helpers::{assert_problem, json_of, problem_fields, redis_url, spawn_app, TestApp};

async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) -> Response {
    app.client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PATCH {path}: {e}"))
}

async fn delete(app: &TestApp, token: &str, path: &str) -> Response {
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("DELETE {path}: {e}"))
}

#[actix_web::test]
async fn owners_and_admins_edit_an_assistant_others_get_404_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.new_user().await;
    let stranger = app.new_user().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let a = app.new_assistant(&owner, "Support").await;
    app.new_assistant(&owner, "Taken").await;
    let path = format!("/api/v1/assistants/{a}");

    let renamed = patch(&app, &owner.token, &path, &json!({"name": "  Helpdesk "})).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed = json_of(renamed).await;
    assert_eq!(
        (&renamed["name"], &renamed["modelType"]),
        (&json!("Helpdesk"), &json!("gpt-4o"))
    );
    let by_admin = patch(&app, &admin.token, &path, &json!({"modelType": "claude"})).await;
    assert_eq!(json_of(by_admin).await["modelType"], "claude");

    let response = patch(&app, &stranger.token, &path, &json!({"name": "Mine"})).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = patch(
        &app,
        &owner.token,
        "/api/v1/assistants/999999",
        &json!({"name": "X"}),
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let response = patch(&app, &owner.token, &path, &json!({"name": "Taken"})).await;
    assert_problem(response, StatusCode::CONFLICT).await;
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"modelType": "x".repeat(101)}), "modelType"),
    ] {
        let response = patch(&app, &owner.token, &path, &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem_fields(&problem), vec![field], "{body}");
    }
    let response = patch(&app, &owner.token, &path, &json!({"name": "Y", "owner": 1})).await;
    assert_problem(response, StatusCode::BAD_REQUEST).await;
    let stored = json_of(app.get(&path, Some(&owner.token)).await).await;
    assert_eq!(
        (&stored["name"], &stored["modelType"]),
        (&json!("Helpdesk"), &json!("claude"))
    );
}

/// Rows of `table` that belong to assistant `a` (directly or through its budgets).
async fn rows_of(app: &TestApp, table: &str, a: i64) -> i64 {
    let sql = if table == "assistants" {
        format!("SELECT count(*) AS n FROM assistants WHERE id = {a}")
    } else if table == "budget_alerts" {
        format!(
            "SELECT count(*) AS n FROM budget_alerts al JOIN budgets b ON b.id = al.budget_id \
             WHERE b.assistant_id = {a}"
        )
    } else {
        format!("SELECT count(*) AS n FROM {table} WHERE assistant_id = {a}")
    };
    app.database.count(&sql).await
}

const BELONGINGS: [&str; 10] = [
    "usage_samples",
    "sample_client_ids",
    "time_rollups",
    "day_rollups",
    "breakdown_rollups",
    "label_rollups",
    "ingest_keys",
    "budgets",
    "budget_alerts",
    "assistants",
];

#[actix_web::test]
async fn deleting_an_assistant_says_what_goes_then_removes_all_of_it_and_only_it() {
    let app = spawn_app().await;
    let owner = app.new_user().await;
    let stranger = app.new_user().await;
    let a = app.new_assistant(&owner, "Doomed").await;
    let kept = app.new_assistant(&owner, "Kept").await;
    let budget = json!({"assistantId": a, "period": "monthly", "limit": 0.5});
    let response = app
        .post("/api/v1/budgets", Some(&owner.token), &budget)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let key = json_of(
        app.post(
            &format!("/api/v1/assistants/{a}/keys"),
            Some(&owner.token),
            &json!({"name": "k"}),
        )
        .await,
    )
    .await["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let events = [
        json!({"cost": 0.4, "model": "gpt-4o", "country": "DE", "clientId": "c-1"}),
        json!({"cost": 0.4, "model": "gpt-4o", "status": "error"}),
    ];
    ingest(&app, &owner, a, &events).await;
    ingest(&app, &owner, kept, &[json!({"cost": 0.1})]).await;
    let mut redis = redis::Client::open(redis_url())
        .and_then(|c| c.get_connection())
        .unwrap_or_else(|e| panic!("redis: {e}"));
    let prefix = &app.settings.redis.key_prefix;
    let seq_key = format!("{prefix}live:seq:{a}");
    let exists = |redis: &mut redis::Connection| -> i64 {
        redis::cmd("EXISTS")
            .arg(&seq_key)
            .query(redis)
            .unwrap_or(-1)
    };
    // The live delta (and its sequence number) is published shortly after the ack.
    for _ in 0..50 {
        if exists(&mut redis) == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(
        exists(&mut redis),
        1,
        "the assistant has a live sequence in Redis"
    );

    let preview_path = format!("/api/v1/assistants/{a}/deletion");
    let response = app.get(&preview_path, Some(&stranger.token)).await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let preview = json_of(app.get(&preview_path, Some(&owner.token)).await).await;
    assert_eq!(
        preview,
        json!({"assistantId": a, "name": "Doomed", "samples": 2, "calls": 2, "days": 1,
               "keys": 1, "budgets": 1, "alerts": 3}),
        "the budget of $0.50 crossed 50, 80 and 100 %"
    );
    for table in BELONGINGS {
        assert!(rows_of(&app, table, a).await > 0, "{table}");
    }

    let path = format!("/api/v1/assistants/{a}");
    assert_problem(
        delete(&app, &stranger.token, &path).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        rows_of(&app, "usage_samples", a).await,
        2,
        "a refused delete deletes nothing"
    );
    let response = delete(&app, &owner.token, &path).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for table in BELONGINGS {
        assert_eq!(
            rows_of(&app, table, a).await,
            0,
            "{table} of the deleted assistant"
        );
    }
    assert_eq!(exists(&mut redis), 0, "its Redis keys are gone");
    assert_eq!(
        rows_of(&app, "usage_samples", kept).await,
        1,
        "the other assistant keeps its data"
    );

    assert_problem(
        app.get(&path, Some(&owner.token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        delete(&app, &owner.token, &path).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let by_key = app
        .client
        .post(app.url(&format!("/api/v1/assistants/{a}/events")))
        .header("x-api-key", &key)
        .json(&json!({"cost": 1.0}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(by_key, StatusCode::UNAUTHORIZED).await;
    // The actor is not resurrected: the owner's next sample is a 404, nothing is stored.
    let response = app
        .post(
            &format!("/api/v1/assistants/{a}/events"),
            Some(&owner.token),
            &json!({"cost": 1.0}),
        )
        .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(rows_of(&app, "usage_samples", a).await, 0);
}

#[actix_web::test]
async fn an_admin_may_delete_another_users_assistant() {
    let app = spawn_app().await;
    let owner = app.new_user().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let a = app.new_assistant(&owner, "Bot").await;
    ingest(&app, &owner, a, &[json!({"cost": 0.1})]).await;
    let preview = json_of(
        app.get(
            &format!("/api/v1/assistants/{a}/deletion"),
            Some(&admin.token),
        )
        .await,
    )
    .await;
    assert_eq!(preview["samples"], 1);
    let response = delete(&app, &admin.token, &format!("/api/v1/assistants/{a}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let listed = json_of(
        app.get(
            &format!("/api/v1/users/{}/assistants", owner.id),
            Some(&owner.token),
        )
        .await,
    )
    .await;
    assert_eq!(listed, json!([]));
}
