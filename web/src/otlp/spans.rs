//! Which OTLP spans are LLM calls, and the event each one becomes (the table in docs/otlp.md).
//!
//! A span is a call when it carries a GenAI attribute (`gen_ai.operation.name`,
//! `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.provider.name`, `gen_ai.system` or
//! `gen_ai.usage.*`); every other span (HTTP handlers, database calls, …) is ignored, not an
//! error. The mapping is plain: nothing here validates ranges, the hub's event rules do that
//! afterwards, span by span, so one bad span is rejected alone (`partial_success`).

use chrono::{DateTime, Utc};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::status::StatusCode;
use opentelemetry_proto::tonic::trace::v1::Span;
use protocol::ingest::Event;
use serde_json::{Map, Value};

/// The calls found in one export request.
#[derive(Debug, Default)]
pub struct Calls {
    /// One event per GenAI span, in the order of the request.
    pub events: Vec<Event>,
    /// Spans that are not LLM calls.
    pub ignored: usize,
}

/// The calls of every resource and scope of `request`.
pub fn calls(request: &ExportTraceServiceRequest) -> Calls {
    let mut found = Calls::default();
    for resource_spans in &request.resource_spans {
        let service = resource_spans
            .resource
            .as_ref()
            .and_then(|r| text(&r.attributes, "service.name"));
        for scope_spans in &resource_spans.scope_spans {
            for span in &scope_spans.spans {
                if is_call(span) {
                    found.events.push(event(span, service.as_deref()));
                } else {
                    found.ignored += 1;
                }
            }
        }
    }
    found
}

/// Whether `span` describes an LLM call.
pub fn is_call(span: &Span) -> bool {
    span.attributes.iter().any(|kv| {
        matches!(
            kv.key.as_str(),
            "gen_ai.operation.name"
                | "gen_ai.request.model"
                | "gen_ai.response.model"
                | "gen_ai.provider.name"
                | "gen_ai.system"
        ) || kv.key.starts_with("gen_ai.usage.")
    })
}

/// The event of one GenAI span.
pub fn event(span: &Span, service: Option<&str>) -> Event {
    let attrs = &span.attributes;
    let status_code = integer(attrs, "http.response.status_code");
    let failed = span
        .status
        .as_ref()
        .is_some_and(|s| s.code == StatusCode::Error as i32)
        || text(attrs, "error.type").is_some();
    let latency_ms = span
        .end_time_unix_nano
        .checked_sub(span.start_time_unix_nano)
        .map(|nanos| i64::try_from(nanos / 1_000_000).unwrap_or(i64::MAX));
    Event {
        ts: timestamp(span.start_time_unix_nano),
        model: text(attrs, "gen_ai.response.model").or_else(|| text(attrs, "gen_ai.request.model")),
        status: Some(if failed { "error" } else { "success" }.to_owned()),
        status_code,
        latency_ms,
        duration_ms: latency_ms,
        tokens_in: integer(attrs, "gen_ai.usage.input_tokens")
            .or_else(|| integer(attrs, "gen_ai.usage.prompt_tokens")),
        tokens_out: integer(attrs, "gen_ai.usage.output_tokens")
            .or_else(|| integer(attrs, "gen_ai.usage.completion_tokens")),
        cache_read_tokens: integer(attrs, "gen_ai.usage.cache_read.input_tokens")
            .or_else(|| integer(attrs, "gen_ai.usage.cache_read_input_tokens")),
        cost: number(attrs, "gen_ai.usage.cost"),
        session_id: text(attrs, "gen_ai.conversation.id"),
        client_id: Some(format!("{}:{}", hex(&span.trace_id), hex(&span.span_id))),
        metadata: Some(metadata(span, service)),
        ..Event::default()
    }
}

/// What the call's span says beyond the event's fields: provider, operation, span name,
/// service, error type, trace and span ids (for finding the trace in the team's tracing tool).
fn metadata(span: &Span, service: Option<&str>) -> Value {
    let attrs = &span.attributes;
    let mut meta = Map::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            meta.insert(key.to_owned(), Value::String(value));
        }
    };
    put("source", Some("otlp".to_owned()));
    put(
        "provider",
        text(attrs, "gen_ai.provider.name").or_else(|| text(attrs, "gen_ai.system")),
    );
    put("operation", text(attrs, "gen_ai.operation.name"));
    put(
        "spanName",
        (!span.name.is_empty()).then(|| span.name.clone()),
    );
    put("service", service.map(str::to_owned));
    put("errorType", text(attrs, "error.type"));
    put("traceId", Some(hex(&span.trace_id)));
    put("spanId", Some(hex(&span.span_id)));
    Value::Object(meta)
}

fn value<'a>(attrs: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attrs
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

/// A string attribute (non-empty).
fn text(attrs: &[KeyValue], key: &str) -> Option<String> {
    match value(attrs, key)? {
        AnyValue::StringValue(s) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// An integer attribute; SDKs that only have doubles or strings send those.
fn integer(attrs: &[KeyValue], key: &str) -> Option<i64> {
    match value(attrs, key)? {
        AnyValue::IntValue(i) => Some(*i),
        AnyValue::DoubleValue(d) if d.fract() == 0.0 && d.abs() < 9.0e15 => Some(*d as i64),
        AnyValue::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A number attribute (cost in US dollars).
fn number(attrs: &[KeyValue], key: &str) -> Option<f64> {
    match value(attrs, key)? {
        AnyValue::DoubleValue(d) => Some(*d),
        AnyValue::IntValue(i) => Some(*i as f64),
        AnyValue::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A span time (nanoseconds since the epoch; 0 means unset).
fn timestamp(nanos: u64) -> Option<DateTime<Utc>> {
    if nanos == 0 {
        return None;
    }
    let nanos = i64::try_from(nanos).ok()?;
    Some(DateTime::from_timestamp_nanos(nanos))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
