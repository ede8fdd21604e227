//! The `metrics-hub-bench` commands run end to end against the local stack, with tiny loads
//! (figures are printed, never asserted on), and refuse clearly without a hub binary.

mod dashboard;
mod fixtures;
mod helpers;
mod hub_binary;
mod ingest;
