//! The PostgreSQL cluster of `APP_DATABASE__URL`. The benchmarks never touch the configured
//! database itself: they create databases of their own on the same cluster (through its
//! `postgres` database) and drop them afterwards.

use crate::BenchError;

/// The cluster a database URL points at. It holds credentials, so it has no `Debug`.
pub struct Cluster {
    /// `postgres://user:password@host:port`, without a database name.
    server: String,
}

impl Cluster {
    /// The cluster of `database_url` (`postgres://user:password@host:port/database`).
    pub fn of(database_url: &str) -> Result<Self, BenchError> {
        let (server, _) = database_url
            .rsplit_once('/')
            .ok_or_else(|| BenchError::Setup("APP_DATABASE__URL has no database name".into()))?;
        Ok(Self {
            server: server.to_owned(),
        })
    }

    /// The URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("{}/{database}", self.server)
    }

    /// Drops `database` if it exists (disconnecting its clients) and creates it empty.
    pub async fn recreate(&self, database: &str) -> Result<(), BenchError> {
        self.drop(database).await?;
        self.execute(&format!("CREATE DATABASE {database}")).await
    }

    /// Drops `database` if it exists, disconnecting its clients.
    pub async fn drop(&self, database: &str) -> Result<(), BenchError> {
        self.execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            .await
    }

    /// Runs `sql` on the cluster's `postgres` database.
    async fn execute(&self, sql: &str) -> Result<(), BenchError> {
        let client = connect(&self.url("postgres"))
            .await
            .map_err(|e| BenchError::Setup(format!("cannot reach PostgreSQL: {e}")))?;
        client
            .batch_execute(sql)
            .await
            .map_err(|e| BenchError::Setup(format!("{sql}: {e}")))
    }
}

/// A plain `tokio-postgres` client of `url`, its connection driven on the current arbiter.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    actix_rt::spawn(connection);
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn databases_are_named_on_the_cluster_of_the_configured_url() {
        let cluster = Cluster::of("postgres://u:p@127.0.0.1:55432/metrics_hub")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            cluster.url("bench_7"),
            "postgres://u:p@127.0.0.1:55432/bench_7"
        );
    }

    #[test]
    fn a_url_without_a_database_name_is_refused() {
        assert!(Cluster::of("postgres:").is_err());
    }
}
