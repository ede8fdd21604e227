//! `metrics-hub-bench dashboard` generates a history and times every range.

use crate::helpers::{bench, hub_binary, succeeded};

#[test]
fn the_dashboard_bench_generates_a_history_and_times_every_range() {
    let hub = hub_binary().to_string_lossy().into_owned();
    let output = bench(&[
        "--hub-binary",
        &hub,
        "dashboard",
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
    ]);
    let stdout = succeeded(&output);
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
