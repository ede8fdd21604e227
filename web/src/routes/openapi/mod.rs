//! The OpenAPI document of every endpoint, served at `/api/v1/openapi.json`.

pub mod responses;
pub mod schemas;

use std::collections::{BTreeMap, BTreeSet};

use actix_web::{get, web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::{
    accounts, admin, alert_rules, analytics, assistant_edits, assistants, budgets, compat, events,
    export, health, keys, metrics, prices, runs, sessions, sources, stats, webhooks,
};
use crate::error::{Problem, ProblemField};

/// The whole API description: probes at the root, everything else nested under `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "metrics-hub",
        description = "Realtime usage metrics for LLM assistants. Errors are RFC 9457 \
            `application/problem+json` documents. A path called with a method it does not \
            document answers 405 Method Not Allowed with an `Allow` header listing the methods \
            it answers; an unknown path answers 404. The WebSocket endpoints (`/api/v1/ws/*`) \
            answer 426 Upgrade Required to a request without `Upgrade: websocket`."
    ),
    paths(health::healthz, health::readyz),
    nest((path = "/api/v1", api = V1Api)),
    components(schemas(Problem, ProblemField)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Register and log in"),
        (name = "assistants", description = "The assistants you track"),
        (name = "metrics", description = "Daily usage, ranges, rolling averages and totals"),
        (name = "events", description = "Per-call usage ingestion (see docs/streaming.md)"),
        (name = "analytics", description = "Dashboard payload, summary KPIs and time series (see docs/analytics.md)"),
        (name = "budgets", description = "Spending limits and their alerts"),
        (name = "alerts", description = "Error-rate and latency alert rules and their firings (see docs/alerts.md)"),
        (name = "webhooks", description = "Webhooks alerts are POSTed to, signed, and their deliveries (see docs/alerts.md)"),
        (name = "prices", description = "Versioned model prices (tokens to cost)"),
        (name = "keys", description = "Ingestion API keys for machine clients (`X-Api-Key`)"),
        (name = "runs", description = "Individual calls: list, models, CSV/JSON export"),
        (name = "sessions", description = "Active sessions and session history (see docs/streaming.md)"),
        (name = "compat", description = "The seed documents' dashboard payloads (see docs/compat.md)"),
        (name = "sources", description = "Metrics pulled on a schedule from external APIs: templates, connections, sources, transformers, widgets (see docs/sources.md)"),
        (name = "live", description = "WebSockets: live statistics (see docs/streaming.md)"),
        (name = "admin", description = "Administrators only: users, storage, retention (see docs/admin.md)"),
        (name = "health", description = "Liveness, readiness and this document"),
    )
)]
pub struct ApiDoc;

/// Declares [`V1Api`], the handlers mounted under `/api/v1`, and [`v1_schemas`], the schemas
/// those handlers reference, from one list: `paths(...)` must list every handler.
macro_rules! v1_api {
    ($($($segment:ident)::+),* $(,)?) => {
        #[derive(OpenApi)]
        #[openapi(paths($($($segment)::+),*))]
        struct V1Api;

        /// Every (name, schema) pair the `/api/v1` handlers register, duplicates included.
        fn v1_schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            $(<$($segment)::+ as utoipa::__dev::SchemaReferences>::schemas(schemas);)*
        }
    };
}

v1_api!(
    accounts::register,
    accounts::login,
    assistants::create_assistant,
    assistants::list_assistants,
    assistants::get_assistant,
    assistant_edits::update_assistant,
    assistant_edits::deletion_preview,
    assistant_edits::delete_assistant,
    admin::users::list_users,
    admin::users::update_user,
    admin::storage::storage_view,
    admin::storage::run_cleanup,
    metrics::post_daily_metrics,
    metrics::daily_metrics,
    metrics::rolling_average,
    metrics::summary,
    metrics::totals,
    events::post_events,
    stats::stats,
    runs::list_runs,
    runs::list_models,
    export::export,
    export::export_daily,
    export::create_link,
    export::download,
    analytics::dashboard,
    analytics::summary,
    analytics::timeseries,
    budgets::create_budget,
    budgets::list_budgets,
    budgets::update_budget,
    budgets::delete_budget,
    budgets::list_alerts,
    alert_rules::create_rule,
    alert_rules::list_rules,
    alert_rules::update_rule,
    alert_rules::delete_rule,
    alert_rules::list_rule_alerts,
    webhooks::create_webhook,
    webhooks::list_webhooks,
    webhooks::rotate_secret,
    webhooks::delete_webhook,
    webhooks::list_deliveries,
    prices::list_prices,
    prices::add_price,
    prices::overrides::list_overrides,
    prices::overrides::add_override,
    prices::overrides::delete_override,
    keys::create_key,
    keys::list_keys,
    keys::revoke_key,
    sessions::live_sessions,
    sessions::session_history,
    sources::templates::list_templates,
    sources::polling::create_source,
    sources::polling::refresh_source,
    sources::transformers::list_transformers,
    sources::transformers::get_transformer,
    sources::transformers::preview_transformer,
    sources::transformers::write_transformer,
    sources::instances::list_sources,
    sources::instances::get_source,
    sources::instances::update_source,
    sources::instances::delete_source,
    sources::instances::source_points,
    sources::connections::create_connection,
    sources::connections::list_connections,
    sources::connections::update_connection,
    sources::connections::delete_connection,
    sources::widgets::create_widget,
    sources::widgets::list_widgets,
    sources::widgets::update_widget,
    sources::widgets::delete_widget,
    sources::widgets::widget_chart,
    compat::seed_dashboard,
    compat::telemetry,
    crate::ws::live::live,
    crate::ws::ingest::ingest,
    openapi_json,
);

/// Schema names used by two different schemas. `OpenApi::openapi()` keeps one of them
/// silently, so every `$ref` to the name means the one kept, and clients decoding the other
/// type's responses fail: this list must stay empty.
pub fn schema_name_clashes() -> Vec<String> {
    let mut schemas = Vec::new();
    v1_schemas(&mut schemas);
    <health::healthz as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);
    <health::readyz as utoipa::__dev::SchemaReferences>::schemas(&mut schemas);
    for (name, schema) in [
        (Problem::name(), Problem::schema()),
        (ProblemField::name(), ProblemField::schema()),
    ] {
        schemas.push((name.into_owned(), schema));
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut clashes = BTreeSet::new();
    for (name, schema) in schemas {
        let text = serde_json::to_string(&schema).unwrap_or_default();
        match seen.get(&name) {
            Some(first) if *first != text => {
                clashes.insert(name);
            }
            Some(_) => {}
            None => {
                seen.insert(name, text);
            }
        }
    }
    clashes.into_iter().collect()
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "Ingestion key of one assistant (POST /api/v1/assistants/{id}/keys)",
            ))),
        );
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(openapi_json);
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/openapi.json")]
#[tracing::instrument(skip_all)]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
