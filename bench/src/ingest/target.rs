//! The hub under test for `metrics-hub-bench ingest`: a fresh database on the configured
//! cluster, a `metrics-hub serve` child on it, and a user with assistants to ingest for.

use serde_json::{json, Value};

use super::IngestArgs;
use crate::cluster::Cluster;
use crate::hub_process::{HubBinary, HubConfig, HubProcess};
use crate::BenchError;

/// A running hub and what the phases need to talk to it.
pub struct Target {
    /// `http://127.0.0.1:<port>` of the hub.
    pub base: String,
    /// The bench user's access token.
    pub token: String,
    /// The bench user's assistants, which the events are spread over.
    pub assistants: Vec<i64>,
    /// The hub's database, for the baselines.
    pub database_url: String,
    cluster: Cluster,
    database: String,
    hub: HubProcess,
}

impl Target {
    /// Creates and migrates database `bench_<pid>`, starts the hub on it and prepares the user.
    pub async fn start(
        args: &IngestArgs,
        binary: &HubBinary,
        database_url: &str,
        redis_url: &str,
    ) -> Result<Self, BenchError> {
        let cluster = Cluster::of(database_url)?;
        let database = format!("bench_{}", std::process::id());
        cluster.recreate(&database).await?;
        let bench_url = cluster.url(&database);
        persistence::postgres::migrations::run_pending(&bench_url)
            .await
            .map_err(|e| BenchError::Setup(e.to_string()))?;
        let mut hub = HubProcess::spawn(
            binary,
            HubConfig {
                database_url: &bench_url,
                redis_url,
                key_prefix: &database,
                coalesce_ms: args.coalesce_ms,
            },
        )?;
        if let Err(error) = hub.wait_ready().await {
            hub.stop();
            let _ = cluster.drop(&database).await;
            return Err(error);
        }
        let mut target = Self {
            base: hub.base().to_owned(),
            token: String::new(),
            assistants: Vec::new(),
            database_url: bench_url,
            cluster,
            database,
            hub,
        };
        if let Err(error) = target.prepare(args).await {
            target.stop().await;
            return Err(error);
        }
        Ok(target)
    }

    async fn prepare(&mut self, args: &IngestArgs) -> Result<(), BenchError> {
        let credentials = json!({"email": "bench@example.com", "password": "bench-password"});
        let user = self.post("/api/v1/users", &credentials).await?;
        let login = self.post("/api/v1/auth/login", &credentials).await?;
        self.token = login["accessToken"].as_str().unwrap_or_default().to_owned();
        let user_id = user["id"].as_i64().unwrap_or_default();
        for i in 0..args.assistants.max(1) {
            let assistant = self
                .post(
                    &format!("/api/v1/users/{user_id}/assistants"),
                    &json!({"name": format!("bench-{i}"), "modelType": "gpt-4o"}),
                )
                .await?;
            let id = assistant["id"]
                .as_i64()
                .ok_or_else(|| BenchError::Setup(format!("no assistant created: {assistant}")))?;
            self.assistants.push(id);
        }
        Ok(())
    }

    /// POSTs JSON with the bench user's token (if any) and returns the JSON answer.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, BenchError> {
        let mut request = awc::Client::new().post(format!("{}{path}", self.base));
        if !self.token.is_empty() {
            request = request.bearer_auth(&self.token);
        }
        let mut response = request
            .send_json(body)
            .await
            .map_err(|e| BenchError::Run(format!("POST {path}: {e}")))?;
        let bytes = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .map_err(|e| BenchError::Run(format!("POST {path}: {e}")))?;
        if !response.status().is_success() {
            return Err(BenchError::Run(format!(
                "POST {path}: {} {}",
                response.status(),
                String::from_utf8_lossy(&bytes)
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| BenchError::Run(format!("POST {path}: {e}")))
    }

    /// The hub process's resident memory, KiB.
    pub fn rss_kib(&self) -> u64 {
        self.hub.rss_kib()
    }

    /// Stops the hub (gracefully) and drops the database.
    pub async fn stop(self) {
        self.hub.stop();
        let _ = self.cluster.drop(&self.database).await;
    }
}
