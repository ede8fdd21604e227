//! Benchmarks of metrics-hub, measured on a real `metrics-hub serve` process against the local
//! PostgreSQL and Redis. They live in a crate of their own so that their load generators (and
//! `awc`, `indicatif`, `tokio-postgres`) are never compiled into the production server; they
//! reach the hub only over HTTP and WebSockets, and use the `web` and `persistence` libraries
//! for settings, password hashes, migrations and the batch write path.
//!
//! - [`ingest`]: `metrics-hub-bench ingest`: durable ingestion, PostgreSQL baselines, live
//!   latency and memory.
//! - [`dashboard`]: `metrics-hub-bench dashboard`: `GET /dashboard` on a large history.
//! - [`fixtures`]: the GitHub stand-in of the demo (`metrics-hub-demo-fixtures`).
//! - [`hub_process`]: finds the `metrics-hub` binary and runs it as a child process.
//! - [`cluster`]: the databases the benchmarks create and drop on the configured cluster.
//! - [`error`]: why a run failed; [`progress`]: the progress bars.

pub mod cluster;
pub mod dashboard;
pub mod error;
pub mod fixtures;
pub mod hub_process;
pub mod ingest;
pub mod progress;

pub use error::BenchError;
pub use hub_process::HubBinary;
