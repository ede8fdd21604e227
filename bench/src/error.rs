//! Why a benchmark run failed: one error type for both benchmarks, so the binary prints every
//! failure the same way.

use std::path::PathBuf;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The `metrics-hub` binary the benchmarks start is not where it was looked for.
    #[error(
        "no metrics-hub binary at {}: build it with `cargo build --release --bin metrics-hub` \
         (beside metrics-hub-bench in the same target directory), or name it with --hub-binary \
         or METRICS_HUB_BINARY",
        path.display()
    )]
    NoHubBinary {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The database, the hub process or the bench user could not be set up.
    #[error("{0}")]
    Setup(String),
    /// A phase failed while measuring.
    #[error("{0}")]
    Run(String),
}
