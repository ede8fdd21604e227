//! The command line, run for real: the built `metrics-hub` binary against a test database
//! creates the first administrator (password from standard input), promotes users, and runs
//! the retention cleanup.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, TestApp};

/// Runs `metrics-hub ARGS` with the test hub's database, feeding `stdin`.
fn hub(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .args(args)
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_DATABASE__URL", app.database.url())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("metrics-hub {args:?}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.as_bytes())
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("metrics-hub {args:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[actix_web::test]
async fn admin_create_makes_the_first_administrator_from_a_password_on_stdin() {
    let app = spawn_app().await;
    let args = [
        "admin",
        "create",
        "--email",
        " Root@Example.com ",
        "--name",
        "Root",
        "--password-stdin",
    ];
    let out = hub(&app, &args, "a sound password\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("created administrator root@example.com"),
        "{}",
        text(&out.stdout)
    );

    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "root@example.com", "password": "a sound password"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
    let login = json_of(login).await;
    assert_eq!(
        (&login["user"]["role"], &login["user"]["name"]),
        (&json!("admin"), &json!("Root"))
    );
    let token = login["accessToken"].as_str().unwrap_or_default();
    let users = app.get("/api/v1/admin/users", Some(token)).await;
    assert_eq!(
        users.status(),
        StatusCode::OK,
        "the new administrator uses the admin API"
    );

    // Again with the same email: refused, pointing at `admin promote`; nothing added.
    let out = hub(
        &app,
        &["admin", "create", "--email", "root@example.com"],
        "another password\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("metrics-hub admin promote root@example.com"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        app.database.count("SELECT count(*) AS n FROM users").await,
        1
    );
}

#[actix_web::test]
async fn admin_create_keeps_the_registration_rules_and_needs_a_password() {
    let app = spawn_app().await;
    let out = hub(
        &app,
        &["admin", "create", "--email", "ops@example.com"],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("password: must be at least 8 characters"),
        "{}",
        text(&out.stderr)
    );
    let out = hub(
        &app,
        &["admin", "create", "--email", "not-an-email"],
        "a sound password\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("email: must be an email address"),
        "{}",
        text(&out.stderr)
    );
    let out = hub(&app, &["admin", "create", "--email", "ops@example.com"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("standard input was empty"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        app.database.count("SELECT count(*) AS n FROM users").await,
        0
    );

    // A password with spaces is kept as typed (only the line ending goes).
    let out = hub(
        &app,
        &["admin", "create", "--email", "ops@example.com"],
        "  spaced out  \r\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "ops@example.com", "password": "  spaced out  "}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::OK);
}

#[actix_web::test]
async fn admin_promote_and_the_old_make_admin_promote_a_registered_user() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let out = hub(&app, &["admin", "promote", &user.email.to_uppercase()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("is now an administrator"));
    let out = hub(&app, &["make-admin", &other.email], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let admins = "SELECT count(*) AS n FROM users WHERE role = 'admin'";
    assert_eq!(app.database.count(admins).await, 2);
    // The tokens issued before the promotion act as admin at once.
    let users = app.get("/api/v1/admin/users", Some(&user.token)).await;
    assert_eq!(users.status(), StatusCode::OK);

    let out = hub(&app, &["admin", "promote", "nobody@example.com"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("admin create --email nobody@example.com"),
        "{}",
        text(&out.stderr)
    );
}

#[actix_web::test]
async fn retention_run_cleans_up_with_the_configured_periods() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let a = app.new_assistant(&user, "A").await;
    let old = (chrono::Utc::now() - chrono::Duration::days(100)).to_rfc3339();
    let events = [json!({"ts": old, "cost": 0.1}), json!({"cost": 0.1})];
    crate::budgets::ingest(&app, &user, a, &events).await;
    let out = hub(&app, &["retention", "run"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("raw samples dropped: 1"), "{stdout}");
    assert!(stdout.contains("minute rollups dropped: 1"), "{stdout}");
    let raw = "SELECT count(*) AS n FROM usage_samples";
    assert_eq!(app.database.count(raw).await, 1, "the recent call stays");
}
