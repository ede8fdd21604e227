//! `metrics-hub-bench ingest` runs every phase and reports.

use crate::helpers::{bench, hub_binary, succeeded};

#[test]
fn the_ingest_bench_runs_every_phase_and_reports() {
    // The bench finds the hub beside itself: no --hub-binary here.
    hub_binary();
    let output = bench(&[
        "ingest",
        "--events",
        "400",
        "--batch",
        "50",
        "--clients",
        "2",
        "--assistants",
        "2",
        "--naive-rows",
        "40",
        "--subscribers",
        "5",
        "--rate",
        "500",
        "--seconds",
        "1",
    ]);
    let stdout = succeeded(&output);
    for line in [
        "metrics-hub-bench ingest",
        "durable ingest, HTTP",
        "durable ingest, OTLP/HTTP protobuf",
        "durable ingest, WebSocket",
        "PostgreSQL COPY",
        "one INSERT per row",
        "ingest -> subscriber latency (5 subscribers",
        "hub RSS",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    // Every subscriber saw every request: 100 ticks of 5 events, 5 subscribers.
    assert!(stdout.contains("(500 observations)"), "{stdout}");
}
