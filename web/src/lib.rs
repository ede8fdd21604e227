//! The metrics-hub server: REST API, authentication, OpenAPI and the command line.
//!
//! - [`settings`]: typed configuration (every `APP_*` variable is listed there).
//! - [`startup`]: `Application::build(settings)` then `run_until_stopped()`.
//! - [`routes`]: one module per resource; [`auth`]: tokens, passwords, ownership.
//! - [`error`]: the API error type, rendered as `application/problem+json`.
//! - [`seed`]: demo data for `metrics-hub seed`.
//! - [`cli`]: the other subcommands (`admin`, `retention`, `export`); [`admin`], [`retention`]
//!   and [`export`] (file formats, paging, signed download links) do their work.
//! - [`otlp`]: the OpenTelemetry (OTLP/HTTP) receiver at `/v1/traces`.
//! - [`prometheus`]: the hub's own metrics at `/metrics`.

pub mod admin;
pub mod auth;
pub mod cli;
pub mod error;
pub mod export;
pub mod ingest;
pub mod otlp;
pub mod prometheus;
pub mod retention;
pub mod routes;
pub mod seed;
pub mod settings;
pub mod sources;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
pub mod ws;
