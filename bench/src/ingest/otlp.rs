//! Durable ingestion throughput over OTLP/HTTP protobuf (`POST /v1/traces`), as an
//! OpenTelemetry SDK would send it: the same calls as the HTTP phase, one GenAI span each,
//! `clients` concurrent exporters each waiting for the answer (sent after commit). Every
//! request carries new span ids (the hub stores a re-exported span once), so the bodies are
//! encoded before the clock starts: what is measured is the hub, not the bench's encoder.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::{AnyValue as Any, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use serde_json::json;

use super::target::Target;
use super::IngestArgs;
use crate::progress;
use crate::BenchError;

fn kv(key: &str, value: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(Any { value: Some(value) }),
        ..KeyValue::default()
    }
}

/// Request `n`'s body: `size` GenAI spans, ids unique to the request.
fn body(n: usize, size: usize, start_nanos: u64) -> Vec<u8> {
    let spans = (0..size)
        .map(|i| {
            let model = if i % 3 == 0 { "gpt-4o-mini" } else { "gpt-4o" };
            let latency = (200 + (i % 1800)) as u64 * 1_000_000;
            let mut trace_id = vec![0u8; 16];
            trace_id[..8].copy_from_slice(&(n as u64).to_be_bytes());
            trace_id[8..].copy_from_slice(&(i as u64).to_be_bytes());
            Span {
                trace_id,
                span_id: ((n * size + i) as u64 + 1).to_be_bytes().to_vec(),
                name: format!("chat {model}"),
                start_time_unix_nano: start_nanos,
                end_time_unix_nano: start_nanos + latency,
                attributes: vec![
                    kv(
                        "gen_ai.operation.name",
                        AnyValue::StringValue("chat".into()),
                    ),
                    kv("gen_ai.request.model", AnyValue::StringValue(model.into())),
                    kv(
                        "gen_ai.usage.input_tokens",
                        AnyValue::IntValue(500 + (i % 700) as i64),
                    ),
                    kv(
                        "gen_ai.usage.output_tokens",
                        AnyValue::IntValue(100 + (i % 300) as i64),
                    ),
                    kv("gen_ai.usage.cost", AnyValue::DoubleValue(0.0042)),
                ],
                ..Span::default()
            }
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
    .encode_to_vec()
}

/// An ingestion key for each of the target's assistants (OTLP exporters hold keys).
async fn keys(target: &Target) -> Result<Vec<String>, BenchError> {
    let mut keys = Vec::new();
    for assistant in &target.assistants {
        let created = target
            .post(
                &format!("/api/v1/assistants/{assistant}/keys"),
                &json!({"name": "bench-otlp"}),
            )
            .await?;
        let key = created["key"].as_str().unwrap_or_default().to_owned();
        if key.is_empty() {
            return Err(BenchError::Run(format!("no ingestion key: {created}")));
        }
        keys.push(key);
    }
    Ok(keys)
}

/// Samples per second over OTLP/HTTP protobuf.
pub async fn over_otlp(args: &IngestArgs, target: &Target) -> Result<f64, BenchError> {
    let keys = Arc::new(keys(target).await?);
    let batches = args.events.div_ceil(args.batch.max(1));
    let start_nanos = u64::try_from(chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0))
        .unwrap_or(0)
        .saturating_sub(60_000_000_000);
    let bodies: Arc<Vec<bytes::Bytes>> = Arc::new(
        (0..batches)
            .map(|n| bytes::Bytes::from(body(n, args.batch, start_nanos)))
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let bar = progress::bar(batches * args.batch, "OTLP ingest (samples)");
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..args.clients.max(1) {
        let (bodies, keys, next, bar) = (
            Arc::clone(&bodies),
            Arc::clone(&keys),
            Arc::clone(&next),
            bar.clone(),
        );
        let url = format!("{}/v1/traces", target.base);
        let size = args.batch;
        clients.push(actix_rt::spawn(async move {
            let client = awc::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .finish();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= bodies.len() {
                    return Ok::<(), BenchError>(());
                }
                let mut response = client
                    .post(&url)
                    .insert_header(("x-api-key", keys[n % keys.len()].as_str()))
                    .content_type("application/x-protobuf")
                    .send_body(bodies[n].clone())
                    .await
                    .map_err(|e| BenchError::Run(format!("OTLP ingest: {e}")))?;
                if !response.status().is_success() {
                    return Err(BenchError::Run(format!(
                        "OTLP ingest answered {}",
                        response.status()
                    )));
                }
                // Every span must be stored: a partial success would flatter the figure.
                let answer = response
                    .body()
                    .await
                    .map_err(|e| BenchError::Run(format!("OTLP ingest: {e}")))?;
                let answer = ExportTraceServiceResponse::decode(answer)
                    .map_err(|e| BenchError::Run(format!("OTLP answer: {e}")))?;
                if let Some(partial) = answer.partial_success {
                    return Err(BenchError::Run(format!(
                        "OTLP ingest refused spans: {}",
                        partial.error_message
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
