//! The hub's own traces: a real `metrics-hub serve` process, pointed by the standard
//! OpenTelemetry variables at a collector this test plays (an HTTP server decoding the OTLP
//! protobuf it is sent), exports the spans of the requests it serves, continuing the trace of
//! a request that carries a W3C `traceparent`.

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use prost::Message;

use crate::helpers::{free_port, redis_url, TestDatabase};

/// A span the collector received: its trace, its parent, its name, its service.
#[derive(Debug, Clone)]
struct Received {
    trace_id: String,
    parent_span_id: String,
    name: String,
    service: String,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn collect(body: web::Bytes, inbox: web::Data<Inbox>) -> HttpResponse {
    let Ok(request) = ExportTraceServiceRequest::decode(body.as_ref()) else {
        return HttpResponse::BadRequest().finish();
    };
    let mut received = inbox.lock().unwrap_or_else(|e| e.into_inner());
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .iter()
            .flat_map(|r| r.attributes.iter())
            .find(|kv| kv.key == "service.name")
            .and_then(|kv| kv.value.as_ref()?.value.clone())
            .map(|v| match v {
                AnyValue::StringValue(s) => s,
                other => format!("{other:?}"),
            })
            .unwrap_or_default();
        for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
            received.push(Received {
                trace_id: hex(&span.trace_id),
                parent_span_id: hex(&span.parent_span_id),
                name: span.name,
                service: service.clone(),
            });
        }
    }
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .finish()
}

/// Kills the hub when the test ends, passing or not.
struct Hub(Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[actix_web::test]
async fn the_hub_exports_its_request_spans_continuing_the_callers_trace() {
    let inbox: Inbox = Arc::default();
    let data = web::Data::new(Arc::clone(&inbox));
    let collector = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/v1/traces", web::post().to(collect))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let collector_port = collector.addrs()[0].port();
    actix_web::rt::spawn(collector.run());

    let database = TestDatabase::migrated().await;
    let port = free_port();
    let _hub = Hub(Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .arg("serve")
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_HTTP__PORT", port.to_string())
        .env("APP_DATABASE__URL", database.url())
        .env("APP_REDIS__URL", redis_url())
        .env("APP_REDIS__KEY_PREFIX", format!("{}:", database.name))
        .env("RUST_LOG", "info")
        .env(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{collector_port}"),
        )
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env_remove("OTEL_SERVICE_NAME")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}")));
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

    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let caller_span = "00f067aa0ba902b7";
    let answered = client
        .get(format!("{base}/api/v1/openapi.json"))
        .header("traceparent", format!("00-{trace_id}-{caller_span}-01"))
        .send()
        .await
        .map(|r| r.status().is_success());
    assert_eq!(answered.ok(), Some(true));

    let mut ours = Vec::new();
    for _ in 0..100 {
        ours = inbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|s| s.trace_id == trace_id)
            .cloned()
            .collect();
        if !ours.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let root = ours
        .iter()
        .find(|s| s.parent_span_id == caller_span)
        .unwrap_or_else(|| panic!("no span of the request continues the caller's: {ours:?}"));
    assert_eq!(root.service, "metrics-hub");
    assert!(root.name.contains("GET"), "{root:?}");

    // The readiness probes before it carried no traceparent: their spans root traces of their own.
    let received = inbox.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(
        received
            .iter()
            .any(|s| s.trace_id != trace_id && s.parent_span_id.is_empty()),
        "{received:?}"
    );
}
