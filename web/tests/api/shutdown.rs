//! Graceful shutdown: a real `metrics-hub serve` process under ingestion load gets SIGTERM;
//! every acknowledged event is stored, and nothing unacknowledged is.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::helpers::{free_port, json_of, redis_url, TestDatabase};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[actix_web::test]
async fn sigterm_stores_exactly_what_was_acknowledged() {
    let database = TestDatabase::migrated().await;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .arg("serve")
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_HTTP__PORT", port.to_string())
        .env("APP_DATABASE__URL", database.url())
        .env("APP_REDIS__URL", redis_url())
        .env("APP_REDIS__KEY_PREFIX", format!("{}:", database.name))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the hub did not start");
    let email = "shutdown@example.com";
    client
        .post(format!("{base}/api/v1/users"))
        .json(&json!({"email": email, "password": "long enough"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let login = json_of(
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": email, "password": "long enough"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    let token = login["accessToken"].as_str().unwrap_or_default().to_owned();
    let user_id = login["user"]["id"].as_i64().unwrap_or_default();
    let assistant = json_of(
        client
            .post(format!("{base}/api/v1/users/{user_id}/assistants"))
            .bearer_auth(&token)
            .json(&json!({"name": "Bot", "modelType": "gpt-4o"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await["id"]
        .as_i64()
        .unwrap_or_default();

    let acked = Arc::new(AtomicI64::new(0));
    let mut writers = Vec::new();
    for _ in 0..8 {
        let (client, token, acked, url) = (
            client.clone(),
            token.clone(),
            Arc::clone(&acked),
            format!("{base}/api/v1/assistants/{assistant}/events"),
        );
        writers.push(actix_web::rt::spawn(async move {
            // Bounded: at most 2,000 requests per writer, stopping once the server is gone.
            for _ in 0..2_000 {
                let events = vec![json!({"cost": 0.001}); 25];
                match client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&events)
                    .send()
                    .await
                {
                    Ok(response) if response.status().is_success() => {
                        let body = json_of(response).await;
                        acked.fetch_add(
                            body["accepted"].as_i64().unwrap_or_default(),
                            Ordering::SeqCst,
                        );
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("kill: {e}"));
    assert!(killed.success());
    for writer in writers {
        let _ = writer.await;
    }
    let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
    assert!(status.success(), "the hub exited with {status}");

    let mut conn = database.connect().await;
    let stored: Count = diesel::sql_query("SELECT count(*) AS n FROM usage_samples")
        .get_result(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let acked = AtomicI64::load(&acked, Ordering::SeqCst);
    assert!(acked > 0, "the load never got going");
    assert_eq!(
        stored.n, acked,
        "stored rows must equal acknowledged events"
    );
}
