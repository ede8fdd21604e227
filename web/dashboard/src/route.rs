//! Where the dashboard can go: the [`Route`] enum and the two ways pages navigate with a query
//! string. Its own module so that pages, components and hooks link and redirect without
//! importing the app root (`app.rs`, which only maps each route to its page).

use serde::Serialize;
use yew_router::prelude::*;

use crate::filters::{query_pairs, safe_next};

/// Every page of the dashboard. The hub answers `index.html` for any non-API path, so each of
/// these survives a reload and can be shared as a link.
#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Overview,
    #[at("/login")]
    Login,
    #[at("/register")]
    Register,
    #[at("/assistants/new")]
    NewAssistant,
    #[at("/assistants/:id")]
    Assistant { id: i64 },
    #[at("/assistants/:id/keys")]
    Keys { id: i64 },
    #[at("/analytics")]
    Analytics,
    #[at("/costs")]
    Costs,
    #[at("/runs")]
    Runs,
    #[at("/wall")]
    Wall,
    #[at("/budgets")]
    Budgets,
    #[at("/alerts")]
    Alerts,
    #[at("/prices")]
    Prices,
    #[at("/admin")]
    Admin,
    /// The Metrics area (sources and their charts). Not `/metrics`: the hub serves its
    /// Prometheus endpoint there, so a reload of that path would never reach the dashboard.
    #[at("/sources")]
    Metrics,
    #[not_found]
    #[at("/404")]
    NotFound,
}

/// Goes to `route` with `pairs` as its query string; without pairs, or if they cannot be
/// encoded, to the bare route.
pub fn push_with_query<K, V>(navigator: &Navigator, route: &Route, pairs: &[(K, V)])
where
    K: Serialize,
    V: Serialize,
{
    if pairs.is_empty() || navigator.push_with_query(route, pairs).is_err() {
        navigator.push(route);
    }
}

/// Goes to a local path with its query (e.g. a `next=` target), or to the overview.
pub fn go_to(navigator: &Navigator, target: Option<&str>) {
    let target = safe_next(target);
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let route = Route::recognize(path).unwrap_or(Route::Overview);
    push_with_query(navigator, &route, &query_pairs(query));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_routes() {
        assert_eq!(Route::recognize("/"), Some(Route::Overview));
        assert_eq!(
            Route::recognize("/assistants/7/keys"),
            Some(Route::Keys { id: 7 })
        );
        assert_eq!(
            Route::recognize("/assistants/new"),
            Some(Route::NewAssistant)
        );
        assert_eq!(Route::Assistant { id: 3 }.to_path(), "/assistants/3");
        assert_eq!(Route::recognize("/budgets"), Some(Route::Budgets));
        assert_eq!(Route::recognize("/alerts"), Some(Route::Alerts));
        assert_eq!(Route::recognize("/prices"), Some(Route::Prices));
        assert_eq!(Route::recognize("/admin"), Some(Route::Admin));
        assert_eq!(Route::recognize("/sources"), Some(Route::Metrics));
        assert_eq!(Route::recognize("/metrics"), Some(Route::NotFound));
    }
}
