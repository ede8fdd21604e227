//! Row types, one file per table: `X` is what a query returns, `NewX` what an insert takes.

pub mod assistant;
pub mod ingest_key;
pub mod user;

pub use assistant::{Assistant, NewAssistant};
pub use ingest_key::{IngestKey, NewIngestKey};
pub use user::{NewUser, Role, User};
