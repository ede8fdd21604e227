//! The error answers of the API, declared once for the OpenAPI document (STYLE.md item 19).
//!
//! Every problem response is an `application/problem+json` [`Problem`](crate::error::Problem);
//! each type here is one status (or one set that always comes together, like the errors of a
//! JSON body) and is listed by the paths that can answer it:
//! `responses((status = 200, body = X), JsonBodyErrors, Unauthorized, NotFound)`.

use std::collections::BTreeMap;

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{
    ContentBuilder, Object, Ref, RefOr, Response, ResponseBuilder, Schema, Type,
};
use utoipa::IntoResponses;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

fn header(schema: Type, description: &str) -> utoipa::openapi::header::Header {
    HeaderBuilder::new()
        .schema(Schema::Object(Object::with_type(schema)))
        .description(Some(description))
        .build()
}

fn retry_after(response: ResponseBuilder) -> ResponseBuilder {
    response.header(
        "Retry-After",
        header(Type::Integer, "Seconds to wait before retrying"),
    )
}

fn one(status: u16, response: ResponseBuilder) -> BTreeMap<String, RefOr<Response>> {
    BTreeMap::from([(status.to_string(), RefOr::T(response.build()))])
}

macro_rules! problem_response {
    ($(#[$doc:meta])* $name:ident, $status:literal, $description:literal $(, $extra:path)?) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                let response = problem($description);
                $(let response = $extra(response);)?
                one($status, response)
            }
        }
    };
}

problem_response!(
    /// 400: malformed input or values out of range.
    BadRequest,
    400,
    "Malformed input (`/problems/bad-request`) or values out of range \
     (`/problems/validation-error`, `errors` lists every bad field)"
);
problem_response!(
    /// 401: no valid credentials.
    Unauthorized,
    401,
    "Missing, invalid or expired credentials",
    www_authenticate
);
problem_response!(
    /// 403: authenticated but not allowed.
    Forbidden,
    403,
    "Not allowed (an admin-only action)"
);
problem_response!(
    /// 404: missing, or someone else's.
    NotFound,
    404,
    "The resource does not exist or is not yours"
);
problem_response!(
    /// 409: conflicts with stored state.
    Conflict,
    409,
    "Conflicts with stored state (already registered, name already used, too many)"
);
problem_response!(
    /// 422: the database refused the request for what it holds; resending cannot help.
    Refused,
    422,
    "Refused for what it holds (`/problems/refused`): it would take one of an assistant's \
     counters for a UTC day past 2^59 (nothing was stored), or the answer's totals do not fit \
     64-bit integers (ask for a shorter range or fewer assistants). Sending it again will not help"
);
problem_response!(
    /// 426: a WebSocket endpoint called without the WebSocket upgrade.
    UpgradeRequired,
    426,
    "Not a WebSocket handshake: this endpoint only speaks WebSocket (`Upgrade: websocket`)",
    upgrade_websocket
);
problem_response!(
    /// 429: retry later.
    TooManyRequests,
    429,
    "Too many requests (a full ingestion buffer, or too many attempts); retry after \
     `Retry-After` seconds",
    retry_after
);
problem_response!(
    /// 503: PostgreSQL unreachable, nothing stored.
    Unavailable,
    503,
    "PostgreSQL is unreachable; nothing was stored; retry after `Retry-After` seconds",
    retry_after
);

fn www_authenticate(response: ResponseBuilder) -> ResponseBuilder {
    response.header("WWW-Authenticate", header(Type::String, "`Bearer`"))
}

fn upgrade_websocket(response: ResponseBuilder) -> ResponseBuilder {
    response.header("Upgrade", header(Type::String, "`websocket`"))
}

/// 400, 413 and 415: what any route reading a JSON body may answer before its handler runs.
pub struct JsonBodyErrors;

impl IntoResponses for JsonBodyErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut responses = BadRequest::responses();
        responses.extend(one(
            413,
            problem("The body is larger than the server accepts"),
        ));
        responses.extend(one(
            415,
            problem("The body's `Content-Type` is not one this route reads (`application/json`)"),
        ));
        responses
    }
}
