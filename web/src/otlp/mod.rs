//! The OpenTelemetry receiver: OTLP/HTTP at the hub's root, so an app already instrumented
//! with OpenTelemetry (GenAI semantic conventions) sends its LLM calls here by setting
//! `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_EXPORTER_OTLP_HEADERS` alone (docs/otlp.md).
//!
//! The wire format ([`wire`]: protobuf or JSON, compression, limits, answers) is apart from
//! what the spans mean ([`spans`]: which are calls, and the event each becomes), and both from
//! the endpoint ([`traces`]), which stores the calls through the same path as every other
//! ingestion route (`crate::ingest`).

pub mod spans;
pub mod traces;
pub mod wire;

use actix_web::web;

use crate::error::ApiError;

/// The receiver's path, at the root: SDKs append it to `OTEL_EXPORTER_OTLP_ENDPOINT`.
pub const TRACES_PATH: &str = "/v1/traces";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource(TRACES_PATH)
            .route(web::post().to(traces::export_traces))
            .default_service(web::to(post_only)),
    );
}

/// Any other method on the receiver (a browser's GET included) is a 405, not the dashboard.
async fn post_only() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed {
        detail: format!("{TRACES_PATH} accepts POST (an OTLP/HTTP export) only"),
        allow: "POST".into(),
    })
}
