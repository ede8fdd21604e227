//! Typed API errors. The hub answers every failure with an RFC 9457 problem document
//! (`{type, title, status, detail, errors}`); pages need to tell apart "log in again" (401),
//! "not there" (404, also what a missing endpoint answers), bad input (400 with per-field
//! messages), conflicts, overload (429/503) and network failures.

use serde::Deserialize;

/// One invalid field of a 400 answer.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
struct Problem {
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

/// Why an API call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an answer (hub down, network gone).
    #[error("cannot reach the hub: {0}")]
    Network(String),
    /// 401: not logged in, session expired, or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 404: missing, not yours, or an endpoint this hub does not have yet.
    #[error("{0}")]
    NotFound(String),
    /// 400: the input was refused; `fields` says which parts.
    #[error("{detail}")]
    Invalid {
        detail: String,
        fields: Vec<FieldError>,
    },
    /// 409: e.g. email already registered, assistant name taken.
    #[error("{0}")]
    Conflict(String),
    /// 429 or 503: try again later.
    #[error("the hub is busy or its database is unreachable; try again shortly ({0})")]
    Unavailable(String),
    /// Any other failure status.
    #[error("the hub answered {status}: {detail}")]
    Status { status: u16, detail: String },
    /// The answer was not what the API documents.
    #[error("unexpected answer from the hub: {0}")]
    Decode(String),
}

impl ApiError {
    /// Builds the error for a failed answer from its status and body text.
    pub fn from_response(status: u16, body: &str) -> Self {
        let problem: Problem = serde_json::from_str(body).unwrap_or_default();
        let present = |s: Option<String>| s.filter(|d| !d.trim().is_empty());
        let detail = present(problem.detail)
            .or(present(problem.title))
            .unwrap_or_else(|| default_detail(status).to_owned());
        match status {
            400 | 413 | 415 | 422 => Self::Invalid {
                detail,
                fields: problem.errors,
            },
            401 => Self::Unauthorized(detail),
            404 => Self::NotFound(detail),
            409 => Self::Conflict(detail),
            429 | 503 => Self::Unavailable(detail),
            _ => Self::Status { status, detail },
        }
    }

    /// Whether the session is no longer valid (the page should send the user to log in).
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Unauthorized(_))
    }

    /// The message for a given form field, if the server named it.
    pub fn field(&self, name: &str) -> Option<&str> {
        match self {
            Self::Invalid { fields, .. } => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.as_str()),
            _ => None,
        }
    }
}

fn default_detail(status: u16) -> &'static str {
    match status {
        400 => "the request was refused",
        401 => "please log in",
        404 => "not found",
        409 => "conflict",
        429 => "too many requests",
        500 => "internal error",
        502 | 504 => "the hub is unreachable",
        503 => "service unavailable",
        _ => "request failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_documents_become_typed_errors() {
        let e = ApiError::from_response(
            400,
            r#"{"type":"/problems/validation-error","title":"Bad Request","status":400,
                "detail":"invalid input: password: must be at least 8 characters",
                "errors":[{"field":"password","message":"must be at least 8 characters"}]}"#,
        );
        assert_eq!(e.field("password"), Some("must be at least 8 characters"));
        assert_eq!(e.field("email"), None);
        assert_eq!(
            e.to_string(),
            "invalid input: password: must be at least 8 characters"
        );

        let e = ApiError::from_response(
            401,
            r#"{"type":"/problems/unauthorized","title":"Unauthorized","status":401,"detail":"wrong email or password"}"#,
        );
        assert_eq!(
            e,
            ApiError::Unauthorized("wrong email or password".to_owned())
        );
        assert!(e.is_unauthorized());

        assert!(matches!(
            ApiError::from_response(409, r#"{"detail":"ada@example.com is already registered"}"#),
            ApiError::Conflict(d) if d.contains("already registered")
        ));
        assert!(matches!(
            ApiError::from_response(503, r#"{"detail":"database unreachable"}"#),
            ApiError::Unavailable(_)
        ));
    }

    #[test]
    fn bodies_that_are_not_problems_still_give_a_message() {
        assert_eq!(
            ApiError::from_response(404, "<html>nope</html>"),
            ApiError::NotFound("not found".to_owned())
        );
        assert_eq!(
            ApiError::from_response(502, ""),
            ApiError::Status {
                status: 502,
                detail: "the hub is unreachable".to_owned()
            }
        );
        assert_eq!(
            ApiError::from_response(500, r#"{"title":"Internal Server Error","detail":"  "}"#)
                .to_string(),
            "the hub answered 500: Internal Server Error"
        );
    }
}
