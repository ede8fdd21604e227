//! The hub under test: a fresh database on the configured cluster, and a `metrics-hub serve`
//! child process on a free port, with a user and assistants to ingest for.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use super::{BenchArgs, BenchError};

/// A running hub and what the phases need to talk to it.
pub struct Target {
    pub base: String,
    pub token: String,
    pub assistants: Vec<i64>,
    pub database_url: String,
    admin_url: String,
    database: String,
    child: Child,
}

impl Target {
    pub async fn start(
        args: &BenchArgs,
        database_url: &str,
        redis_url: &str,
    ) -> Result<Self, BenchError> {
        let setup = |e: &dyn std::fmt::Display| BenchError::Setup(e.to_string());
        let (server, _) = database_url
            .rsplit_once('/')
            .ok_or_else(|| BenchError::Setup("APP_DATABASE__URL has no database name".into()))?;
        let database = format!("bench_{}", std::process::id());
        let admin_url = format!("{server}/postgres");
        admin(&admin_url, &format!("DROP DATABASE IF EXISTS {database}")).await?;
        admin(&admin_url, &format!("CREATE DATABASE {database}")).await?;
        let bench_url = format!("{server}/{database}");
        persistence::postgres::migrations::run_pending(&bench_url)
            .await
            .map_err(|e| setup(&e))?;
        let (child, port) = spawn_serve(&bench_url, redis_url, &database, args.coalesce_ms)?;
        let base = format!("http://127.0.0.1:{port}");
        let mut target = Self {
            base,
            token: String::new(),
            assistants: Vec::new(),
            database_url: bench_url,
            admin_url,
            database,
            child,
        };
        wait_ready(&target.base).await?;
        target.prepare(args).await?;
        Ok(target)
    }

    async fn prepare(&mut self, args: &BenchArgs) -> Result<(), BenchError> {
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
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Stops the hub (gracefully) and drops the database.
    pub async fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let _ = admin(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database),
        )
        .await;
    }
}

/// Starts `metrics-hub serve` on a free port against `database_url`; returns it and the port.
pub(super) fn spawn_serve(
    database_url: &str,
    redis_url: &str,
    key_prefix: &str,
    coalesce_ms: u64,
) -> Result<(Child, u16), BenchError> {
    let setup = |e: &dyn std::fmt::Display| BenchError::Setup(e.to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| setup(&e))?;
    let exe = std::env::current_exe().map_err(|e| setup(&e))?;
    let child = Command::new(exe)
        .arg("serve")
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_HTTP__PORT", port.to_string())
        .env("APP_DATABASE__URL", database_url)
        .env("APP_DATABASE__MAX_CONNECTIONS", "16")
        .env("APP_REDIS__URL", redis_url)
        .env("APP_REDIS__KEY_PREFIX", format!("{key_prefix}:"))
        .env("APP_HUB__COALESCE_MS", coalesce_ms.to_string())
        .env("APP_HTTP__MAX_JSON_BYTES", (8 * 1024 * 1024).to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| setup(&e))?;
    Ok((child, port))
}

/// Waits until the hub at `base` answers `/readyz`.
pub(super) async fn wait_ready(base: &str) -> Result<(), BenchError> {
    let client = awc::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await {
            if response.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(BenchError::Setup("the hub did not become ready".into()))
}

/// Runs `sql` on the cluster's `postgres` database (`url` points at it).
pub(super) async fn admin(url: &str, sql: &str) -> Result<(), BenchError> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| BenchError::Setup(format!("cannot reach PostgreSQL: {e}")))?;
    actix_web::rt::spawn(connection);
    client
        .batch_execute(sql)
        .await
        .map_err(|e| BenchError::Setup(format!("{sql}: {e}")))
}
