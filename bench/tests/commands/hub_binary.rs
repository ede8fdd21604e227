//! Without a `metrics-hub` binary the bench stops before touching the database and says how to
//! build one.

use crate::helpers::bench;

#[test]
fn a_missing_hub_binary_is_refused_with_how_to_build_it() {
    for command in ["ingest", "dashboard"] {
        let output = bench(&["--hub-binary", "/nonexistent/metrics-hub", command]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command}: {stderr}");
        assert!(
            stderr.contains("no metrics-hub binary at /nonexistent/metrics-hub")
                && stderr.contains("cargo build --release --bin metrics-hub"),
            "{command}: {stderr}"
        );
    }
}
