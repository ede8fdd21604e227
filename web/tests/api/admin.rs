//! Operating a fresh hub without psql: registering with a display name (seed 000's user
//! model), and naming the first administrator (`metrics-hub make-admin`).

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app};

#[actix_web::test]
async fn registration_takes_an_optional_name_and_returns_it() {
    let app = spawn_app().await;
    let body = json!({"name": "  Ada Lovelace ", "email": "ada@example.com",
                      "password": "a sound password"});
    let response = app.post("/api/v1/users", None, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let user = json_of(response).await;
    assert_eq!(user["name"], "Ada Lovelace", "trimmed");
    assert_eq!(user["email"], "ada@example.com");

    let body = json!({"email": "grace@example.com", "password": "a sound password"});
    let response = app.post("/api/v1/users", None, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(json_of(response).await["name"].is_null());
    let named = "SELECT count(*) AS n FROM users WHERE name = 'Ada Lovelace'";
    assert_eq!(app.database.count(named).await, 1);
}

#[actix_web::test]
async fn a_bad_name_is_refused_and_registers_nobody() {
    let app = spawn_app().await;
    for name in [
        json!("   "),
        json!("tab\there"),
        json!("x".repeat(101)),
        json!(7),
    ] {
        let body = json!({"name": name, "email": "ada@example.com",
                          "password": "a sound password"});
        let response = app.post("/api/v1/users", None, &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        if name.is_string() {
            assert_eq!(problem_fields(&problem), vec!["name"], "{name}");
        }
    }
    assert_eq!(
        app.database.count("SELECT count(*) AS n FROM users").await,
        0
    );
}

#[actix_web::test]
async fn promote_promotes_a_registered_user_and_only_one() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let bystander = app.new_user().await;
    let price = json!({"model": "gpt-x", "inputPerMtok": 2.5, "outputPerMtok": 10.0,
                       "effectiveFrom": "2020-01-01T00:00:00Z"});
    let response = app.post("/api/v1/prices", Some(&user.token), &price).await;
    assert_problem(response, StatusCode::FORBIDDEN).await;

    let pool = persistence::postgres::pool::build_pool(&app.settings.database.pool())
        .unwrap_or_else(|e| panic!("pool: {e}"));
    let shouted = format!("  {} ", user.email.to_uppercase());
    let promoted = web::admin::promote(&pool, &shouted)
        .await
        .unwrap_or_else(|e| panic!("make admin: {e}"));
    assert_eq!((promoted.id, promoted.role.as_str()), (user.id, "admin"));
    // Idempotent.
    assert!(web::admin::promote(&pool, &user.email).await.is_ok());

    // This process cached the user's status (role `user`) on the refused request above; the
    // promotion came from outside, so it is seen once the cached entry expires.
    tokio::time::sleep(web::auth::status::STATUS_TTL).await;
    let admin = app.login(&user.email, &user.password).await;
    let response = app.post("/api/v1/prices", Some(&admin), &price).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let admins = "SELECT count(*) AS n FROM users WHERE role = 'admin'";
    assert_eq!(app.database.count(admins).await, 1);
    let response = app
        .post("/api/v1/prices", Some(&bystander.token), &price)
        .await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
}

#[actix_web::test]
async fn promote_of_an_unknown_email_says_to_register_first() {
    let app = spawn_app().await;
    let pool = persistence::postgres::pool::build_pool(&app.settings.database.pool())
        .unwrap_or_else(|e| panic!("pool: {e}"));
    let error = web::admin::promote(&pool, "nobody@example.com").await;
    let text = error
        .map(|_| String::new())
        .unwrap_or_else(|e| e.to_string());
    assert!(
        text.contains("no user is registered as nobody@example.com"),
        "{text}"
    );
    assert!(text.contains("register first"), "{text}");
    assert_eq!(
        app.database.count("SELECT count(*) AS n FROM users").await,
        0
    );
}
