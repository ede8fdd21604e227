//! The metrics-hub server: REST API, authentication, OpenAPI and the command line.
//!
//! - [`settings`]: typed configuration (every `APP_*` variable is listed there).
//! - [`startup`]: `Application::build(settings)` then `run_until_stopped()`.
//! - [`routes`]: one module per resource; [`auth`]: tokens, passwords, ownership.
//! - [`error`]: the API error type, rendered as `application/problem+json`.
//! - [`seed`]: demo data for `metrics-hub seed`.

pub mod admin;
pub mod auth;
pub mod error;
pub mod ingest;
pub mod retention;
pub mod routes;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
pub mod ws;
