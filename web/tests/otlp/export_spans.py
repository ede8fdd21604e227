"""Exports LLM-call spans to the hub with the official OpenTelemetry Python SDK, over
OTLP/HTTP protobuf (gzip), configured the way an instrumented app is: environment variables
only (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_COMPRESSION,
OTEL_SERVICE_NAME; set by the calling test).

It records four spans (a GenAI chat call, a failed GenAI call, and two ordinary spans: an
agent step around them and an HTTP request), exports them twice (a client retrying after a
lost answer), and prints what it sent as JSON for the test to compare with what the hub
stored: the export results and, per span, its ids, times and GenAI attributes.
"""

import json
import sys

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode


def record_spans():
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("metrics-hub-otlp-test")
    with tracer.start_as_current_span("invoke_agent support"):
        with tracer.start_as_current_span("chat gpt-4o") as chat:
            chat.set_attribute("gen_ai.operation.name", "chat")
            chat.set_attribute("gen_ai.provider.name", "openai")
            chat.set_attribute("gen_ai.request.model", "gpt-4o")
            chat.set_attribute("gen_ai.response.model", "gpt-4o-2024-08-06")
            chat.set_attribute("gen_ai.usage.input_tokens", 120)
            chat.set_attribute("gen_ai.usage.output_tokens", 45)
            chat.set_attribute("gen_ai.conversation.id", "conv-python")
        with tracer.start_as_current_span("chat gpt-4o-mini") as failed:
            failed.set_attribute("gen_ai.operation.name", "chat")
            failed.set_attribute("gen_ai.system", "openai")
            failed.set_attribute("gen_ai.request.model", "gpt-4o-mini")
            failed.set_attribute("gen_ai.usage.input_tokens", 10)
            failed.set_attribute("error.type", "RateLimitError")
            failed.set_attribute("http.response.status_code", 429)
            failed.set_status(Status(StatusCode.ERROR, "rate limited"))
        with tracer.start_as_current_span("GET /health") as http:
            http.set_attribute("http.request.method", "GET")
            http.set_attribute("http.response.status_code", 200)
    provider.shutdown()
    return memory.get_finished_spans()


def describe(span):
    attributes = dict(span.attributes or {})
    return {
        "name": span.name,
        "traceId": format(span.context.trace_id, "032x"),
        "spanId": format(span.context.span_id, "016x"),
        "startNanos": span.start_time,
        "endNanos": span.end_time,
        "genAi": any(key.startswith("gen_ai.") for key in attributes),
        "attributes": {k: v for k, v in attributes.items()},
    }


def main():
    spans = record_spans()
    exporter = OTLPSpanExporter()
    first = exporter.export(spans)
    retry = exporter.export(spans)
    exporter.shutdown()
    json.dump(
        {
            "results": [first.name, retry.name],
            "spans": [describe(span) for span in spans],
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
