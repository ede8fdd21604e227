//! The OTLP/HTTP receiver (`POST /v1/traces`): the official OpenTelemetry Python SDK exporting
//! for real (protobuf, gzip, configured by environment variables only), a proto3 JSON body
//! written by hand per the spec, partial success, and every refusal storing nothing.

use std::io::Write;

use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp, TestUser};

/// A new assistant and an ingestion key for it.
async fn assistant_with_key(app: &TestApp, user: &TestUser) -> (i64, String) {
    let assistant = app.new_assistant(user, "Support bot").await;
    let created = json_of(
        app.post(
            &format!("/api/v1/assistants/{assistant}/keys"),
            Some(&user.token),
            &json!({"name": "otel"}),
        )
        .await,
    )
    .await;
    let key = created["key"].as_str().unwrap_or_default().to_owned();
    assert!(key.starts_with("mh_"), "{created}");
    (assistant, key)
}

async fn runs(app: &TestApp, user: &TestUser, assistant: i64) -> Vec<Value> {
    let page = json_of(
        app.get(
            &format!("/api/v1/runs?assistant={assistant}&limit=100"),
            Some(&user.token),
        )
        .await,
    )
    .await;
    page["runs"].as_array().cloned().unwrap_or_default()
}

async fn stored(app: &TestApp) -> i64 {
    app.database
        .count("SELECT count(*) AS n FROM usage_samples")
        .await
}

/// The virtualenv python with the SDK (scripts/otlp-clients.sh, run by scripts/test.sh).
fn sdk_python() -> String {
    std::env::var("METRICS_HUB_OTLP_PYTHON").unwrap_or_else(|_| {
        let default = concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv-otlp/bin/python");
        assert!(
            std::path::Path::new(default).exists(),
            "the OpenTelemetry SDK is not installed: run scripts/otlp-clients.sh (scripts/test.sh does)"
        );
        default.to_owned()
    })
}

#[actix_web::test]
async fn the_python_sdk_exports_genai_spans_as_calls_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (assistant, key) = assistant_with_key(&app, &user).await;

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/otlp/export_spans.py");
    let mut command = std::process::Command::new(sdk_python());
    command
        .arg(script)
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &app.address)
        .env("OTEL_EXPORTER_OTLP_HEADERS", format!("x-api-key={key}"))
        .env("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")
        .env("OTEL_SERVICE_NAME", "support-bot");
    // Off the test's runtime thread, which also serves the hub the script talks to.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the SDK script failed: {stderr}");
    let sent: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("script output: {e}; stderr: {stderr}"));
    assert_eq!(sent["results"], json!(["SUCCESS", "SUCCESS"]), "{stderr}");

    let spans = sent["spans"].as_array().cloned().unwrap_or_default();
    let genai: Vec<&Value> = spans.iter().filter(|s| s["genAi"] == true).collect();
    assert_eq!((spans.len(), genai.len()), (4, 2), "{sent}");
    // Two GenAI spans, exported twice: two calls, and nothing else of the four spans.
    assert_eq!(stored(&app).await, 2);
    let runs = runs(&app, &user, assistant).await;
    assert_eq!(runs.len(), 2, "{runs:?}");
    for span in genai {
        let run = runs
            .iter()
            .find(|r| r["metadata"]["spanId"] == span["spanId"])
            .unwrap_or_else(|| panic!("no call for span {span}"));
        let attrs = &span["attributes"];
        let model = attrs
            .get("gen_ai.response.model")
            .unwrap_or(&attrs["gen_ai.request.model"]);
        assert_eq!(&run["model"], model);
        assert_eq!(run["tokensIn"], attrs["gen_ai.usage.input_tokens"]);
        assert_eq!(
            run["tokensOut"],
            attrs
                .get("gen_ai.usage.output_tokens")
                .cloned()
                .unwrap_or(json!(0))
        );
        let nanos = |k: &str| span[k].as_i64().unwrap_or_default();
        let latency = (nanos("endNanos") - nanos("startNanos")) / 1_000_000;
        assert_eq!(run["latencyMs"], latency);
        assert_eq!(run["metadata"]["traceId"], span["traceId"]);
        assert_eq!(run["metadata"]["service"], "support-bot");
        let failed = attrs.get("error.type").is_some();
        assert_eq!(run["status"], if failed { "error" } else { "success" });
        if failed {
            assert_eq!(run["statusCode"], 429);
        } else {
            assert_eq!(run["sessionId"], "conv-python");
        }
        let start = chrono::DateTime::from_timestamp_nanos(nanos("startNanos"));
        let ts = run["ts"].as_str().unwrap_or_default();
        let ts = chrono::DateTime::parse_from_rfc3339(ts).map(|t| t.to_utc());
        assert_eq!(
            ts.map(|t| t.timestamp_micros()),
            Ok(start.timestamp_micros()),
            "a call's time is its span's start"
        );
    }
}

/// Span times: an hour ago, whole seconds, and 750 ms later.
fn span_times() -> (chrono::DateTime<chrono::Utc>, String, String) {
    let start = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp() - 3600, 0)
        .unwrap_or_default();
    let nanos = start.timestamp_nanos_opt().unwrap_or_default();
    (start, nanos.to_string(), (nanos + 750_000_000).to_string())
}

/// A proto3 JSON export as the spec writes it: hex ids, 64-bit integers as strings, integer
/// enums, an unknown field.
fn json_export(trace_id: &str, spans: Value) -> Value {
    let (_, start, end) = span_times();
    json!({
        "resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "json-app"}}]},
            "scopeSpans": [{
                "scope": {"name": "hand-written"},
                "spans": spans.as_array().cloned().unwrap_or_default().into_iter().enumerate().map(|(i, mut s)| {
                    s["traceId"] = json!(trace_id);
                    s["spanId"] = json!(format!("{:016x}", i + 1));
                    s["kind"] = json!(3);
                    s["startTimeUnixNano"] = json!(start);
                    s["endTimeUnixNano"] = json!(end);
                    s["someFutureField"] = json!(true);
                    s
                }).collect::<Vec<_>>()
            }]
        }]
    })
}

fn attr(key: &str, value: Value) -> Value {
    json!({"key": key, "value": value})
}

#[actix_web::test]
async fn a_json_export_stores_good_spans_and_reports_the_refused_ones() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (assistant, key) = assistant_with_key(&app, &user).await;
    let body = json_export(
        "5b8efff798038103d269b633813fc60c",
        json!([
            {"name": "chat", "attributes": [
                attr("gen_ai.request.model", json!({"stringValue": "gpt-4o"})),
                attr("gen_ai.usage.input_tokens", json!({"intValue": "200"})),
                attr("gen_ai.usage.output_tokens", json!({"intValue": 50})),
                attr("gen_ai.usage.cost", json!({"doubleValue": 0.5})),
            ], "status": {"code": 1}},
            {"name": "chat", "attributes": [
                attr("gen_ai.request.model", json!({"stringValue": "gpt-4o"})),
                attr("gen_ai.usage.input_tokens", json!({"intValue": "-5"})),
            ]},
            {"name": "SELECT", "attributes": [attr("db.system", json!({"stringValue": "postgresql"}))]},
        ]),
    );
    let response = app
        .client
        .post(app.url("/v1/traces"))
        .header("authorization", format!("Bearer {key}"))
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    let answer = json_of(response).await;
    // int64 is a string in proto3 JSON; a number would do as well.
    let rejected = answer["partialSuccess"]["rejectedSpans"].to_string();
    assert_eq!(rejected.trim_matches('"'), "1", "{answer}");
    let message = answer["partialSuccess"]["errorMessage"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.contains("5b8efff798038103d269b633813fc60c:0000000000000002")
            && message.contains("tokensIn"),
        "{message}"
    );
    let runs = runs(&app, &user, assistant).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["tokensIn"], 200);
    assert_eq!(runs[0]["cost"], 0.5);
    assert_eq!(runs[0]["latencyMs"], 750);
    let ts = runs[0]["ts"].as_str().unwrap_or_default();
    let ts = chrono::DateTime::parse_from_rfc3339(ts).map(|t| t.to_utc());
    assert_eq!(ts, Ok(span_times().0));
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(bytes)
        .unwrap_or_else(|e| panic!("gzip: {e}"));
    encoder.finish().unwrap_or_else(|e| panic!("gzip: {e}"))
}

#[actix_web::test]
async fn refused_exports_store_nothing_and_say_why() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (_, key) = assistant_with_key(&app, &user).await;
    let good = json_export(
        "0af7651916cd43dd8448eb211c80319c",
        json!([{"name": "chat", "attributes": [attr("gen_ai.request.model", json!({"stringValue": "gpt-4o"}))]}]),
    );
    let post = |key: Option<String>, content_type: &'static str, body: Vec<u8>| {
        let mut request = app
            .client
            .post(app.url("/v1/traces"))
            .header("content-type", content_type)
            .body(body);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        request.send()
    };
    let json_bytes = serde_json::to_vec(&good).unwrap_or_default();

    // No key, a wrong key, a user's access token instead of a key.
    let none = post(None, "application/json", json_bytes.clone()).await;
    assert_eq!(
        none.map(|r| r.status()).ok(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let wrong = post(
        Some("mh_0000".into()),
        "application/json",
        json_bytes.clone(),
    )
    .await;
    assert_eq!(
        wrong.map(|r| r.status()).ok(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let with_token = app
        .client
        .post(app.url("/v1/traces"))
        .bearer_auth(&user.token)
        .json(&good)
        .send()
        .await
        .map(|r| r.status());
    assert_eq!(with_token.ok(), Some(StatusCode::FORBIDDEN));

    // Undecodable bodies: a 400 carrying a google.rpc.Status in the request's encoding.
    let garbage = post(Some(key.clone()), "application/x-protobuf", vec![0xff; 32])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    let bytes = garbage.bytes().await.unwrap_or_default();
    let status = web::otlp::wire::RpcStatus::decode(bytes.as_ref())
        .unwrap_or_else(|e| panic!("the 400 body is not a protobuf Status: {e}"));
    assert!(status.message.contains("protobuf"), "{}", status.message);
    let bad_json = post(
        Some(key.clone()),
        "application/json",
        b"{\"resourceSpans\": 7}".to_vec(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad_json.status(), StatusCode::BAD_REQUEST);
    assert!(json_of(bad_json).await["message"]
        .as_str()
        .is_some_and(|m| m.contains("JSON")));

    // Another media type; a body past the limit once decompressed (a gzip bomb is small).
    let text = post(Some(key.clone()), "text/plain", json_bytes).await;
    assert_eq!(
        text.map(|r| r.status()).ok(),
        Some(StatusCode::UNSUPPORTED_MEDIA_TYPE)
    );
    let bomb = gzip(&vec![b' '; web::otlp::wire::MAX_OTLP_BODY_BYTES + 1]);
    assert!(bomb.len() < 100_000);
    let huge = app
        .client
        .post(app.url("/v1/traces"))
        .header("x-api-key", &key)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(bomb)
        .send()
        .await
        .map(|r| r.status());
    assert_eq!(huge.ok(), Some(StatusCode::PAYLOAD_TOO_LARGE));

    let get = app.client.get(app.url("/v1/traces")).send().await;
    let get = get.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        get.headers().get("allow").and_then(|v| v.to_str().ok()),
        Some("POST")
    );

    assert_eq!(stored(&app).await, 0, "no refused export stored anything");
}

#[actix_web::test]
async fn a_gzipped_protobuf_export_is_answered_in_protobuf() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (assistant, key) = assistant_with_key(&app, &user).await;
    let json = json_export(
        "4bf92f3577b34da6a3ce929d0e0e4736",
        json!([{"name": "embeddings", "attributes": [
            attr("gen_ai.operation.name", json!({"stringValue": "embeddings"})),
            attr("gen_ai.request.model", json!({"stringValue": "text-embedding-3-small"})),
            attr("gen_ai.usage.input_tokens", json!({"intValue": "12"})),
        ]}]),
    );
    // The same request through the protobuf encoding (the crate's JSON reading is tested above).
    let request: ExportTraceServiceRequest =
        serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    let response = app
        .client
        .post(app.url("/v1/traces"))
        .header("x-api-key", &key)
        .header("content-type", "application/x-protobuf")
        .header("content-encoding", "gzip")
        .body(gzip(&request.encode_to_vec()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/x-protobuf")
    );
    let answer = ExportTraceServiceResponse::decode(response.bytes().await.unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.partial_success, None);
    let runs = runs(&app, &user, assistant).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["model"], "text-embedding-3-small");
    assert_eq!(runs[0]["metadata"]["operation"], "embeddings");
}

#[actix_web::test]
async fn with_postgres_down_an_export_is_a_retryable_503_and_the_retry_stores_it_once() {
    let (app, proxy) = crate::events::app_behind_proxy_with(1_000, 500).await;
    let user = app.new_user().await;
    let (assistant, key) = assistant_with_key(&app, &user).await;
    let export = json_export(
        "0123456789abcdef0123456789abcdef",
        json!([{"name": "chat", "attributes": [
            attr("gen_ai.request.model", json!({"stringValue": "gpt-4o"})),
            attr("gen_ai.usage.input_tokens", json!({"intValue": "9"})),
        ]}]),
    );
    let send = || {
        app.client
            .post(app.url("/v1/traces"))
            .header("x-api-key", &key)
            .json(&export)
            .send()
    };
    proxy.cut();
    let down = send().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.headers().contains_key("retry-after"));
    proxy.restore();
    // The exporter retries (as OTLP clients do on 503) until the hub answers.
    let mut answered = None;
    for _ in 0..40 {
        let response = send().await.unwrap_or_else(|e| panic!("{e}"));
        if response.status() == StatusCode::OK {
            answered = Some(response.status());
            break;
        }
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(answered, Some(StatusCode::OK));
    // And once more, as if that answer had been lost: still one call.
    assert_eq!(send().await.map(|r| r.status()).ok(), Some(StatusCode::OK));
    let runs = runs(&app, &user, assistant).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0]["tokensIn"], 9);
}
