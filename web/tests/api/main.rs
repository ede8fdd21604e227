//! Integration tests of the HTTP API against a real PostgreSQL and Redis (started by
//! `scripts/stack.sh`). Each test gets its own database cloned from a migrated template.

mod accounts;
mod admin;
mod alert_rules;
mod analytics;
mod analytics_filters;
mod assistants;
mod budget_nodes;
mod budgets;
mod compat;
mod costs;
mod events;
mod health;
mod helpers;
mod hostile;
mod keys;
mod live;
mod live_bus;
mod live_restart;
mod metrics;
mod migrations;
mod openapi;
mod openapi_routing;
mod proxy;
mod redis_fixtures;
mod runs;
mod seed;
mod serving;
mod sessions;
mod shutdown;
mod store_failures;
mod validation;
mod webhook_receiver;
mod webhooks;
mod ws_ingest;
