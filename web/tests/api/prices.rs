//! Prices: the shared table (admins add versions, with an optional cache-read price), users'
//! overrides (their own, or anyone's for admins; another user's is a 404), and pricing: a
//! token-only call is priced with its owner's override in force at its time, else the table's
//! version in force then, cache reads at the cache-read price, and the version that priced it
//! is stored and returned by `GET /runs`.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::analytics::ingest;
use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp};

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.database.count(sql).await
}

async fn created(response: reqwest::Response) -> Value {
    let status = response.status();
    let body = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

fn hours_ago(hours: i64) -> String {
    (Utc::now() - Duration::hours(hours)).to_rfc3339()
}

#[actix_web::test]
async fn only_admins_add_table_versions_and_bad_ones_store_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let price = json!({"model": "gpt-x", "inputPerMtok": 2.0, "outputPerMtok": 8.0,
                       "cacheReadPerMtok": 0.5, "effectiveFrom": hours_ago(10)});
    let response = app.post("/api/v1/prices", Some(&user.token), &price).await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM model_prices").await,
        0
    );

    let admin = app.make_admin(&app.new_user().await).await;
    let bad = json!({"model": " ", "inputPerMtok": 1.0, "outputPerMtok": 1.0,
                     "cacheReadPerMtok": -0.5});
    let problem = assert_problem(
        app.post("/api/v1/prices", Some(&admin.token), &bad).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["model", "cacheReadPerMtok"]);
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM model_prices").await,
        0
    );

    let stored = created(app.post("/api/v1/prices", Some(&admin.token), &price).await).await;
    assert_eq!(stored["cacheReadPerMtok"], 0.5);
    let list = json_of(app.get("/api/v1/prices", Some(&user.token)).await).await;
    assert_eq!(list, json!([stored]));
}

#[actix_web::test]
async fn overrides_are_each_users_own_and_admins_manage_anyones() {
    let app = spawn_app().await;
    let ada = app.new_user().await;
    let bob = app.new_user().await;
    let version = json!({"model": "gpt-x", "inputPerMtok": 1.0, "outputPerMtok": 2.0});
    let mine = created(
        app.post("/api/v1/prices/overrides", Some(&ada.token), &version)
            .await,
    )
    .await;
    assert_eq!(mine["ownerId"], ada.id);
    // Overrides are not the table.
    let table = json_of(app.get("/api/v1/prices", Some(&bob.token)).await).await;
    assert_eq!(table, json!([]));
    let bobs = json_of(app.get("/api/v1/prices/overrides", Some(&bob.token)).await).await;
    assert_eq!(bobs, json!([]));
    let adas = json_of(app.get("/api/v1/prices/overrides", Some(&ada.token)).await).await;
    assert_eq!(adas, json!([mine.clone()]));
    // The same version twice conflicts; an invalid one names its field.
    let response = app
        .post(
            "/api/v1/prices/overrides",
            Some(&ada.token),
            &mine_again(&mine),
        )
        .await;
    assert_problem(response, StatusCode::CONFLICT).await;
    let bad = json!({"model": "gpt-x", "inputPerMtok": 1e9, "outputPerMtok": 2.0});
    let problem = assert_problem(
        app.post("/api/v1/prices/overrides", Some(&ada.token), &bad)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(problem_fields(&problem), vec!["inputPerMtok"]);

    // Bob can neither see, add to nor remove Ada's.
    let of_ada = format!("/api/v1/prices/overrides?user={}", ada.id);
    assert_problem(
        app.get(&of_ada, Some(&bob.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.post(&of_ada, Some(&bob.token), &version).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let remove = |id: &Value| format!("/api/v1/prices/overrides/{id}");
    let response = app
        .client
        .delete(app.url(&remove(&mine["id"])))
        .bearer_auth(&bob.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(response, StatusCode::NOT_FOUND).await;
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM model_prices").await,
        1
    );

    // An admin lists and adds Ada's, and an unknown user is a 404.
    let admin = app.make_admin(&app.new_user().await).await;
    let listed = json_of(app.get(&of_ada, Some(&admin.token)).await).await;
    assert_eq!(listed, json!([mine.clone()]));
    let later = json!({"model": "gpt-x", "inputPerMtok": 0.5, "outputPerMtok": 1.0,
                       "effectiveFrom": "2031-01-01T00:00:00Z"});
    let by_admin = created(app.post(&of_ada, Some(&admin.token), &later).await).await;
    assert_eq!(by_admin["ownerId"], ada.id);
    assert_problem(
        app.get("/api/v1/prices/overrides?user=999999", Some(&admin.token))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Ada removes her first version; a table version id is never an override to remove.
    let response = app
        .client
        .delete(app.url(&remove(&mine["id"])))
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let table_version = created(
        app.post("/api/v1/prices", Some(&admin.token), &version)
            .await,
    )
    .await;
    let response = app
        .client
        .delete(app.url(&remove(&table_version["id"])))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let adas = json_of(app.get("/api/v1/prices/overrides", Some(&ada.token)).await).await;
    assert_eq!(adas, json!([by_admin]));
}

/// The body that would add `stored` again.
fn mine_again(stored: &Value) -> Value {
    json!({"model": stored["model"], "inputPerMtok": stored["inputPerMtok"],
           "outputPerMtok": stored["outputPerMtok"], "effectiveFrom": stored["effectiveFrom"]})
}

#[actix_web::test]
async fn calls_are_priced_by_the_owners_override_then_the_table_in_force_at_their_time() {
    let app = spawn_app().await;
    let ada = app.new_user().await;
    let bob = app.new_user().await;
    let admin = app.make_admin(&app.new_user().await).await;
    // Table: $2 in / $8 out from 10 hours ago, cache reads $0.50 per million.
    let table = created(
        app.post(
            "/api/v1/prices",
            Some(&admin.token),
            &json!({"model": "gpt-x", "inputPerMtok": 2.0, "outputPerMtok": 8.0,
                    "cacheReadPerMtok": 0.5, "effectiveFrom": hours_ago(10)}),
        )
        .await,
    )
    .await;
    // Ada's contract: $1 in / $4 out from 4 hours ago, no cache-read price.
    let contract = created(
        app.post(
            "/api/v1/prices/overrides",
            Some(&ada.token),
            &json!({"model": "gpt-x", "inputPerMtok": 1.0, "outputPerMtok": 4.0,
                    "effectiveFrom": hours_ago(4)}),
        )
        .await,
    )
    .await;
    let call = |hours: i64, client: &str| {
        json!({"ts": hours_ago(hours), "model": "gpt-x", "tokensIn": 1000, "tokensOut": 100,
               "cacheReadTokens": 400, "clientId": client})
    };
    let adas = app.new_assistant(&ada, "Ada's").await;
    let bobs = app.new_assistant(&bob, "Bob's").await;
    ingest(&app, &ada, adas, &[call(6, "ada-old"), call(1, "ada-new")]).await;
    ingest(&app, &bob, bobs, &[call(1, "bob-new")]).await;
    let mut sent = call(1, "ada-sent");
    sent["cost"] = json!(0.25);
    ingest(&app, &ada, adas, &[sent]).await;

    let cost = |client: &str| {
        format!("SELECT cost_nanos AS n FROM usage_samples WHERE client_id = '{client}'")
    };
    let price_id = |client: &str| {
        format!(
            "SELECT coalesce(price_id, -1) AS n FROM usage_samples WHERE client_id = '{client}'"
        )
    };
    // Table with cache reads: 600 × $2 + 400 × $0.50 + 100 × $8 per million = $0.0022.
    assert_eq!(count(&app, &cost("ada-old")).await, 2_200_000);
    assert_eq!(
        count(&app, &price_id("ada-old")).await,
        table["id"].as_i64().unwrap_or(0)
    );
    // Ada's override in force: 1000 × $1 + 100 × $4 per million = $0.0014 (no cache price).
    assert_eq!(count(&app, &cost("ada-new")).await, 1_400_000);
    assert_eq!(
        count(&app, &price_id("ada-new")).await,
        contract["id"].as_i64().unwrap_or(0)
    );
    // Bob, at the same time, is priced by the table: Ada's contract is hers alone.
    assert_eq!(count(&app, &cost("bob-new")).await, 2_200_000);
    assert_eq!(
        count(&app, &price_id("bob-new")).await,
        table["id"].as_i64().unwrap_or(0)
    );
    // A cost the client sent is kept and names no version.
    assert_eq!(count(&app, &cost("ada-sent")).await, 250_000_000);
    assert_eq!(count(&app, &price_id("ada-sent")).await, -1);

    // GET /runs says which version priced each call.
    let page = json_of(
        app.get(&format!("/api/v1/runs?assistant={adas}"), Some(&ada.token))
            .await,
    )
    .await;
    let runs = page["runs"].as_array().cloned().unwrap_or_default();
    let by_client = |cost: f64| {
        runs.iter()
            .find(|r| r["cost"] == json!(cost))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(
        by_client(0.0014)["price"],
        json!({"id": contract["id"], "model": "gpt-x",
               "effectiveFrom": contract["effectiveFrom"], "isOverride": true})
    );
    assert_eq!(
        by_client(0.0022)["price"],
        json!({"id": table["id"], "model": "gpt-x",
               "effectiveFrom": table["effectiveFrom"], "isOverride": false})
    );
    assert!(by_client(0.25).get("price").is_none());

    // Removing the override keeps the calls it priced (and their version id); new calls go
    // back to the table.
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/prices/overrides/{}", contract["id"])))
        .bearer_auth(&ada.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    ingest(&app, &ada, adas, &[call(0, "ada-after")]).await;
    assert_eq!(count(&app, &cost("ada-new")).await, 1_400_000);
    assert_eq!(count(&app, &cost("ada-after")).await, 2_200_000);
    let page = json_of(
        app.get(&format!("/api/v1/runs?assistant={adas}"), Some(&ada.token))
            .await,
    )
    .await;
    let removed = page["runs"]
        .as_array()
        .and_then(|runs| runs.iter().find(|r| r["cost"] == json!(0.0014)).cloned())
        .unwrap_or_default();
    assert_eq!(removed["price"]["id"], contract["id"]);
    assert_eq!(removed["price"]["model"], Value::Null);
}
