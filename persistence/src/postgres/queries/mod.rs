//! Queries, grouped by what they are about. Each is an async function over
//! `&mut AsyncPgConnection` returning diesel's `QueryResult`.

pub mod alert_rules;
pub mod analytics;
pub mod assistants;
pub mod budgets;
pub mod charts;
pub mod compat;
pub mod connections;
pub mod daily_records;
pub mod deliveries;
pub mod domain;
pub mod export_links;
pub mod health;
pub mod ingest_keys;
pub mod points;
pub mod prices;
pub mod reports;
pub mod retention;
pub mod runs;
pub mod sessions;
pub mod sources;
pub mod storage;
pub mod transformers;
pub mod users;
pub mod webhooks;
pub mod widgets;
