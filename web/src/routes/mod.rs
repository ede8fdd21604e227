//! The HTTP surface: one module per resource, wired together by [`configure`].

pub mod accounts;
pub mod admin;
pub mod alert_rules;
pub mod analytics;
pub mod assistant_edits;
pub mod assistants;
pub mod budgets;
pub mod compat;
pub mod dashboard;
pub mod events;
pub mod export;
pub mod fallback;
pub mod health;
pub mod keys;
pub mod metrics;
pub mod openapi;
pub mod prices;
pub mod runs;
pub mod sessions;
pub mod sources;
pub mod stats;
pub mod webhooks;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, HttpRequest};

use crate::error::ApiError;

/// Prefix of every API route.
pub const API_PREFIX: &str = "/api/v1";

/// Registers every route, and the extractor settings that turn bad input into problem documents.
/// The app must also be wrapped in [`fallback::reject_undocumented_methods`] (405s).
pub fn configure(
    max_json_bytes: usize,
    dashboard_dir: std::path::PathBuf,
) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(fallback::RouteTable::of_api()))
            .app_data(
                web::JsonConfig::default()
                    .limit(max_json_bytes)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .configure(health::configure)
            .configure(crate::otlp::configure)
            .configure(crate::prometheus::configure)
            .service(
                web::scope(API_PREFIX)
                    .configure(accounts::configure)
                    .configure(assistants::configure)
                    .configure(assistant_edits::configure)
                    .configure(admin::configure)
                    .configure(metrics::configure)
                    .configure(events::configure)
                    .configure(keys::configure)
                    .configure(stats::configure)
                    .configure(runs::configure)
                    .configure(export::configure)
                    .configure(analytics::configure)
                    .configure(budgets::configure)
                    .configure(webhooks::configure)
                    .configure(alert_rules::configure)
                    .configure(prices::configure)
                    .configure(sessions::configure)
                    .configure(sources::configure)
                    .configure(compat::configure)
                    .configure(crate::ws::configure)
                    .configure(openapi::configure)
                    .default_service(web::to(fallback::fallback)),
            )
            .configure(dashboard::configure(dashboard_dir))
            .default_service(web::to(fallback::fallback));
    }
}

fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::PayloadTooLarge(
            format!("the body has {length} bytes; at most {limit} are accepted"),
        ),
        JsonPayloadError::Overflow { limit } => {
            ApiError::PayloadTooLarge(format!("the body is larger than {limit} bytes"))
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            "expected a JSON body with `Content-Type: application/json`".into(),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::BadRequest(format!("malformed JSON: {e}")),
        other => ApiError::BadRequest(format!("unreadable body: {other}")),
    }
    .into()
}

fn query_error(error: QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let detail = match &error {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::BadRequest(format!("invalid query string: {detail}")).into()
}

fn path_error(_: PathError, req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound(format!("{} not found", req.path())).into()
}
