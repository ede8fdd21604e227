//! The SQL migrations in `migrations/`, embedded in the binary and applied on demand
//! (`metrics-hub migrate`, `serve --migrate`, and test set-up).

use diesel::Connection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::AsyncPgConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::PersistenceError;

/// Every migration of the project, in order.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations");

/// Applies the migrations `database_url` has not seen yet and returns their names.
///
/// Diesel's migration runner is synchronous, so it runs on a blocking thread through
/// diesel-async's connection wrapper; this works from any tokio runtime flavour.
pub async fn run_pending(database_url: &str) -> Result<Vec<String>, PersistenceError> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| PersistenceError::Migration(e.to_string()))?;
        Ok(applied.iter().map(ToString::to_string).collect())
    })
    .await
    .map_err(|e| PersistenceError::Migration(format!("migration task failed: {e}")))?
}
