//! Queries, grouped by what they are about. Each is an async function over
//! `&mut AsyncPgConnection` returning diesel's `QueryResult`.

pub mod assistants;
pub mod health;
pub mod ingest_keys;
pub mod reports;
pub mod runs;
pub mod users;
