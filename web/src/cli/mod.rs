//! The `metrics-hub` subcommands other than serving: each module parses its arguments (clap)
//! and runs its command, so `main.rs` only dispatches. The work itself lives in the library
//! modules the commands call (`crate::admin`, `crate::retention`, `crate::export`).

pub mod admin;
pub mod export;
pub mod retention;
