//! Builds the application from settings: pool, cache, keys, listener, HTTP server.
//! `Application::build` binds (port 0 picks a free port, as the tests do) and
//! `run_until_stopped` serves until SIGINT/SIGTERM.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use persistence::postgres::pool::build_pool;
use persistence::redis::live_bus;
use persistence::Cache;
use persistence::PayloadCache;
use persistence::PgStore;
use persistence::RedisLiveBus;
use std::sync::Arc;

use actix::{Actor, Addr};
use hub::actors::messages::{Publish, Shutdown};
use hub::actors::{LiveHub, Registry};
use hub::instruments::metered::{MeteredBus, MeteredStore};
use hub::store::{LiveBus, SampleStore};
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::auth::access::OwnerCache;
use crate::auth::status::AccountStatus;
use crate::auth::{JwtKeys, PasswordAttempts};
use crate::prometheus::Telemetry;
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;
use crate::telemetry::propagation::TraceParent;
use crate::ws::Heartbeat;

/// Why the hub could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not set up storage")]
    Storage(#[from] persistence::PersistenceError),
    #[error("invalid settings: {0}")]
    Settings(&'static str),
    #[error(transparent)]
    InvalidSettings(#[from] crate::settings::SettingsError),
    #[error("could not build the webhook client")]
    WebhookClient(#[from] reqwest::Error),
    #[error("could not listen on {address}")]
    Bind {
        address: String,
        #[source]
        source: std::io::Error,
    },
}

/// A bound, not yet running hub.
pub struct Application {
    port: u16,
    server: Server,
    registry: Addr<Registry>,
}

impl Application {
    /// Connects the shared resources and binds the listener. Must run inside a tokio runtime.
    pub fn build(settings: &Settings) -> Result<Self, StartupError> {
        let pool = build_pool(&settings.database.pool())?;
        let cache = Cache::connect(
            settings.redis.url.expose_secret(),
            &settings.redis.key_prefix,
            Duration::from_millis(settings.redis.timeout_ms),
        )?;
        let keys = JwtKeys::new(
            &settings.auth.jwt_secret,
            Duration::from_secs(settings.auth.token_ttl_seconds),
        );
        let address = format!("{}:{}", settings.http.host, settings.http.port);
        let listener = TcpListener::bind(&address).map_err(|source| StartupError::Bind {
            address: address.clone(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartupError::Bind {
                address: address.clone(),
                source,
            })?
            .port();
        let config = hub::actors::HubConfig {
            sessions: settings.sessions.config(),
            ..settings.hub.config()
        };
        let telemetry = Arc::new(Telemetry::new(settings.metrics.token.clone()));
        let instruments = telemetry.instruments.clone();
        let store: Arc<dyn SampleStore> = Arc::new(MeteredStore::new(
            Arc::new(
                PgStore::new(
                    pool.clone(),
                    Duration::from_millis(settings.database.write_timeout_ms),
                )
                .with_max_pending_deliveries(i64::from(settings.webhooks.max_pending)),
            ),
            instruments.clone(),
        ));
        let webhooks = Arc::new(settings.webhooks.policy()?);
        let sender = crate::webhooks::Sender::new(
            Arc::clone(&webhooks),
            Duration::from_millis(settings.webhooks.connect_timeout_ms),
            Duration::from_millis(settings.webhooks.timeout_ms),
        )?;
        actix_web::rt::spawn(crate::webhooks::worker::run(
            pool.clone(),
            sender,
            settings.webhooks.worker(),
        ));
        let bus = RedisLiveBus::new(cache.clone());
        let shared_bus: Arc<dyn LiveBus> =
            Arc::new(MeteredBus::new(Arc::new(bus.clone()), instruments.clone()));
        let live = LiveHub::new(
            Arc::clone(&store),
            Some(Arc::clone(&shared_bus)),
            config.history,
        )
        .with_instruments(instruments)
        .start();
        let registry = Registry::new(
            config,
            Arc::clone(&store),
            Some(Arc::clone(&shared_bus)),
            live.clone(),
            settings.hub.threads,
        )
        .start();
        let sources = Arc::new(crate::sources::Sources::build(settings, cache.clone())?);
        sources.live.follow();
        let deliver_to = live.clone();
        actix_web::rt::spawn(live_bus::follow(bus, move |delta| {
            deliver_to.do_send(Publish { delta });
        }));
        let retention = crate::retention::Policy::of(&settings.retention);
        if retention.drops_anything() {
            actix_web::rt::spawn(crate::retention::run(
                pool.clone(),
                retention,
                Duration::from_secs(settings.retention.interval_seconds),
            ));
        }
        let max_json_bytes = settings.http.max_json_bytes;
        let dashboard_dir = std::path::PathBuf::from(&settings.http.dashboard_dir);
        let attempts = settings
            .auth
            .attempt_quota()
            .and_then(PasswordAttempts::new)
            .ok_or(StartupError::Settings(
                "password attempt limits must be at least 1",
            ))?;
        let state = web::Data::new(AppState {
            pool,
            payload_cache: PayloadCache::new(cache.clone()),
            cache,
            export_links: crate::export::ExportLinks::new(
                &settings.auth.jwt_secret,
                Duration::from_secs(settings.auth.export_link_ttl_seconds),
            ),
            keys,
            attempts,
            registry: registry.clone(),
            store,
            bus: shared_bus,
            live,
            owners: OwnerCache::default(),
            accounts: AccountStatus::default(),
            retention,
            heartbeat: Heartbeat {
                interval: Duration::from_millis(settings.hub.ws_heartbeat_ms),
                timeout: Duration::from_millis(settings.hub.ws_timeout_ms),
            },
            telemetry,
            webhooks,
            sources,
        });
        if settings.sources.scheduler {
            actix_web::rt::spawn(crate::sources::scheduler::run(
                state.clone(),
                crate::sources::scheduler::SchedulerConfig::of(&settings.sources),
            ));
        }
        let server = HttpServer::new(move || {
            App::new()
                // gzip, brotli or zstd as the client accepts: the wasm dashboard (1.5 MB) and
                // large JSON payloads shrink several-fold; WebSocket upgrades are left alone.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(
                    routes::fallback::reject_undocumented_methods,
                ))
                .wrap(actix_web::middleware::from_fn(
                    crate::prometheus::count_refusals,
                ))
                .wrap(TracingLogger::<TraceParent>::new())
                .app_data(state.clone())
                .configure(routes::configure(max_json_bytes, dashboard_dir.clone()))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind { address, source })?
        .run();
        Ok(Self {
            port,
            server,
            registry,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped. SIGINT/SIGTERM stop it gracefully: requests in
    /// flight finish (their samples are written and acknowledged), then every assistant actor
    /// writes what it still holds before this returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if self.registry.send(Shutdown).await.is_err() {
            tracing::error!("the registry stopped before draining");
        }
        tracing::info!("all buffered samples written; stopped");
        served
    }
}
