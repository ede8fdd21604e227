//! Session access for pages: [`use_session`] reads it, [`use_require_session`] also sends a
//! visitor without one to the login page, remembering where they wanted to go.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::session::{Session, SessionContext};

/// The current session, if any.
#[hook]
pub fn use_session() -> Option<Session> {
    use_context::<SessionContext>().and_then(|c| c.session)
}

/// The current session; without one, redirects to `/login?next=<this page>` and returns `None`.
#[hook]
pub fn use_require_session() -> Option<Session> {
    let session = use_session();
    let navigator = use_navigator();
    let location = use_location();
    let missing = session.is_none();
    use_effect_with(missing, move |missing| {
        if *missing {
            if let Some(navigator) = navigator {
                let next = location
                    .map(|l| format!("{}{}", l.path(), l.query_str()))
                    .unwrap_or_else(|| "/".to_owned());
                let query = vec![("next", next)];
                if navigator.replace_with_query(&Route::Login, &query).is_err() {
                    navigator.replace(&Route::Login);
                }
            }
        }
    });
    session
}
