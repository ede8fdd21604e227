//! The span-to-call mapping on hand-built spans: which spans count, and every field.

use opentelemetry_proto::tonic::common::v1::{AnyValue as Any, KeyValue};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Status};

use super::*;

fn kv(key: &str, value: AnyValue) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(Any { value: Some(value) }),
        ..KeyValue::default()
    }
}

fn s(key: &str, value: &str) -> KeyValue {
    kv(key, AnyValue::StringValue(value.to_owned()))
}

fn i(key: &str, value: i64) -> KeyValue {
    kv(key, AnyValue::IntValue(value))
}

const START: u64 = 1_764_000_000_123_000_000;

fn span(attributes: Vec<KeyValue>) -> Span {
    Span {
        trace_id: vec![0xab; 16],
        span_id: vec![0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
        name: "chat gpt-4o".to_owned(),
        start_time_unix_nano: START,
        end_time_unix_nano: START + 1_250_000_000,
        attributes,
        ..Span::default()
    }
}

fn export(spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![s("service.name", "support-bot")],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

#[test]
fn only_spans_with_genai_attributes_are_calls() {
    let request = export(vec![
        span(vec![s("http.request.method", "GET")]),
        span(vec![s("gen_ai.operation.name", "chat")]),
        span(vec![i("gen_ai.usage.input_tokens", 3)]),
        span(vec![s("gen_ai.system", "openai")]),
        span(vec![s("db.system", "postgresql")]),
    ]);
    let found = calls(&request);
    assert_eq!(found.events.len(), 3);
    assert_eq!(found.ignored, 2);
}

#[test]
fn a_successful_chat_span_maps_every_field() {
    let e = event(
        &span(vec![
            s("gen_ai.operation.name", "chat"),
            s("gen_ai.provider.name", "openai"),
            s("gen_ai.request.model", "gpt-4o"),
            s("gen_ai.response.model", "gpt-4o-2024-08-06"),
            i("gen_ai.usage.input_tokens", 120),
            i("gen_ai.usage.output_tokens", 45),
            i("gen_ai.usage.cache_read.input_tokens", 100),
            kv("gen_ai.usage.cost", AnyValue::DoubleValue(0.0125)),
            s("gen_ai.conversation.id", "conv-1"),
        ]),
        Some("support-bot"),
    );
    assert_eq!(
        e.model.as_deref(),
        Some("gpt-4o-2024-08-06"),
        "response model first"
    );
    assert_eq!(e.status.as_deref(), Some("success"));
    assert_eq!((e.tokens_in, e.tokens_out), (Some(120), Some(45)));
    assert_eq!(e.cache_read_tokens, Some(100));
    assert_eq!(e.latency_ms, Some(1250));
    assert_eq!(e.duration_ms, Some(1250));
    assert_eq!(e.cost, Some(0.0125));
    assert_eq!(e.session_id.as_deref(), Some("conv-1"));
    assert_eq!(
        e.ts.map(|t| t.timestamp_nanos_opt()),
        Some(i64::try_from(START).ok())
    );
    assert_eq!(
        e.client_id.as_deref(),
        Some("abababababababababababababababab:0102030405060708")
    );
    let meta = e.metadata.unwrap_or_default();
    assert_eq!(meta["provider"], "openai");
    assert_eq!(meta["operation"], "chat");
    assert_eq!(meta["service"], "support-bot");
    assert_eq!(meta["source"], "otlp");
}

#[test]
fn older_attribute_names_and_loose_number_types_are_read() {
    let e = event(
        &span(vec![
            s("gen_ai.system", "anthropic"),
            s("gen_ai.request.model", "claude-3-5-sonnet"),
            kv("gen_ai.usage.prompt_tokens", AnyValue::DoubleValue(10.0)),
            s("gen_ai.usage.completion_tokens", "7"),
            i("gen_ai.usage.cache_read_input_tokens", 4),
        ]),
        None,
    );
    assert_eq!(e.model.as_deref(), Some("claude-3-5-sonnet"));
    assert_eq!((e.tokens_in, e.tokens_out), (Some(10), Some(7)));
    assert_eq!(e.cache_read_tokens, Some(4));
    assert_eq!(e.cost, None, "no cost sent: the price table prices it");
    assert_eq!(e.metadata.unwrap_or_default()["provider"], "anthropic");
}

#[test]
fn an_error_status_or_error_type_makes_a_failed_call() {
    let mut failed = span(vec![s("gen_ai.request.model", "gpt-4o")]);
    failed.status = Some(Status {
        code: StatusCode::Error as i32,
        message: "rate limited".to_owned(),
    });
    assert_eq!(event(&failed, None).status.as_deref(), Some("error"));

    let typed = span(vec![
        s("gen_ai.request.model", "gpt-4o"),
        s("error.type", "timeout"),
        i("http.response.status_code", 504),
    ]);
    let e = event(&typed, None);
    assert_eq!(e.status.as_deref(), Some("error"));
    assert_eq!(e.status_code, Some(504));
    assert_eq!(e.metadata.unwrap_or_default()["errorType"], "timeout");
}

#[test]
fn unset_or_backwards_times_leave_the_fields_to_the_rules() {
    let mut odd = span(vec![s("gen_ai.request.model", "gpt-4o")]);
    odd.start_time_unix_nano = 0;
    odd.end_time_unix_nano = 5;
    let e = event(&odd, None);
    assert_eq!(e.ts, None, "unset start: the hub's now");
    let mut backwards = span(vec![s("gen_ai.request.model", "gpt-4o")]);
    backwards.end_time_unix_nano = START - 1;
    assert_eq!(event(&backwards, None).latency_ms, None);
}
