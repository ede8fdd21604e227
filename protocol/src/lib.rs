//! The wire types of metrics-hub: what clients send and what the hub answers, as JSON.
//!
//! One type per concept, shared by everyone who speaks the format: the hub's validation
//! (`hub`), the HTTP and WebSocket routes (`web`) and the dashboard (`web/dashboard`). The
//! types carry serde attributes and, with the `openapi` feature (for the hub's document; the
//! dashboard builds without it), OpenAPI derives, and nothing else: checking what a value means
//! is the hub's job (parse, don't validate: `hub::sample::validate_events` turns an
//! [`ingest::Event`] into a `Sample`).
//!
//! - [`accounts`]: registering, logging in, the user.
//! - [`admin`]: the administrators' users list, user changes, storage and cleanup.
//! - [`assistants`]: assistants and their ingestion keys.
//! - [`ingest`]: per-call events and daily records, as posted.
//! - [`metrics`]: daily metrics read back: days, rolling averages, totals.
//! - [`analytics`]: the dashboard payload, summaries and time series.
//! - [`budgets`]: budgets and their alerts, as created, changed and listed.
//! - [`alert_rules`]: error-rate and latency alert rules and their firings.
//! - [`webhooks`]: webhooks, their deliveries, and the document POSTed to them.
//! - [`compat`]: the seed documents' dashboard payloads (seed 002, seed 004).
//! - [`live`]: the live WebSocket's messages, both ways.
//! - [`prices`]: the price table.
//! - [`runs`]: individual calls, as listed and exported.
//! - [`sessions`]: active sessions and the session history.
//! - [`sources`]: templates, connections, sources and their points, transformers, widgets and
//!   their charts (metrics pulled from external APIs).
//! - [`json_int`]: integers as JSON Schema defines them (`284.0` is an integer).

pub mod accounts;
pub mod admin;
pub mod alert_rules;
pub mod analytics;
pub mod assistants;
pub mod budgets;
pub mod compat;
pub mod ingest;
pub mod json_int;
pub mod live;
pub mod metrics;
pub mod prices;
pub mod runs;
pub mod sessions;
pub mod sources;
pub mod webhooks;
