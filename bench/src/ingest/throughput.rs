//! Durable ingestion throughput: `clients` concurrent clients send batches of events and wait
//! for each acknowledgement (which the hub sends only after the batch is committed).

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

use super::target::Target;
use super::IngestArgs;
use crate::progress;
use crate::BenchError;

/// One batch of realistic per-call events.
fn batch(size: usize) -> Vec<Value> {
    (0..size)
        .map(|i| {
            json!({
                "model": if i % 3 == 0 { "gpt-4o-mini" } else { "gpt-4o" },
                "statusCode": if i % 25 == 0 { 503 } else { 200 },
                "latencyMs": 200 + (i % 1800),
                "durationMs": 30_000 + i,
                "tokensIn": 500 + i % 700,
                "tokensOut": 100 + i % 300,
                "cost": 0.0042,
                "country": "DE",
                "domain": "support",
            })
        })
        .collect()
}

/// Samples per second over HTTP.
pub async fn over_http(args: &IngestArgs, target: &Target) -> Result<f64, BenchError> {
    let body = Rc::new(
        serde_json::to_vec(&batch(args.batch)).map_err(|e| BenchError::Run(e.to_string()))?,
    );
    let batches = args.events.div_ceil(args.batch.max(1));
    let next = Arc::new(AtomicUsize::new(0));
    let bar = progress::bar(batches * args.batch, "HTTP ingest (samples)");
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..args.clients.max(1) {
        let (body, next, bar) = (Rc::clone(&body), Arc::clone(&next), bar.clone());
        let (base, token, assistants) = (
            target.base.clone(),
            target.token.clone(),
            target.assistants.clone(),
        );
        let size = args.batch;
        clients.push(actix_rt::spawn(async move {
            let client = awc::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .finish();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= batches {
                    return Ok::<(), BenchError>(());
                }
                let assistant = assistants[n % assistants.len()];
                let response = client
                    .post(format!("{base}/api/v1/assistants/{assistant}/events"))
                    .bearer_auth(&token)
                    .content_type("application/json")
                    .send_body(body.as_ref().clone())
                    .await
                    .map_err(|e| BenchError::Run(format!("HTTP ingest: {e}")))?;
                if !response.status().is_success() {
                    return Err(BenchError::Run(format!(
                        "HTTP ingest answered {}",
                        response.status()
                    )));
                }
                bar.inc(size as u64);
            }
        }));
    }
    for client in clients {
        client.await.map_err(|e| BenchError::Run(e.to_string()))??;
    }
    bar.finish();
    Ok((batches * args.batch) as f64 / started.elapsed().as_secs_f64())
}

/// Samples per second over the ingestion WebSocket (one message in flight per connection).
pub async fn over_websocket(args: &IngestArgs, target: &Target) -> Result<f64, BenchError> {
    let events = batch(args.batch);
    let batches = args.events.div_ceil(args.batch.max(1));
    let next = Arc::new(AtomicUsize::new(0));
    let bar = progress::bar(batches * args.batch, "WebSocket ingest (samples)");
    let started = Instant::now();
    let mut clients = Vec::new();
    for client_no in 0..args.clients.max(1) {
        let (next, bar, events) = (Arc::clone(&next), bar.clone(), events.clone());
        let url = format!(
            "{}/api/v1/ws/ingest?token={}",
            target.base.replace("http://", "ws://"),
            target.token
        );
        let assistants = target.assistants.clone();
        let size = args.batch;
        clients.push(actix_rt::spawn(async move {
            let (_, mut ws) = awc::Client::new()
                .ws(url)
                .connect()
                .await
                .map_err(|e| BenchError::Run(format!("WebSocket ingest: {e}")))?;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= batches {
                    return Ok::<(), BenchError>(());
                }
                let frame = json!({
                    "id": format!("{client_no}-{n}"),
                    "assistantId": assistants[n % assistants.len()],
                    "events": events,
                });
                ws.send(Message::Text(frame.to_string().into()))
                    .await
                    .map_err(|e| BenchError::Run(format!("WebSocket ingest: {e}")))?;
                loop {
                    match ws.next().await {
                        Some(Ok(Frame::Text(text))) => {
                            let answer: Value = serde_json::from_slice(&text).unwrap_or_default();
                            if answer["type"] != "ack" {
                                return Err(BenchError::Run(format!("WebSocket ingest: {answer}")));
                            }
                            break;
                        }
                        Some(Ok(Frame::Ping(bytes))) => {
                            let _ = ws.send(Message::Pong(bytes)).await;
                        }
                        Some(Ok(_)) => {}
                        other => {
                            return Err(BenchError::Run(format!(
                                "WebSocket ingest ended: {other:?}"
                            )))
                        }
                    }
                }
                bar.inc(size as u64);
            }
        }));
    }
    for client in clients {
        client.await.map_err(|e| BenchError::Run(e.to_string()))??;
    }
    bar.finish();
    Ok((batches * args.batch) as f64 / started.elapsed().as_secs_f64())
}
