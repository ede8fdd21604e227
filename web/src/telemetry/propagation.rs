//! Continuing the caller's trace: each request's root span (tracing-actix-web's) takes the
//! W3C `traceparent` / `tracestate` headers of the request as its OpenTelemetry parent, so a
//! client's trace and the hub's spans for its request are one trace in the team's tracing tool.
//! Without a valid header (or without trace export) the span simply starts a trace of its own.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::Error;
use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The root span builder of [`tracing_actix_web::TracingLogger`] with `traceparent` support.
pub struct TraceParent;

struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

impl RootSpanBuilder for TraceParent {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let span = DefaultRootSpanBuilder::on_request_start(request);
        let parent = TraceContextPropagator::new().extract(&Headers(request.headers()));
        // Only a remote parent that exists is adopted; otherwise the span roots a new trace.
        if opentelemetry::trace::TraceContextExt::has_active_span(&parent) {
            let _ = span.set_parent(parent);
        }
        span
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
