//! The one error type of the HTTP API, rendered as RFC 9457 `application/problem+json`.
//!
//! Client errors say exactly what is wrong. Server errors (500, 503) log the whole cause chain
//! and send only a generic message: internals never leak to clients.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use hub::actors::messages::IngestError;
use hub::store::StoreError;
use hub::{FieldError, ValidationErrors};
use persistence::error::error_text;
use persistence::PersistenceError;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request could not be understood (malformed JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// The request was understood but some values are not acceptable.
    #[error("{0}")]
    Validation(#[from] ValidationErrors),
    /// No valid access token.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated, but not allowed (e.g. an admin-only action).
    #[error("{0}")]
    Forbidden(&'static str),
    /// The resource does not exist, or belongs to someone else.
    #[error("{0}")]
    NotFound(String),
    /// The request conflicts with stored state (e.g. an email already registered).
    #[error("{0}")]
    Conflict(String),
    /// The body is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The path exists, but not for this method; `allow` lists the methods it answers.
    #[error("{detail}")]
    MethodNotAllowed { detail: String, allow: String },
    /// A WebSocket endpoint was called without the WebSocket upgrade.
    #[error("{0}")]
    UpgradeRequired(String),
    /// The assistant's ingestion buffer is full; the client should retry later.
    #[error("{detail}")]
    Busy {
        detail: String,
        retry_after_secs: u64,
    },
    /// The client made too many attempts of something expensive (password checks); retry after
    /// the given seconds.
    #[error("{detail}")]
    RateLimited {
        detail: String,
        retry_after_secs: u64,
    },
    /// Storage refused the samples for what they hold; the same request can never succeed.
    #[error("{0}")]
    Refused(String),
    /// The hub could not store the samples (storage down, or shutting down); retry later.
    #[error("{0}")]
    NotStored(String),
    /// A dependency (PostgreSQL, Redis) is unavailable right now; the client may retry. Only a
    /// [`StoreError::Unavailable`] (or a [`PersistenceError`] sorted as one) ends here.
    #[error("the service is temporarily unavailable, retry shortly")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A bug or an unexpected failure.
    #[error("internal server error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A total that does not fit the API's 64-bit integers: each assistant's day is capped below
    /// them (the `storable_limits` migration), but sums over many days or assistants may not be.
    pub fn too_large() -> Self {
        Self::Refused(
            "the totals of this answer are too large for 64-bit integers; ask for a shorter \
             range or fewer assistants"
                .into(),
        )
    }

    /// Wraps any unexpected failure as a 500.
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(error))
    }

    /// The `type` of the problem document: a stable identifier clients can branch on.
    fn problem_type(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "/problems/bad-request",
            Self::Validation(_) => "/problems/validation-error",
            Self::Unauthorized(_) => "/problems/unauthorized",
            Self::Forbidden(_) => "/problems/forbidden",
            Self::NotFound(_) => "/problems/not-found",
            Self::Conflict(_) => "/problems/conflict",
            Self::PayloadTooLarge(_) => "/problems/payload-too-large",
            Self::UnsupportedMediaType(_) => "/problems/unsupported-media-type",
            Self::UpgradeRequired(_) => "/problems/upgrade-required",
            Self::MethodNotAllowed { .. } => "/problems/method-not-allowed",
            Self::Busy { .. } => "/problems/busy",
            Self::Refused(_) => "/problems/refused",
            Self::RateLimited { .. } => "/problems/rate-limited",
            Self::NotStored(_) | Self::Unavailable(_) => "/problems/unavailable",
            Self::Internal(_) => "/problems/internal",
        }
    }
}

/// Storage failures, by what the client can do: retry (503), change the request (422), or
/// nothing (500, the cause logged, never sent). The sort itself is persistence's.
impl From<PersistenceError> for ApiError {
    fn from(error: PersistenceError) -> Self {
        if error.is_out_of_range() {
            return Self::too_large();
        }
        Self::stored(error.store_error(), Box::new(error))
    }
}

/// The hub's storage failures (e.g. of the live statistics), mapped like [`PersistenceError`].
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::stored(error.clone(), Box::new(error))
    }
}

impl ApiError {
    /// The answer to a storage failure sorted as `sorted`, keeping `cause` for the logs.
    fn stored(sorted: StoreError, cause: Box<dyn std::error::Error + Send + Sync>) -> Self {
        match sorted {
            StoreError::Unavailable { .. } => Self::Unavailable(cause),
            StoreError::Refused { detail } => Self::Refused(format!(
                "storage refused the request: {detail}; sending it again will not help"
            )),
            StoreError::Failed { .. } => Self::Internal(cause),
        }
    }
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        match error {
            IngestError::Busy { retry_after_secs } => Self::Busy {
                detail: error.to_string(),
                retry_after_secs,
            },
            IngestError::Unavailable | IngestError::ShuttingDown => {
                Self::NotStored(format!("nothing was stored: {error}"))
            }
            IngestError::Refused { .. } => Self::Refused(format!(
                "nothing of this request was stored: {error}; sending it again will not help"
            )),
            IngestError::Failed => Self::internal(error),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        PersistenceError::from(error).into()
    }
}

impl From<persistence::postgres::pool::PoolError> for ApiError {
    fn from(error: persistence::postgres::pool::PoolError) -> Self {
        PersistenceError::from(error).into()
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `/problems/validation-error`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary (the HTTP reason phrase).
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong, in words meant for the client.
    pub detail: String,
    /// Each invalid field, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<ProblemField>)]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a validation problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// Field name as sent by the client.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::Validation(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::UpgradeRequired(_) => StatusCode::UPGRADE_REQUIRED,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Busy { .. } | Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotStored(_) | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %error_text(self), "request failed");
        }
        let detail = match self {
            Self::Validation(errors) => format!("invalid input: {errors}"),
            other => other.to_string(),
        };
        let problem = Problem {
            problem_type: self.problem_type().to_owned(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                Self::Validation(errors) => errors.errors().to_vec(),
                _ => Vec::new(),
            },
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::MethodNotAllowed { allow, .. } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            Self::UpgradeRequired(_) => {
                response.insert_header((header::UPGRADE, "websocket"));
                response.insert_header((header::CONNECTION, "Upgrade"));
            }
            Self::Unavailable(_) | Self::NotStored(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::Busy {
                retry_after_secs, ..
            }
            | Self::RateLimited {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        let mut response = response.json(problem);
        // For the refusal counters of `/metrics` (crate::prometheus).
        response
            .extensions_mut()
            .insert(ProblemType(self.problem_type()));
        response
    }
}

/// The problem type of an error response, kept in the response's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType(pub &'static str);

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    /// Whether retrying can cure `error`: the one list a 503 must come from. The match is
    /// exhaustive, so a new variant cannot be added without deciding.
    fn transient(error: &IngestError) -> bool {
        match error {
            IngestError::Unavailable | IngestError::ShuttingDown => true,
            IngestError::Busy { .. } | IngestError::Refused { .. } | IngestError::Failed => false,
        }
    }

    fn database(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn only_transient_causes_answer_503_and_each_carries_retry_after() {
        let ingest = [
            IngestError::Unavailable,
            IngestError::ShuttingDown,
            IngestError::Busy {
                retry_after_secs: 2,
            },
            IngestError::Refused {
                detail: "value out of range".into(),
            },
            IngestError::Failed,
        ];
        for error in ingest {
            let retry = transient(&error);
            let api = ApiError::from(error.clone());
            let status = api.status_code();
            assert_eq!(
                status == StatusCode::SERVICE_UNAVAILABLE,
                retry,
                "{error:?}"
            );
            if retry {
                assert!(api
                    .error_response()
                    .headers()
                    .contains_key(header::RETRY_AFTER));
            }
        }
        // A query PostgreSQL answered with an error is not cured by waiting: never a 503.
        let answered = [
            DieselError::NotFound,
            database(DatabaseErrorKind::CheckViolation, "check failed"),
            database(DatabaseErrorKind::Unknown, "bigint out of range"),
            database(DatabaseErrorKind::Unknown, "column \"x\" does not exist"),
        ];
        for error in answered {
            let status = ApiError::from(error).status_code();
            assert_ne!(status, StatusCode::SERVICE_UNAVAILABLE);
        }
        assert_eq!(
            ApiError::from(IngestError::Refused { detail: "x".into() }).status_code(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    #[test]
    fn storage_failures_answer_503_422_or_500_by_their_sort() {
        let cases = [
            (
                database(
                    DatabaseErrorKind::Unknown,
                    "canceling statement due to statement timeout",
                ),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                database(DatabaseErrorKind::ClosedConnection, "connection closed"),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                database(
                    DatabaseErrorKind::CheckViolation,
                    "violates check constraint",
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                database(DatabaseErrorKind::Unknown, "bigint out of range"),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                database(DatabaseErrorKind::Unknown, "syntax error at or near"),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                DieselError::DeserializationError("unexpected null".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (error, status) in cases {
            let text = error.to_string();
            let api = ApiError::from(error);
            assert_eq!(api.status_code(), status, "{text}");
            if status.is_server_error() {
                // The cause reaches the logs, never the client.
                assert!(!api.to_string().contains(&text), "{text}");
                assert!(error_text(&api).contains(&text), "{text}");
            }
        }
        for (error, status) in [
            (
                StoreError::unavailable("down"),
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (StoreError::refused("no"), StatusCode::UNPROCESSABLE_ENTITY),
            (StoreError::failed("bug"), StatusCode::INTERNAL_SERVER_ERROR),
        ] {
            assert_eq!(ApiError::from(error).status_code(), status);
        }
    }
}
