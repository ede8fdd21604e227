//! What the router answers when no route matches a request: `405 Method Not Allowed` with an
//! `Allow` header when the path exists for other methods, `404 Not Found` otherwise, both as
//! problem documents. Which methods a path has comes from the OpenAPI document, which covers
//! every route (`tests/api/openapi.rs` checks that), so the two cannot disagree.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa::openapi::path::PathItem;
use utoipa::OpenApi;

use crate::error::ApiError;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `{name}`: any non-empty segment.
    Param,
}

/// Every documented path template and its methods.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(String, Vec<Segment>, Vec<&'static str>)>,
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}

fn methods_of(item: &PathItem) -> Vec<&'static str> {
    [
        ("GET", item.get.is_some()),
        ("HEAD", item.head.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
        ("OPTIONS", item.options.is_some()),
        ("TRACE", item.trace.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}

impl RouteTable {
    /// The routes of the API's OpenAPI document.
    pub fn of_api() -> Self {
        Self::from_doc(&super::openapi::ApiDoc::openapi())
    }

    /// The routes of `doc`.
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let template = segments(path)
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Param
                        } else {
                            Segment::Literal(s.to_owned())
                        }
                    })
                    .collect();
                (path.clone(), template, methods_of(item))
            })
            .collect();
        Self { routes }
    }

    /// The methods the document gives the path template `path` belongs to (sorted, no
    /// duplicates); empty when no template matches. The most specific templates win:
    /// `/budgets/alerts` is `GET` only, although `/budgets/{id}` would match it too.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let wanted: Vec<&str> = segments(path).collect();
        let matching: Vec<_> = self
            .routes
            .iter()
            .filter(|(_, template, _)| {
                template.len() == wanted.len()
                    && template.iter().zip(&wanted).all(|(t, w)| match t {
                        Segment::Literal(l) => l == w,
                        Segment::Param => !w.is_empty(),
                    })
            })
            .collect();
        let params =
            |template: &[Segment]| template.iter().filter(|s| **s == Segment::Param).count();
        let fewest = matching.iter().map(|(_, t, _)| params(t)).min();
        let mut methods: Vec<&'static str> = matching
            .iter()
            .filter(|(_, t, _)| Some(params(t)) == fewest)
            .flat_map(|(_, _, methods)| methods.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// Middleware answering 405 to every request whose path is documented but whose method is not,
/// before routing: the router alone would not, since a request like `DELETE /budgets/alerts`
/// matches `DELETE /budgets/{id}` and would reach its handler, although the document gives
/// `/budgets/alerts` only `GET`. Without a [`RouteTable`] in the app data it lets everything
/// through.
pub async fn reject_undocumented_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let allowed = req
        .app_data::<web::Data<RouteTable>>()
        .map(|table| table.allowed(req.path()))
        .unwrap_or_default();
    if allowed.is_empty() || allowed.contains(&req.method().as_str()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let allow = allowed.join(", ");
    let error = ApiError::MethodNotAllowed {
        detail: format!(
            "{} does not answer {}; it answers {allow}",
            req.path(),
            req.method()
        ),
        allow,
    };
    let (request, _) = req.into_parts();
    Ok(ServiceResponse::new(request, error.error_response()).map_into_right_body())
}

/// The answer to a request no route matched.
pub async fn fallback(
    req: HttpRequest,
    table: Option<web::Data<RouteTable>>,
) -> Result<HttpResponse, ApiError> {
    let allowed = table.map(|t| t.allowed(req.path())).unwrap_or_default();
    if allowed.is_empty() {
        return Err(ApiError::NotFound(format!(
            "no route for {} {}",
            req.method(),
            req.path()
        )));
    }
    let allow = allowed.join(", ");
    Err(ApiError::MethodNotAllowed {
        detail: format!(
            "{} does not answer {}; it answers {allow}",
            req.path(),
            req.method()
        ),
        allow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_whole_segments() {
        let table = RouteTable::of_api();
        assert_eq!(table.allowed("/api/v1/budgets"), vec!["GET", "POST"]);
        // `/budgets/alerts` would also be `/budgets/{id}`: the literal template wins.
        assert_eq!(table.allowed("/api/v1/budgets/alerts"), vec!["GET"]);
        assert_eq!(table.allowed("/api/v1/budgets/12"), vec!["DELETE", "PATCH"]);
        assert_eq!(
            table.allowed("/api/v1/assistants/7/metrics"),
            vec!["GET", "POST"]
        );
        assert!(table.allowed("/api/v1/assistants//metrics").is_empty());
        assert!(table.allowed("/api/v1/budgets/").is_empty());
        assert!(table.allowed("/api/v1/nothing").is_empty());
        assert_eq!(table.allowed("/healthz"), vec!["GET"]);
    }
}
