//! Typed settings, loaded once at start-up: built-in defaults, then an optional TOML file,
//! then environment variables (`APP_` prefix, `__` between levels). Secrets are wrapped so they
//! never appear in logs or debug output.
//!
//! Every variable:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `APP_CONFIG_FILE` | none | optional TOML file with the same keys (`[http] port = 8080`) |
//! | `APP_ENVIRONMENT` | `production` | `dev` or `production`; `production` refuses the dev JWT secret |
//! | `APP_HTTP__HOST` | `127.0.0.1` | address to listen on |
//! | `APP_HTTP__PORT` | `8080` | port to listen on (`0`: any free port) |
//! | `APP_HTTP__MAX_JSON_BYTES` | `65536` | largest JSON body accepted (larger: 413) |
//! | `APP_HTTP__DASHBOARD_DIR` | `web/dashboard/dist` | built dashboard served at `/` |
//! | `APP_DATABASE__URL` | local stack | `postgres://user:password@host:port/db` |
//! | `APP_DATABASE__MAX_CONNECTIONS` | `16` | pool size |
//! | `APP_DATABASE__ACQUIRE_TIMEOUT_MS` | `3000` | wait for a pooled connection before answering 503 |
//! | `APP_DATABASE__CONNECT_TIMEOUT_MS` | `3000` | time limit to open one connection |
//! | `APP_DATABASE__WRITE_TIMEOUT_MS` | `10000` | time limit of one batch write (then 503, retry) |
//! | `APP_REDIS__URL` | local stack | `redis://host:port` |
//! | `APP_REDIS__KEY_PREFIX` | `metrics-hub:` | prefix of every Redis key this hub writes |
//! | `APP_REDIS__TIMEOUT_MS` | `500` | time limit of one Redis operation |
//! | `APP_HUB__BUFFER_CAPACITY` | `100000` | samples one assistant may hold unacknowledged (more: 429) |
//! | `APP_HUB__MAX_BATCH` | `10000` | samples per batch write |
//! | `APP_HUB__IDLE_TIMEOUT_MS` | `60000` | an idle assistant actor stops after this |
//! | `APP_HUB__COALESCE_MS` | `250` | at most one live delta per assistant per this interval |
//! | `APP_HUB__THREADS` | `2` | threads running assistant actors |
//! | `APP_HUB__WS_HEARTBEAT_MS` | `10000` | WebSocket ping interval |
//! | `APP_HUB__WS_TIMEOUT_MS` | `30000` | a WebSocket client silent this long is dropped |
//! | `APP_SESSIONS__IDLE_TIMEOUT_SECS` | `300` | a session whose newest call is older than this has ended |
//! | `APP_SESSIONS__MAX_PER_ASSISTANT` | `10000` | most active sessions tracked per assistant (the least recently active are dropped) |
//! | `APP_RETENTION__RAW_SAMPLE_DAYS` | `90` | drop raw samples (runs, exports) older than this many days (rollups stay); `0` keeps them forever |
//! | `APP_RETENTION__MINUTE_ROLLUP_DAYS` | `14` | drop minute rollups older than this many days (hour and day rollups stay); `0` keeps them forever; else at least 2 (they feed the last 24 hours) |
//! | `APP_RETENTION__INTERVAL_SECONDS` | `3600` | how often the retention job runs (first at start-up; see docs/admin.md) |
//! | `APP_LOG_FORMAT` | text | `json`: one JSON object per log line (read before the settings, see `telemetry`) |
//! | `OTEL_EXPORTER_OTLP_ENDPOINT` | none | export the hub's own traces over OTLP/HTTP to this collector (and the other standard `OTEL_*` variables; see `telemetry`) |
//! | `APP_METRICS__TOKEN` | none | bearer token that `GET /metrics` (Prometheus) requires; unset: `/metrics` is off (404) |
//! | `APP_WEBHOOKS__ALLOW_HOSTS` | empty | comma-separated host names, addresses and CIDR ranges webhooks may target although they are not public (loopback, private, link-local, ...); see docs/alerts.md |
//! | `APP_WEBHOOKS__MAX_ATTEMPTS` | `8` | attempts per webhook delivery in all, then it is `failed` |
//! | `APP_WEBHOOKS__BACKOFF_BASE_MS` | `1000` | wait after the first failed attempt, doubled after each further one (with jitter) |
//! | `APP_WEBHOOKS__BACKOFF_MAX_MS` | `300000` | longest wait between two attempts |
//! | `APP_WEBHOOKS__CONNECT_TIMEOUT_MS` | `2000` | time limit to connect to a webhook |
//! | `APP_WEBHOOKS__TIMEOUT_MS` | `5000` | time limit of one attempt, connecting included |
//! | `APP_WEBHOOKS__POLL_INTERVAL_MS` | `1000` | how often a node looks for due deliveries |
//! | `APP_WEBHOOKS__CONCURRENCY` | `8` | most attempts in flight per node (the in-memory queue) |
//! | `APP_WEBHOOKS__MAX_PENDING` | `100` | most pending deliveries per webhook; further alerts' deliveries are stored as `dropped` |
//! | `APP_SOURCES__SECRET_KEY` | dev key | encrypts connection secrets (AES-256-GCM under its SHA-256), at least 32 bytes; `production` refuses the dev key |
//! | `APP_SOURCES__BASE_URLS` | empty | `integration=url` pairs, comma-separated, overriding templates' base URLs (e.g. `github=http://127.0.0.1:9999`) |
//! | `APP_SOURCES__ALLOW_HOSTS` | empty | host names, addresses and CIDR ranges the generic JSON template may fetch although they are not public (as `APP_WEBHOOKS__ALLOW_HOSTS`) |
//! | `APP_SOURCES__SCHEDULER` | `true` | whether this node polls due sources |
//! | `APP_SOURCES__TICK_MS` | `5000` | longest sleep of the scheduler between two looks for due sources |
//! | `APP_SOURCES__CLAIM_BATCH` | `50` | most due sources claimed at once |
//! | `APP_SOURCES__CONCURRENCY` | `16` | most polls in flight per node |
//! | `APP_SOURCES__PER_INTEGRATION` | `4` | most polls in flight per integration per node |
//! | `APP_SOURCES__LEASE_SECS` | `120` | how long a claimed source is reserved for the node polling it |
//! | `APP_SOURCES__JITTER_MAX_SECS` | `300` | longest random delay added to a next poll (at most a tenth of the interval) |
//! | `APP_SOURCES__FETCH_TIMEOUT_MS` | `10000` | time limit of one upstream request |
//! | `APP_SOURCES__MAX_BODY_BYTES` | `8388608` | largest upstream response accepted |
//! | `APP_LLM__BASE_URL` | none | OpenAI-compatible chat-completions endpoint (e.g. `https://api.openai.com/v1`) that writes missing transformers; off unless base URL and model are set |
//! | `APP_LLM__API_KEY` | none | its bearer key |
//! | `APP_LLM__MODEL` | none | the model asked |
//! | `APP_LLM__TIMEOUT_MS` | `30000` | time limit of one request to it |
//! | `APP_AUTH__JWT_SECRET` | dev secret | HMAC secret of access tokens, at least 32 bytes |
//! | `APP_AUTH__TOKEN_TTL_SECONDS` | `86400` | lifetime of an access token |
//! | `APP_AUTH__EXPORT_LINK_TTL_SECONDS` | `60` | lifetime of a signed export download link (each works once) |
//! | `APP_AUTH__ATTEMPTS_BURST` | `10` | password attempts (register, login) one client address may make at once |
//! | `APP_AUTH__ATTEMPT_PERIOD_MS` | `2000` | after the burst, one more attempt per this interval (others: 429) |

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The JWT secret used when none is configured; accepted only in `dev`.
pub const DEV_JWT_SECRET: &str = "metrics-hub-dev-secret-do-not-use-in-production";
/// The shortest JWT secret accepted, in bytes.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Why the settings could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A file or variable could not be read or has the wrong type.
    #[error("invalid configuration: {0}")]
    Load(#[from] config::ConfigError),
    /// The values were read but are not acceptable together.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Where the hub runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer machine: the well-known dev secret is allowed.
    Dev,
    /// Anything else.
    Production,
}

/// All settings of the hub.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub environment: Environment,
    pub http: HttpSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub auth: AuthSettings,
    pub hub: HubSettings,
    pub sessions: SessionsSettings,
    pub retention: RetentionSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    pub webhooks: WebhookSettings,
    pub sources: crate::sources::config::SourcesSettings,
    pub llm: crate::sources::config::LlmSettings,
}

/// Webhook delivery of alerts.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookSettings {
    /// Comma-separated exceptions to the SSRF policy (host names, addresses, CIDR ranges).
    pub allow_hosts: String,
    pub max_attempts: u32,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    pub connect_timeout_ms: u64,
    pub timeout_ms: u64,
    pub poll_interval_ms: u64,
    pub concurrency: usize,
    pub max_pending: u32,
}

impl WebhookSettings {
    /// The SSRF policy of these settings.
    pub fn policy(&self) -> Result<crate::webhooks::Policy, SettingsError> {
        crate::webhooks::AllowList::parse(&self.allow_hosts)
            .map(crate::webhooks::Policy::new)
            .map_err(|e| SettingsError::Invalid(format!("APP_WEBHOOKS__ALLOW_HOSTS: {e}")))
    }

    /// The delivery worker's pacing.
    pub fn worker(&self) -> crate::webhooks::WorkerConfig {
        let timeout = Duration::from_millis(self.timeout_ms);
        crate::webhooks::WorkerConfig {
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            concurrency: self.concurrency,
            max_attempts: i32::try_from(self.max_attempts).unwrap_or(i32::MAX),
            backoff_base: Duration::from_millis(self.backoff_base_ms),
            backoff_max: Duration::from_millis(self.backoff_max_ms),
            // An attempt ends within its timeout; the margin covers recording its outcome.
            lease: timeout * 2 + Duration::from_secs(10),
        }
    }
}

/// The hub's own Prometheus endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    /// Scrapers send it as `Authorization: Bearer <token>`; without one, `/metrics` is off.
    pub token: Option<SecretString>,
}

/// Live sessions (calls that carry a `sessionId`).
#[derive(Debug, Clone, Deserialize)]
pub struct SessionsSettings {
    /// A session whose newest call is older than this has ended.
    pub idle_timeout_secs: u64,
    /// Most active sessions tracked per assistant.
    pub max_per_assistant: usize,
}

impl SessionsSettings {
    /// The session tracking of the assistant actors.
    pub fn config(&self) -> hub::sessions::SessionConfig {
        hub::sessions::SessionConfig {
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_sessions: self.max_per_assistant,
        }
    }
}

/// How long raw samples and minute rollups are kept (see `crate::retention`).
#[derive(Debug, Clone, Deserialize)]
pub struct RetentionSettings {
    /// Raw samples older than this many days are dropped; `0` keeps them forever.
    pub raw_sample_days: u32,
    /// Minute rollups older than this many days are dropped; `0` keeps them forever.
    pub minute_rollup_days: u32,
    /// Seconds between two runs of the retention job.
    pub interval_seconds: u64,
}

/// The actors of the hub.
#[derive(Debug, Clone, Deserialize)]
pub struct HubSettings {
    pub buffer_capacity: usize,
    pub max_batch: usize,
    pub idle_timeout_ms: u64,
    pub coalesce_ms: u64,
    pub threads: usize,
    pub ws_heartbeat_ms: u64,
    pub ws_timeout_ms: u64,
}

impl HubSettings {
    /// The actor configuration derived from these.
    pub fn config(&self) -> hub::actors::HubConfig {
        hub::actors::HubConfig {
            buffer_capacity: self.buffer_capacity,
            max_batch: self.max_batch,
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            coalesce: Duration::from_millis(self.coalesce_ms),
            ..hub::actors::HubConfig::default()
        }
    }
}

/// The HTTP listener.
#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    pub host: String,
    pub port: u16,
    pub max_json_bytes: usize,
    pub dashboard_dir: String,
}

/// PostgreSQL.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: usize,
    pub acquire_timeout_ms: u64,
    pub connect_timeout_ms: u64,
    pub write_timeout_ms: u64,
}

/// Redis.
#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    pub url: SecretString,
    pub key_prefix: String,
    pub timeout_ms: u64,
}

/// Access tokens.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    pub jwt_secret: SecretString,
    pub token_ttl_seconds: u64,
    /// Lifetime of a signed export download link.
    pub export_link_ttl_seconds: u64,
    pub attempts_burst: u32,
    pub attempt_period_ms: u64,
}

impl AuthSettings {
    /// The per-client allowance of password attempts.
    pub fn attempt_quota(&self) -> Option<crate::auth::rate_limit::AttemptQuota> {
        Some(crate::auth::rate_limit::AttemptQuota {
            burst: std::num::NonZeroU32::new(self.attempts_burst)?,
            period: Duration::from_millis(self.attempt_period_ms),
        })
    }
}

impl Settings {
    /// Reads defaults, `APP_CONFIG_FILE` and `APP_*` variables, then checks the result.
    pub fn load() -> Result<Self, SettingsError> {
        let settings = Self::read()?;
        settings.check()?;
        Ok(settings)
    }

    /// Reads the settings without checking them (for callers that adjust them first, such as
    /// tests; call [`Settings::check`] afterwards).
    pub fn read() -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder()
            .set_default("environment", "production")?
            .set_default("http.host", "127.0.0.1")?
            .set_default("http.port", 8080)?
            .set_default("http.max_json_bytes", 65_536)?
            .set_default("http.dashboard_dir", "web/dashboard/dist")?
            .set_default(
                "database.url",
                "postgres://metrics_hub:metrics_hub@127.0.0.1:55432/metrics_hub",
            )?
            .set_default("database.max_connections", 16)?
            .set_default("database.acquire_timeout_ms", 3_000)?
            .set_default("database.connect_timeout_ms", 3_000)?
            .set_default("database.write_timeout_ms", 10_000)?
            .set_default("redis.url", "redis://127.0.0.1:56379")?
            .set_default("redis.key_prefix", "metrics-hub:")?
            .set_default("redis.timeout_ms", 500)?
            .set_default("auth.jwt_secret", DEV_JWT_SECRET)?
            .set_default("auth.token_ttl_seconds", 86_400)?
            .set_default("auth.export_link_ttl_seconds", 60)?
            .set_default("auth.attempts_burst", 10)?
            .set_default("auth.attempt_period_ms", 2_000)?
            .set_default("hub.buffer_capacity", 100_000)?
            .set_default("hub.max_batch", 10_000)?
            .set_default("hub.idle_timeout_ms", 60_000)?
            .set_default("hub.coalesce_ms", 250)?
            .set_default("hub.threads", 2)?
            .set_default("hub.ws_heartbeat_ms", 10_000)?
            .set_default("hub.ws_timeout_ms", 30_000)?
            .set_default("sessions.idle_timeout_secs", 300)?
            .set_default("sessions.max_per_assistant", 10_000)?
            .set_default("retention.raw_sample_days", 90)?
            .set_default("retention.minute_rollup_days", 14)?
            .set_default("retention.interval_seconds", 3_600)?
            .set_default("webhooks.allow_hosts", "")?
            .set_default("webhooks.max_attempts", 8)?
            .set_default("webhooks.backoff_base_ms", 1_000)?
            .set_default("webhooks.backoff_max_ms", 300_000)?
            .set_default("webhooks.connect_timeout_ms", 2_000)?
            .set_default("webhooks.timeout_ms", 5_000)?
            .set_default("webhooks.poll_interval_ms", 1_000)?
            .set_default("webhooks.concurrency", 8)?
            .set_default("webhooks.max_pending", 100)?;
        for (key, value) in crate::sources::config::defaults() {
            builder = builder.set_default(key, value)?;
        }
        if let Ok(file) = std::env::var("APP_CONFIG_FILE") {
            builder = builder.add_source(config::File::with_name(&file).required(true));
        }
        let settings: Self = builder
            .add_source(
                config::Environment::with_prefix("APP")
                    .prefix_separator("_")
                    .separator("__"),
            )
            .build()?
            .try_deserialize()?;
        Ok(settings)
    }

    /// Refuses combinations that would be unsafe or cannot work.
    pub fn check(&self) -> Result<(), SettingsError> {
        let secret = self.auth.jwt_secret.expose_secret();
        if self.environment != Environment::Dev && secret == DEV_JWT_SECRET {
            return Err(SettingsError::Invalid(
                "APP_AUTH__JWT_SECRET is the built-in dev secret; set your own secret \
                 (at least 32 bytes) or run with APP_ENVIRONMENT=dev"
                    .into(),
            ));
        }
        if secret.len() < MIN_JWT_SECRET_BYTES {
            return Err(SettingsError::Invalid(format!(
                "APP_AUTH__JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes long"
            )));
        }
        if self.database.max_connections == 0 {
            return Err(SettingsError::Invalid(
                "APP_DATABASE__MAX_CONNECTIONS must be at least 1".into(),
            ));
        }
        if self.hub.buffer_capacity == 0 || self.hub.max_batch == 0 || self.hub.threads == 0 {
            return Err(SettingsError::Invalid(
                "APP_HUB__BUFFER_CAPACITY, APP_HUB__MAX_BATCH and APP_HUB__THREADS must be at least 1"
                    .into(),
            ));
        }
        if self.sessions.idle_timeout_secs == 0 || self.sessions.max_per_assistant == 0 {
            return Err(SettingsError::Invalid(
                "APP_SESSIONS__IDLE_TIMEOUT_SECS and APP_SESSIONS__MAX_PER_ASSISTANT must be at least 1"
                    .into(),
            ));
        }
        if self.retention.minute_rollup_days == 1 {
            return Err(SettingsError::Invalid(
                "APP_RETENTION__MINUTE_ROLLUP_DAYS must be 0 (keep) or at least 2: minute \
                 rollups feed the last 24 hours of the live statistics"
                    .into(),
            ));
        }
        if self.retention.interval_seconds == 0 {
            return Err(SettingsError::Invalid(
                "APP_RETENTION__INTERVAL_SECONDS must be at least 1".into(),
            ));
        }
        if self.auth.attempt_quota().is_none() || self.auth.attempt_period_ms == 0 {
            return Err(SettingsError::Invalid(
                "APP_AUTH__ATTEMPTS_BURST and APP_AUTH__ATTEMPT_PERIOD_MS must be at least 1"
                    .into(),
            ));
        }
        self.webhooks.policy()?;
        self.sources.check(self.environment == Environment::Dev)?;
        let w = &self.webhooks;
        if w.max_attempts == 0
            || w.concurrency == 0
            || w.max_pending == 0
            || w.timeout_ms == 0
            || w.connect_timeout_ms == 0
            || w.poll_interval_ms == 0
        {
            return Err(SettingsError::Invalid(
                "APP_WEBHOOKS__MAX_ATTEMPTS, __CONCURRENCY, __MAX_PENDING, __TIMEOUT_MS, \
                 __CONNECT_TIMEOUT_MS and __POLL_INTERVAL_MS must be at least 1"
                    .into(),
            ));
        }
        if self.auth.token_ttl_seconds == 0 {
            return Err(SettingsError::Invalid(
                "APP_AUTH__TOKEN_TTL_SECONDS must be at least 1".into(),
            ));
        }
        if !(1..=3_600).contains(&self.auth.export_link_ttl_seconds) {
            return Err(SettingsError::Invalid(
                "APP_AUTH__EXPORT_LINK_TTL_SECONDS must be 1 to 3600".into(),
            ));
        }
        Ok(())
    }
}

impl DatabaseSettings {
    /// The pool settings derived from these.
    pub fn pool(&self) -> persistence::PoolSettings {
        persistence::PoolSettings {
            url: self.url.expose_secret().to_owned(),
            max_connections: self.max_connections,
            acquire_timeout: Duration::from_millis(self.acquire_timeout_ms),
            connect_timeout: Duration::from_millis(self.connect_timeout_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_is_on_by_default_and_a_one_day_minute_period_is_refused() {
        let Ok(mut settings) = Settings::read() else {
            panic!("the built-in defaults must load");
        };
        if std::env::var_os("APP_RETENTION__RAW_SAMPLE_DAYS").is_none()
            && std::env::var_os("APP_RETENTION__MINUTE_ROLLUP_DAYS").is_none()
        {
            let r = &settings.retention;
            assert_eq!((r.raw_sample_days, r.minute_rollup_days), (90, 14));
        }
        settings.environment = Environment::Dev;
        for (days, ok) in [(0, true), (1, false), (2, true), (14, true)] {
            settings.retention.minute_rollup_days = days;
            assert_eq!(settings.check().is_ok(), ok, "{days} days");
        }
    }
}
