//! The users table of `/admin`: a search over email and name, pages of
//! [`USERS_PAGE`](crate::api::admin::USERS_PAGE) users with "Previous" / "Next", and one
//! [`UserRow`] per user; or the loading, empty and error states.

use protocol::admin::AdminUsersPage;
use yew::prelude::*;

use super::user_row::UserRow;
use crate::api::admin::USERS_PAGE;
use crate::components::{Empty, ErrorBox, Loading};
use crate::hooks::{use_api, use_text_input, Loadable};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct UsersProps {
    pub session: Session,
}

/// Search, table and paging.
#[component]
pub fn UsersSection(props: &UsersProps) -> Html {
    let typed = use_text_input(String::new);
    let search = use_state(String::new);
    let offset = use_state(|| 0_i64);
    let page = use_api(
        (props.session.clone(), (*search).clone(), *offset),
        |(s, search, offset)| async move { s.api().admin_users(&search, offset).await },
    );
    let onsubmit = {
        let (typed, search, offset) = (typed.clone(), search.clone(), offset.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            search.set(typed.trimmed());
            offset.set(0);
        })
    };
    let go = |to: i64| {
        let offset = offset.clone();
        Callback::from(move |_| offset.set(to.max(0)))
    };
    html! {
        <section class="card admin-users" aria-label="Users">
            <div class="card-head">
                <h2>{ "Users" }</h2>
                <form class="inline-form" role="search" {onsubmit}>
                    <input type="search" aria-label="Search users by email or name" placeholder="Email or name"
                           value={typed.value()} oninput={typed.oninput.clone()} data-testid="user-search" />
                    <button class="button" type="submit">{ "Search" }</button>
                </form>
            </div>
            <UsersTable session={props.session.clone()} page={page.state.clone()} reload={page.reload.clone()} />
            if let Some(p) = page.state.data.as_deref() {
                <Paging page={p.clone()} previous={go(p.offset - USERS_PAGE)} next={go(p.offset + USERS_PAGE)} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    session: Session,
    page: Loadable<AdminUsersPage>,
    reload: Callback<()>,
}

#[component]
fn UsersTable(props: &TableProps) -> Html {
    match (&props.page.data, &props.page.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="The users are unavailable" error={error.clone()} retry={props.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading users…" /> },
        (Some(page), _) if page.users.is_empty() => html! {
            <Empty title="No user matches"><p>{ "Search for part of an email address or a name." }</p></Empty>
        },
        (Some(page), _) => html! {
            <div class="table-wrap">
                <table class="table" data-testid="users">
                    <thead><tr>
                        <th>{ "User" }</th><th>{ "Role" }</th><th>{ "Status" }</th><th>{ "Assistants" }</th>
                        <th>{ "Calls" }</th><th>{ "Spend" }</th><th>{ "Actions" }</th>
                    </tr></thead>
                    { for page.users.iter().map(|u| html! {
                        <UserRow key={u.id} user={u.clone()} session={props.session.clone()} reload={props.reload.clone()} />
                    }) }
                </table>
            </div>
        },
    }
}

#[derive(Properties, PartialEq)]
struct PagingProps {
    page: AdminUsersPage,
    previous: Callback<MouseEvent>,
    next: Callback<MouseEvent>,
}

/// "21–40 of 53" with the buttons that make sense.
#[component]
fn Paging(props: &PagingProps) -> Html {
    let p = &props.page;
    let shown = i64::try_from(p.users.len()).unwrap_or(0);
    let first = if shown == 0 { 0 } else { p.offset + 1 };
    html! {
        <div class="paging" data-testid="users-paging">
            <span class="muted">{ format!("{first}–{} of {}", p.offset + shown, p.total) }</span>
            <button class="button button-quiet" type="button" disabled={p.offset == 0} onclick={props.previous.clone()}>{ "Previous" }</button>
            <button class="button button-quiet" type="button" disabled={p.offset + shown >= p.total} onclick={props.next.clone()}>{ "Next" }</button>
        </div>
    }
}
