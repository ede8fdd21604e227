//! Builds the application from settings: pool, cache, keys, listener, HTTP server.
//! `Application::build` binds (port 0 picks a free port, as the tests do) and
//! `run_until_stopped` serves until SIGINT/SIGTERM.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use persistence::cache::Cache;
use persistence::pool::build_pool;
use persistence::PgPool;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

use crate::auth::JwtKeys;
use crate::routes;
use crate::settings::Settings;

/// Why the hub could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not set up storage")]
    Storage(#[from] persistence::PersistenceError),
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
    pool: PgPool,
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
        let max_json_bytes = settings.http.max_json_bytes;
        let pool_data = web::Data::new(pool.clone());
        let cache = web::Data::new(cache);
        let keys = web::Data::new(keys);
        let server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .app_data(pool_data.clone())
                .app_data(cache.clone())
                .app_data(keys.clone())
                .configure(routes::configure(max_json_bytes))
        })
        .listen(listener)
        .map_err(|source| StartupError::Bind { address, source })?
        .run();
        Ok(Self { port, server, pool })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The connection pool the server uses.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM stop it gracefully).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
