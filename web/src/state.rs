//! The application state: every shared service a handler or extractor may need, built once by
//! [`crate::startup::Application::build`] and registered as one `web::Data<AppState>`.
//! Handlers take the state and destructure what they use, so adding a service is one field
//! here instead of another parameter on every handler that needs it.

use std::sync::Arc;

use actix::Addr;
use hub::actors::{LiveHub, Registry};
use hub::store::{LiveBus, SampleStore};
use persistence::redis::cache::Cache;
use persistence::redis::payload_cache::PayloadCache;
use persistence::PgPool;

use crate::auth::access::OwnerCache;
use crate::auth::status::AccountStatus;
use crate::auth::{JwtKeys, PasswordAttempts};
use crate::export::ExportLinks;
use crate::prometheus::Telemetry;
use crate::webhooks::Policy;
use crate::ws::Heartbeat;

/// Shared services of one hub process (cheap to share: every field is a handle).
pub struct AppState {
    /// The PostgreSQL connection pool.
    pub pool: PgPool,
    /// Redis: rolling aggregates, the live bus's connection, the readiness probe.
    pub cache: Cache,
    /// Cached dashboard and analytics payloads, in Redis.
    pub payload_cache: PayloadCache,
    /// Signs and verifies access tokens.
    pub keys: JwtKeys,
    /// Signs and verifies export download links.
    pub export_links: ExportLinks,
    /// Limits password attempts per account and per client address.
    pub attempts: PasswordAttempts,
    /// The assistant actors' registry: where ingested samples go.
    pub registry: Addr<Registry>,
    /// Durable sample storage, as the actors see it.
    pub store: Arc<dyn SampleStore>,
    /// The bus carrying live deltas between hub nodes.
    pub bus: Arc<dyn LiveBus>,
    /// Delivers live deltas to this node's WebSocket subscribers.
    pub live: Addr<LiveHub>,
    /// Which user owns which assistant, cached.
    pub owners: OwnerCache,
    /// Users' role and disabled state, cached briefly (see `auth::status`).
    pub accounts: AccountStatus,
    /// How long raw samples and minute rollups are kept (the admin API's cleanup uses it).
    pub retention: crate::retention::Policy,
    /// WebSocket keep-alive timing.
    pub heartbeat: Heartbeat,
    /// The process's own metrics (`GET /metrics`).
    pub telemetry: Arc<Telemetry>,
    /// Where webhooks may point (checked when one is created).
    pub webhooks: Arc<Policy>,
    /// Sources: secrets, templates, fetching, live poll results (see `crate::sources`).
    pub sources: Arc<crate::sources::Sources>,
}
