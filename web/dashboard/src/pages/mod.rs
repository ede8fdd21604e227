//! One module per page (see `app::Route`). Pages that need a session render a small guard
//! component first and the real page (with its hooks) only once a session exists.

mod board;
mod create_assistant;
mod detail;
mod keys;
mod login;
mod not_found;
mod overview;
mod register;
mod wall;

pub use create_assistant::CreateAssistant;
pub use detail::AssistantDetail;
pub use keys::KeysPage;
pub use login::Login;
pub use not_found::NotFound;
pub use overview::Overview;
pub use register::Register;
pub use wall::Wall;

use yew_router::prelude::Navigator;

use crate::app::Route;
use crate::filters::{query_pairs, safe_next};
use yew_router::Routable;

/// Goes to a local path with its query (e.g. a `next=` target), or to the overview.
pub(crate) fn go_to(navigator: &Navigator, target: Option<&str>) {
    let target = safe_next(target);
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let route = Route::recognize(path).unwrap_or(Route::Overview);
    let pairs = query_pairs(query);
    if pairs.is_empty() || navigator.push_with_query(&route, &pairs).is_err() {
        navigator.push(&route);
    }
}
