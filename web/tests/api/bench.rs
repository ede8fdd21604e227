//! The bench command runs end to end (tiny load; figures are printed, never asserted on).

use std::process::Command;

use crate::helpers::{database_url, redis_url};

#[test]
fn the_bench_command_runs_every_phase_and_reports() {
    let output = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .args([
            "bench",
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
        ])
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_DATABASE__URL", database_url("postgres"))
        .env("APP_REDIS__URL", redis_url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the bench: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "durable ingest, HTTP",
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

#[test]
fn the_dashboard_bench_generates_a_history_and_times_every_range() {
    let output = Command::new(env!("CARGO_BIN_EXE_metrics-hub"))
        .args([
            "bench-dashboard",
            "--samples",
            "6000",
            "--assistants",
            "3",
            "--days",
            "10",
            "--requests",
            "3",
            "--fresh",
            "--drop",
        ])
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_DATABASE__URL", database_url("postgres"))
        .env("APP_REDIS__URL", redis_url())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap_or_else(|e| panic!("cannot run the dashboard bench: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "6000 samples, 3 assistants, 10 days",
        "/dashboard?range=24h uncached",
        "/dashboard?range=7d uncached",
        "/dashboard?range=3m uncached",
        "/dashboard?range=7d cached",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
}
