//! The operator commands of the `metrics-hub` binary beyond serving and migrating: each in a
//! module of its own, so `main.rs` only parses and dispatches.

pub mod export;
