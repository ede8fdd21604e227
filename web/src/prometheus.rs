//! `GET /metrics`: the hub's own telemetry in the Prometheus (OpenMetrics) text format, for
//! the operators running it. One registry per process, built at start-up: the hub's
//! instruments (`hub::instruments`: batch writes, commit latency, the live bus, live
//! subscriptions and fan-out), the HTTP refusals counted here (429 and 503 by cause, from the
//! error's problem type), and the PostgreSQL pool, read at each scrape.
//!
//! The endpoint is off unless `APP_METRICS__TOKEN` is set, and then answers only requests
//! carrying `Authorization: Bearer <token>`: the numbers describe the deployment, not a
//! user's data, but they are nobody else's business either.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};
use hub::instruments::Instruments;
use persistence::PgPool;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ProblemType};
use crate::state::AppState;

/// The endpoint's path.
pub const METRICS_PATH: &str = "/metrics";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabel {
    status: String,
    /// The problem type's last segment (`busy`, `rate-limited`, `unavailable`, …).
    cause: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabel {
    state: String,
}

/// The process's registry and the instruments the web layer records itself.
pub struct Telemetry {
    registry: Registry,
    /// What the hub's actors, store and bus record into (handed to them at start-up).
    pub instruments: Instruments,
    refusals: Family<RefusalLabel, Counter>,
    pool_connections: Family<PoolLabel, Gauge>,
    pool_waiting: Gauge,
    token: Option<SecretString>,
}

impl Telemetry {
    /// A registry with every instrument; `token` guards the endpoint (`None`: off).
    pub fn new(token: Option<SecretString>) -> Self {
        let mut registry = Registry::default();
        let instruments = Instruments::register(&mut registry);
        let refusals = Family::<RefusalLabel, Counter>::default();
        let pool_connections = Family::<PoolLabel, Gauge>::default();
        let pool_waiting = Gauge::default();
        let hub = registry.sub_registry_with_prefix("metrics_hub");
        hub.register(
            "http_refusals",
            "Requests answered 429 (busy, rate limited) or 503 (storage unavailable), by cause",
            refusals.clone(),
        );
        hub.register(
            "pg_pool_connections",
            "PostgreSQL pool connections by state (in_use, idle) and the pool's maximum (max)",
            pool_connections.clone(),
        );
        hub.register(
            "pg_pool_waiting",
            "Requests waiting for a PostgreSQL connection",
            pool_waiting.clone(),
        );
        Self {
            registry,
            instruments,
            refusals,
            pool_connections,
            pool_waiting,
            token: token.filter(|t| !t.expose_secret().is_empty()),
        }
    }

    /// Counts a 429 or 503 answer.
    fn refused(&self, status: StatusCode, problem: Option<ProblemType>) {
        let cause = problem
            .and_then(|p| p.0.rsplit('/').next())
            .unwrap_or("other");
        self.refusals
            .get_or_create(&RefusalLabel {
                status: status.as_u16().to_string(),
                cause: cause.to_owned(),
            })
            .inc();
    }

    /// The text exposition, with the pool read now.
    fn render(&self, pool: &PgPool) -> Result<String, std::fmt::Error> {
        let status = pool.status();
        let in_use = status.size.saturating_sub(status.available);
        for (state, value) in [
            ("in_use", in_use),
            ("idle", status.available),
            ("max", status.max_size),
        ] {
            self.pool_connections
                .get_or_create(&PoolLabel {
                    state: state.to_owned(),
                })
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        self.pool_waiting
            .set(i64::try_from(status.waiting).unwrap_or(i64::MAX));
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// Whether `request` carries the token (compared as digests, in constant time per byte).
    fn allows(&self, request: &HttpRequest) -> Result<(), ApiError> {
        let Some(token) = &self.token else {
            return Err(ApiError::NotFound(
                "/metrics is off: set APP_METRICS__TOKEN to enable it".into(),
            ));
        };
        let sent = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized(
                "send the metrics token as a bearer token",
            ))?;
        let expected = Sha256::digest(token.expose_secret().as_bytes());
        let given = Sha256::digest(sent.trim().as_bytes());
        let same = expected
            .iter()
            .zip(given.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same {
            Ok(())
        } else {
            Err(ApiError::Unauthorized("the metrics token is wrong"))
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(METRICS_PATH, web::get().to(scrape));
}

async fn scrape(
    request: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let telemetry = &state.telemetry;
    telemetry.allows(&request)?;
    let text = telemetry
        .render(&state.pool)
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}

/// Middleware: counts the 429 and 503 answers of every route.
pub async fn count_refusals(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let telemetry = request
        .app_data::<web::Data<AppState>>()
        .map(|state| std::sync::Arc::clone(&state.telemetry));
    let response = next.call(request).await?;
    let status = response.status();
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        if let Some(telemetry) = telemetry {
            let problem = response
                .response()
                .extensions()
                .get::<ProblemType>()
                .copied();
            telemetry.refused(status, problem);
        }
    }
    Ok(response)
}
