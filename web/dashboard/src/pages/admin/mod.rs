//! `/admin`, for administrators: the users (search, pages, role, disable / enable, and each
//! user's assistants to edit or delete) and the storage per table with "Run cleanup now".
//! The nav links here only for administrators; anyone else who comes is told so (and the hub
//! answers 403 to every call of this page anyway).
//!
//! The page composes [`users`] (the table and its paging), [`user_row`] (one user, their
//! actions and assistants) and [`storage`].

mod storage;
mod user_row;
mod users;

use yew::prelude::*;

use crate::components::{Empty, Loading, Nav};
use crate::hooks::use_require_session;
use crate::session::Session;
use storage::StorageSection;
use users::UsersSection;

/// The admin page (guard).
#[component]
pub fn AdminPage() -> Html {
    match use_require_session() {
        Some(session) => html! { <Admin {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn Admin(props: &PageProps) -> Html {
    let content = if props.session.is_admin() {
        html! {
            <>
                <UsersSection session={props.session.clone()} />
                <StorageSection session={props.session.clone()} />
            </>
        }
    } else {
        html! {
            <Empty title="Administrators only">
                <p>{ "This page manages users and storage. An administrator can give you the role; on a new hub, \
                      the first one is created with `metrics-hub admin create --email …`." }</p>
            </Empty>
        }
    };
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head"><h1>{ "Administration" }</h1></div>
                { content }
            </main>
        </>
    }
}
