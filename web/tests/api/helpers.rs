//! `spawn_app()`: a hub on a free port with a database of its own, plus small API helpers.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde_json::{json, Value};
use web::settings::{Environment, Settings};
use web::startup::Application;

/// Superuser URL of the test cluster's maintenance database.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_ADMIN_URL").unwrap_or_else(|_| {
        "postgres://metrics_hub:metrics_hub@127.0.0.1:55432/postgres".to_owned()
    })
}

/// `host:port` of the test cluster (from [`admin_url`], so a stack on other ports is found).
pub fn database_address() -> String {
    let admin = admin_url();
    let after_at = admin
        .rsplit_once('@')
        .map_or(admin.as_str(), |(_, rest)| rest);
    after_at
        .split_once('/')
        .map_or(after_at, |(address, _)| address)
        .to_owned()
}

/// Redis of the test stack.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned())
}

/// A loopback port nothing listens on (free when this returns).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// The URL of database `name` on the test cluster.
pub fn database_url(name: &str) -> String {
    let admin = admin_url();
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => admin,
    }
}

/// A running hub with its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub database: TestDatabase,
    pub settings: Settings,
}

/// A database that is dropped when the value is.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    pub fn url(&self) -> String {
        database_url(&self.name)
    }

    /// A direct connection, for checks the API does not offer.
    pub async fn connect(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.url())
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {}: {e}", self.name))
    }

    /// The single `bigint` that `sql` selects as `n` (row counts and the like).
    pub async fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.connect().await;
        let row: Count = diesel::sql_query(sql)
            .get_result(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        row.n
    }

    /// A fresh, empty database (not cloned from the template).
    pub async fn empty() -> Self {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        admin_execute(&format!("CREATE DATABASE {name}")).await;
        Self { name }
    }

    /// A database cloned from the migrated template.
    pub async fn migrated() -> Self {
        let template = template_database().await;
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        admin_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
        Self { name }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let _ = std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(admin_execute(&sql));
            }
        })
        .join();
    }
}

async fn admin_execute(sql: &str) {
    let mut conn = AsyncPgConnection::establish(&admin_url())
        .await
        .unwrap_or_else(|e| {
            panic!("cannot reach the test PostgreSQL (run scripts/stack.sh up): {e}")
        });
    diesel::sql_query(sql)
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    datname: String,
}

/// The name of a database with every migration applied, created once per migration set.
/// Guarded by an advisory lock, so parallel test processes build it once; built under a
/// temporary name and renamed, so a crash never leaves a half-migrated template.
async fn template_database() -> String {
    let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let mut hasher = DefaultHasher::new();
    let mut files: Vec<_> = walk(&migrations);
    files.sort();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    let template = format!("template_{:016x}", hasher.finish());
    let mut conn = AsyncPgConnection::establish(&admin_url())
        .await
        .unwrap_or_else(|e| {
            panic!("cannot reach the test PostgreSQL (run scripts/stack.sh up): {e}")
        });
    diesel::sql_query("SELECT pg_advisory_lock(727274)")
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("advisory lock: {e}"));
    let existing: Vec<Name> =
        diesel::sql_query("SELECT datname FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&template)
            .load(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("list databases: {e}"));
    if !existing.iter().any(|row| row.datname == template) {
        let building = format!("{template}_building");
        for sql in [
            format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
            format!("CREATE DATABASE {building}"),
        ] {
            diesel::sql_query(&sql)
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        persistence::postgres::migrations::run_pending(&database_url(&building))
            .await
            .unwrap_or_else(|e| panic!("migrating the template: {e:?}"));
        let sql = format!("ALTER DATABASE {building} RENAME TO {template}");
        diesel::sql_query(&sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    diesel::sql_query("SELECT pg_advisory_unlock(727274)")
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("advisory unlock: {e}"));
    template
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Settings for a test hub on a free port with its own database and Redis key prefix.
pub fn test_settings(database: &TestDatabase) -> Settings {
    let mut settings = Settings::read().unwrap_or_else(|e| panic!("settings: {e}"));
    settings.environment = Environment::Dev;
    settings.http.host = "127.0.0.1".into();
    settings.http.port = 0;
    settings.database.url = SecretString::from(database.url());
    settings.database.max_connections = 4;
    settings.redis.url = SecretString::from(redis_url());
    settings.redis.key_prefix = format!("{}:", database.name);
    // Every test client is 127.0.0.1 and some register many users: the password-attempt limit
    // is tested on its own (accounts.rs) with the defaults.
    settings.auth.attempts_burst = 100_000;
    // Retention is on by default and its job's first pass runs at start-up, racing tests that
    // post old data: tests of retention turn it on themselves (admin_storage.rs).
    settings.retention.raw_sample_days = 0;
    settings.retention.minute_rollup_days = 0;
    settings.check().unwrap_or_else(|e| panic!("settings: {e}"));
    settings
}

/// A hub with a fresh migrated database.
pub async fn spawn_app() -> TestApp {
    let database = TestDatabase::migrated().await;
    let settings = test_settings(&database);
    spawn_with(database, settings).await
}

/// A hub with the given database and settings.
pub async fn spawn_with(database: TestDatabase, settings: Settings) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = web::telemetry::init();
    }
    let app = Application::build(&settings).unwrap_or_else(|e| panic!("build: {e:?}"));
    let address = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::new(),
        database,
        settings,
    }
}

/// A registered, logged-in user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub email: String,
    pub password: String,
    pub token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// Registers and logs in a user with a unique email.
    pub async fn new_user(&self) -> TestUser {
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4().simple());
        let password = "a sound password".to_owned();
        let response = self
            .post(
                "/api/v1/users",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let id = json_of(response).await["id"].as_i64().unwrap_or_default();
        let token = self.login(&email, &password).await;
        TestUser {
            id,
            email,
            password,
            token,
        }
    }

    /// Makes `user` an admin and returns them logged in again. The change is made behind the
    /// hub's back, so this waits out the hub's cache of users' status (`STATUS_TTL`), as an
    /// operator's `metrics-hub admin promote` takes up to that long to be seen.
    pub async fn make_admin(&self, user: &TestUser) -> TestUser {
        let mut conn = self.database.connect().await;
        diesel::sql_query(format!(
            "UPDATE users SET role = 'admin' WHERE id = {}",
            user.id
        ))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("make admin: {e}"));
        tokio::time::sleep(web::auth::status::STATUS_TTL).await;
        TestUser {
            token: self.login(&user.email, &user.password).await,
            ..user.clone()
        }
    }

    /// Logs in and returns the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        json_of(response).await["accessToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Creates an assistant for `user` and returns its id.
    pub async fn new_assistant(&self, user: &TestUser, name: &str) -> i64 {
        let response = self
            .post(
                &format!("/api/v1/users/{}/assistants", user.id),
                Some(&user.token),
                &json!({"name": name, "modelType": "gpt-4o"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        json_of(response).await["id"].as_i64().unwrap_or_default()
    }

    /// Posts a daily record and returns the response.
    pub async fn post_daily(&self, user: &TestUser, assistant: i64, body: &Value) -> Response {
        self.post(
            &format!("/api/v1/assistants/{assistant}/metrics"),
            Some(&user.token),
            body,
        )
        .await
    }
}

/// The body as JSON (panics with the text if it is not).
pub async fn json_of(response: Response) -> Value {
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Asserts `response` is a problem document with `status` and returns it.
pub async fn assert_problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body = json_of(response).await;
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "problem without detail: {body}"
    );
    body
}

/// The fields named in a validation problem.
pub fn problem_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
