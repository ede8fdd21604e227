//! Streaming ingestion over WebSocket: acks after commit, nacks that say why, frame limits.

use std::time::Duration;

use awc::ws::{CloseCode, Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp};

pub(crate) type Connection = actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>;

pub(crate) async fn connect(app: &TestApp, query: &str) -> Connection {
    let url = format!(
        "{}/api/v1/ws/ingest?{query}",
        app.address.replace("http://", "ws://")
    );
    awc::Client::new()
        .ws(url)
        .max_frame_size(4 * 1024 * 1024)
        .connect()
        .await
        .unwrap_or_else(|e| panic!("ws connect: {e}"))
        .1
}

pub(crate) async fn exchange(ws: &mut Connection, message: &str) -> Value {
    ws.send(Message::Text(message.to_owned().into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .unwrap_or_else(|_| panic!("no answer"));
        match frame {
            Some(Ok(Frame::Text(text))) => {
                return serde_json::from_slice(&text).unwrap_or_default()
            }
            Some(Ok(_)) => {}
            other => panic!("connection ended: {other:?}"),
        }
    }
}

async fn stored_calls(app: &TestApp) -> i64 {
    app.database
        .count("SELECT count(*) AS n FROM usage_samples")
        .await
}

#[actix_web::test]
async fn frames_are_acknowledged_after_commit_or_refused_with_a_reason() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let assistant = app.new_assistant(&user, "Bot").await;
    let mut ws = connect(&app, &format!("token={}", user.token)).await;

    let ack = exchange(
        &mut ws,
        &json!({"id": "m1", "assistantId": assistant, "events": [{"cost": 1.0}, {"cost": 2.0}, {"statusCode": 500}]})
            .to_string(),
    )
    .await;
    assert_eq!(
        ack,
        json!({"type": "ack", "id": "m1", "accepted": 3, "duplicates": 0, "overBudget": false})
    );
    assert_eq!(stored_calls(&app).await, 3);

    let bad = exchange(
        &mut ws,
        &json!({"id": "m2", "assistantId": assistant, "events": [{"latencyMs": -1}]}).to_string(),
    )
    .await;
    assert_eq!(
        (
            bad["type"].clone(),
            bad["id"].clone(),
            bad["status"].clone()
        ),
        (json!("nack"), json!("m2"), json!(400))
    );
    assert!(bad["detail"]
        .as_str()
        .unwrap_or_default()
        .contains("latencyMs"));

    let stranger = app.new_user().await;
    let foreign = app.new_assistant(&stranger, "Theirs").await;
    let not_yours = exchange(
        &mut ws,
        &json!({"id": "m3", "assistantId": foreign, "events": [{}]}).to_string(),
    )
    .await;
    assert_eq!(not_yours["status"], 404);

    let garbage = exchange(&mut ws, "{\"id\": \"m4\", \"events\": ").await;
    assert_eq!(
        (garbage["id"].clone(), garbage["status"].clone()),
        (Value::Null, json!(400))
    );
    assert_eq!(stored_calls(&app).await, 3, "refused frames store nothing");

    // With an ingestion key instead of a user token.
    let key = json_of(
        app.post(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
            &json!({"name": "ws"}),
        )
        .await,
    )
    .await["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut keyed = connect(&app, &format!("apiKey={key}")).await;
    let ack = exchange(
        &mut keyed,
        &json!({"id": "k1", "assistantId": assistant, "events": [{}]}).to_string(),
    )
    .await;
    assert_eq!(ack["accepted"], 1);
}

#[actix_web::test]
async fn an_oversized_frame_closes_the_connection_with_1009() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let mut ws = connect(&app, &format!("token={}", user.token)).await;
    let huge = format!(
        "{{\"id\": \"x\", \"assistantId\": 1, \"events\": [\"{}\"]}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let _ = ws.send(Message::Text(huge.into())).await;
    let mut code = None;
    while let Ok(Some(frame)) = tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
        if let Ok(Frame::Close(reason)) = frame {
            code = reason.map(|r| r.code);
            break;
        }
    }
    assert_eq!(code, Some(CloseCode::Size));
    assert_eq!(stored_calls(&app).await, 0);
}
