//! The migrations apply, revert and re-apply cleanly, and leave a plain table where
//! TimescaleDB is absent.

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sql_types::{Bool, Text};
use diesel::Connection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use diesel_migrations::MigrationHarness;
use persistence::postgres::migrations::MIGRATIONS;

use crate::helpers::TestDatabase;

#[derive(diesel::QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

#[derive(diesel::QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    tablename: String,
}

async fn tables(conn: &mut AsyncPgConnection) -> Vec<String> {
    let rows: Vec<TableName> = diesel::sql_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'
           AND tablename <> '__diesel_schema_migrations' ORDER BY tablename",
    )
    .load(conn)
    .await
    .unwrap_or_else(|e| panic!("tables: {e}"));
    rows.into_iter().map(|r| r.tablename).collect()
}

#[actix_web::test]
async fn migrations_apply_revert_and_reapply() {
    let database = TestDatabase::empty().await;
    let applied = persistence::postgres::migrations::run_pending(&database.url())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let total = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map(|m| m.len())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(total >= 4);
    assert_eq!(applied.len(), total);
    let mut conn = database.connect().await;
    let expected = [
        "alert_rules",
        "assistants",
        "breakdown_rollups",
        "budget_alerts",
        "budgets",
        "connections",
        "day_rollups",
        "export_link_uses",
        "ingest_keys",
        "label_rollups",
        "model_prices",
        "points",
        "rule_alerts",
        "sample_client_ids",
        "sources",
        "time_rollups",
        "transformers",
        "usage_samples",
        "users",
        "webhook_deliveries",
        "webhooks",
        "widgets",
    ];
    assert_eq!(tables(&mut conn).await, expected);

    // Plain PostgreSQL here: the TimescaleDB step must have left no extension behind.
    let available: Flag = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS flag",
    )
    .get_result(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let installed: Flag = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS flag",
    )
    .get_result(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    if !available.flag {
        assert!(!installed.flag);
    }

    let url = database.url();
    let reverted = tokio::task::spawn_blocking(move || {
        let mut sync = AsyncConnectionWrapper::<AsyncPgConnection>::establish(&url)
            .unwrap_or_else(|e| panic!("{e}"));
        sync.revert_all_migrations(MIGRATIONS)
            .map(|v| v.len())
            .unwrap_or_else(|e| panic!("revert: {e}"))
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reverted, total);
    assert!(tables(&mut conn).await.is_empty());

    let again = persistence::postgres::migrations::run_pending(&database.url())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again.len(), total);
    assert_eq!(tables(&mut conn).await, expected);
    let nothing = persistence::postgres::migrations::run_pending(&database.url())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(nothing.is_empty());
}
