//! The administrators' users API: search and pages with counts and spend, role changes, and
//! disabling a user (login, tokens and ingestion keys refused at once, enabled again later).

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::budgets::ingest;
use crate::helpers::{assert_problem, json_of, problem_fields, spawn_app, TestApp, TestUser};

async fn patch(app: &TestApp, token: &str, path: &str, body: &Value) -> Response {
    app.client
        .patch(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PATCH {path}: {e}"))
}

async fn new_key(app: &TestApp, user: &TestUser, assistant: i64) -> String {
    let created = app
        .post(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
            &json!({"name": "agents"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    json_of(created).await["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn post_with_key(app: &TestApp, assistant: i64, key: &str) -> Response {
    app.client
        .post(app.url(&format!("/api/v1/assistants/{assistant}/events")))
        .header("x-api-key", key)
        .json(&json!({"cost": 1.0}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn try_login(app: &TestApp, user: &TestUser) -> Response {
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": user.email, "password": user.password}),
    )
    .await
}

#[actix_web::test]
async fn users_are_listed_with_counts_and_spend_searched_and_paged_for_admins_only() {
    let app = spawn_app().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let spender = app.new_user().await;
    let a = app.new_assistant(&spender, "A").await;
    let b = app.new_assistant(&spender, "B").await;
    ingest(
        &app,
        &spender,
        a,
        &[json!({"cost": 0.25}), json!({"cost": 0.5})],
    )
    .await;
    ingest(&app, &spender, b, &[json!({"cost": 1.0})]).await;
    let idle = app.new_user().await;

    let response = app.get("/api/v1/admin/users", Some(&spender.token)).await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
    assert_problem(
        app.get("/api/v1/admin/users", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    let page = json_of(app.get("/api/v1/admin/users", Some(&admin.token)).await).await;
    assert_eq!(page["total"], 3, "{page}");
    let users = page["users"].as_array().cloned().unwrap_or_default();
    let ids: Vec<i64> = users.iter().filter_map(|u| u["id"].as_i64()).collect();
    assert_eq!(ids, vec![admin.id, spender.id, idle.id], "oldest first");
    let row = &users[1];
    assert_eq!(row["email"], spender.email.as_str());
    assert_eq!(
        (&row["assistants"], &row["calls"], &row["spend"]),
        (&json!(2), &json!(3), &json!(1.75)),
        "{row}"
    );
    assert_eq!(
        (&row["role"], &row["disabled"]),
        (&json!("user"), &json!(false))
    );
    assert_eq!(users[0]["role"], "admin");
    assert_eq!(
        (&users[2]["calls"], &users[2]["spend"]),
        (&json!(0), &json!(0.0))
    );

    // Search is a case-insensitive substring of the email (or name), wildcards literal.
    let needle = &spender.email[5..15].to_uppercase();
    let found = json_of(
        app.get(
            &format!("/api/v1/admin/users?search={needle}"),
            Some(&admin.token),
        )
        .await,
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["users"][0]["id"], spender.id);
    let none = json_of(
        app.get("/api/v1/admin/users?search=%25", Some(&admin.token))
            .await,
    )
    .await;
    assert_eq!(none["total"], 0, "a % matches itself only: {none}");

    let second = json_of(
        app.get("/api/v1/admin/users?limit=2&offset=2", Some(&admin.token))
            .await,
    )
    .await;
    assert_eq!(
        (&second["total"], &second["offset"]),
        (&json!(3), &json!(2))
    );
    assert_eq!(second["users"].as_array().map(Vec::len), Some(1));
    assert_eq!(second["users"][0]["id"], idle.id);

    for bad in [
        "limit=0",
        "limit=201",
        "offset=-1",
        "search=a%09b",
        "sort=email",
    ] {
        let response = app
            .get(&format!("/api/v1/admin/users?{bad}"), Some(&admin.token))
            .await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
    }
}

#[actix_web::test]
async fn a_disabled_user_cannot_log_in_and_their_token_and_keys_stop_at_once() {
    let app = spawn_app().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let key = new_key(&app, &user, assistant).await;
    assert_eq!(
        post_with_key(&app, assistant, &key).await.status(),
        StatusCode::OK
    );
    let own = format!("/api/v1/users/{}/assistants", user.id);
    assert_eq!(
        app.get(&own, Some(&user.token)).await.status(),
        StatusCode::OK
    );

    let path = format!("/api/v1/admin/users/{}", user.id);
    let changed = patch(&app, &admin.token, &path, &json!({"disabled": true})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed = json_of(changed).await;
    assert_eq!(changed["disabled"], true);
    assert!(changed["disabledAt"].is_string(), "{changed}");
    assert_eq!(changed["assistants"], 1);

    // The very next request with the old token, the key, or a login: refused, saying why.
    let refused = assert_problem(
        app.get(&own, Some(&user.token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{refused}"
    );
    let refused = assert_problem(
        post_with_key(&app, assistant, &key).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{refused}"
    );
    let events = format!("/api/v1/assistants/{assistant}/events");
    let response = app
        .post(&events, Some(&user.token), &json!({"cost": 1.0}))
        .await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
    let refused = assert_problem(try_login(&app, &user).await, StatusCode::FORBIDDEN).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("disabled"),
        "{refused}"
    );
    // A wrong password is still just wrong: the state is told only to who knows the password.
    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": user.email, "password": "not it at all"}),
        )
        .await;
    assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
    let stored = "SELECT count(*) AS n FROM usage_samples";
    assert_eq!(
        app.database.count(stored).await,
        1,
        "only the call before disabling"
    );

    let enabled = patch(&app, &admin.token, &path, &json!({"disabled": false})).await;
    assert_eq!(json_of(enabled).await["disabled"], false);
    assert_eq!(
        app.get(&own, Some(&user.token)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        post_with_key(&app, assistant, &key).await.status(),
        StatusCode::OK
    );
    assert_eq!(try_login(&app, &user).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn roles_change_at_once_and_bad_changes_are_refused_changing_nothing() {
    let app = spawn_app().await;
    let admin = app.make_admin(&app.new_user().await).await;
    let user = app.new_user().await;
    let path = format!("/api/v1/admin/users/{}", user.id);
    let prices = "/api/v1/prices";
    let price = json!({"model": "gpt-x", "inputPerMtok": 1.0, "outputPerMtok": 2.0});

    // Not an admin: 403, and nothing changes.
    let response = patch(&app, &user.token, &path, &json!({"role": "admin"})).await;
    assert_problem(response, StatusCode::FORBIDDEN).await;
    let admins = "SELECT count(*) AS n FROM users WHERE role = 'admin'";
    assert_eq!(app.database.count(admins).await, 1);

    let promoted = patch(&app, &admin.token, &path, &json!({"role": "admin"})).await;
    assert_eq!(json_of(promoted).await["role"], "admin");
    // The user's existing token (issued as `user`) already acts as admin.
    let response = app.post(prices, Some(&user.token), &price).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let demoted = patch(&app, &admin.token, &path, &json!({"role": "user"})).await;
    assert_eq!(json_of(demoted).await["role"], "user");
    assert_problem(
        app.post(prices, Some(&user.token), &price).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let own = format!("/api/v1/admin/users/{}", admin.id);
    for (target, body, field) in [
        (&path, json!({"role": "root"}), "role"),
        (&path, json!({}), "role"),
        (&own, json!({"role": "user"}), "role"),
        (&own, json!({"disabled": true}), "disabled"),
    ] {
        let response = patch(&app, &admin.token, target, &body).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem_fields(&problem), vec![field], "{body}");
    }
    for body in [
        json!({"disabled": "yes"}),
        json!({"role": "user", "extra": 1}),
    ] {
        let response = patch(&app, &admin.token, &path, &body).await;
        assert_problem(response, StatusCode::BAD_REQUEST).await;
    }
    let response = patch(
        &app,
        &admin.token,
        "/api/v1/admin/users/999999",
        &json!({"disabled": true}),
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND).await;
    let disabled = "SELECT count(*) AS n FROM users WHERE disabled_at IS NOT NULL";
    assert_eq!(app.database.count(disabled).await, 0);
    assert_eq!(app.database.count(admins).await, 1);
}

type Socket = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

/// Opens `/api/v1/ws/{path}` on `app`.
async fn socket(app: &TestApp, path: &str) -> Socket {
    let url = format!(
        "{}/api/v1/ws/{path}",
        app.address.replace("http://", "ws://")
    );
    awc::Client::new()
        .ws(url)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("ws connect {path}: {e}"))
        .1
}

/// Waits (at most 5 s) for the server to close `socket`, and says how.
async fn closed(socket: &mut Socket) -> awc::ws::CloseReason {
    use futures_util::StreamExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("the disabled user's socket stayed open"));
        match frame {
            Some(Ok(awc::ws::Frame::Close(reason))) => {
                return reason.unwrap_or_else(|| panic!("a close without a reason"))
            }
            Some(Ok(_)) => {}
            other => panic!("no close frame: {other:?}"),
        }
    }
}

#[actix_web::test]
async fn sockets_opened_before_disabling_are_closed_saying_why() {
    use futures_util::StreamExt;
    let database = crate::helpers::TestDatabase::migrated().await;
    let mut settings = crate::helpers::test_settings(&database);
    settings.hub.ws_heartbeat_ms = 200;
    let app = crate::helpers::spawn_with(database, settings).await;
    let admin = app.make_admin(&app.new_user().await).await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let key = new_key(&app, &user, assistant).await;
    let bystander = app.new_user().await;
    let mut live = socket(&app, &format!("live?token={}", user.token)).await;
    let mut by_token = socket(&app, &format!("ingest?token={}", user.token)).await;
    let mut by_key = socket(&app, &format!("ingest?apiKey={key}")).await;
    let mut others = socket(&app, &format!("live?token={}", bystander.token)).await;

    let path = format!("/api/v1/admin/users/{}", user.id);
    let changed = patch(&app, &admin.token, &path, &json!({"disabled": true})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    for socket in [&mut live, &mut by_token, &mut by_key] {
        let reason = closed(socket).await;
        assert_eq!(reason.code, awc::ws::CloseCode::Policy);
        assert!(reason.description.unwrap_or_default().contains("disabled"));
    }
    // Another user's socket stays open (it still gets heartbeats).
    let frame = tokio::time::timeout(std::time::Duration::from_millis(600), others.next()).await;
    assert!(
        matches!(frame, Ok(Some(Ok(awc::ws::Frame::Ping(_))))),
        "{frame:?}"
    );
}
