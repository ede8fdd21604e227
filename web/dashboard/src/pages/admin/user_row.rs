//! One user of the admin table: who, role, status, what they own and spent, and the actions
//! (make admin / make user, disable / enable, show their assistants to edit or delete them).
//! An administrator's own row offers no demotion or disabling (the hub refuses both).

use protocol::admin::{AdminUser, UpdateUser};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;
use crate::components::{AssistantDelete, AssistantEdit, ErrorBox, Loading};
use crate::format;
use crate::hooks::use_api;
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct RowProps {
    pub user: AdminUser,
    pub session: Session,
    /// Loads the users page again (after a change).
    pub reload: Callback<()>,
}

/// The user's row (a `<tbody>`: the assistants open in a second row).
#[component]
pub fn UserRow(props: &RowProps) -> Html {
    let error = use_state(|| None::<ApiError>);
    let open = use_state(|| false);
    let u = &props.user;
    let change = |update: UpdateUser| {
        let (session, reload, error, id) = (
            props.session.clone(),
            props.reload.clone(),
            error.clone(),
            u.id,
        );
        Callback::from(move |_| {
            let (session, reload, error, update) = (
                session.clone(),
                reload.clone(),
                error.clone(),
                update.clone(),
            );
            error.set(None);
            spawn_local(async move {
                match session.api().update_user(id, &update).await {
                    Ok(_) => reload.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let is_admin = u.role == "admin";
    let myself = u.id == props.session.user_id;
    let role = change(UpdateUser {
        role: Some(if is_admin { "user" } else { "admin" }.to_owned()),
        disabled: None,
    });
    let status = change(UpdateUser {
        role: None,
        disabled: Some(!u.disabled),
    });
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <tbody data-testid="user" data-email={u.email.clone()} data-disabled={u.disabled.to_string()}>
            <tr>
                <th scope="row">{ u.email.clone() }if let Some(n) = &u.name { <div class="muted">{ n.clone() }</div> }</th>
                <td><span class="badge">{ u.role.clone() }</span></td>
                <td data-testid="user-status">{ if u.disabled { html!{ <span class="badge badge-error">{ "disabled" }</span> } } else { html!{ "active" } } }</td>
                <td>{ format::count(u.assistants) }</td>
                <td>{ format::count(u.calls) }</td>
                <td>{ format::usd(u.spend) }</td>
                <td><div class="row-actions">
                    if !myself {
                        <button class="button button-quiet" type="button" onclick={role}>{ if is_admin { "Make user" } else { "Make admin" } }</button>
                        <button class={if u.disabled { "button" } else { "button button-danger" }} type="button" onclick={status}>
                            { if u.disabled { "Enable" } else { "Disable" } }
                        </button>
                    }
                    <button class="button button-quiet" type="button" onclick={toggle} aria-expanded={open.to_string()}>{ "Assistants" }</button>
                </div>
                if let Some(e) = &*error { <p class="form-error" role="alert">{ explain(e) }</p> }
                </td>
            </tr>
            if *open {
                <tr><td colspan="7"><UserAssistants session={props.session.clone()} user_id={u.id} on_change={props.reload.clone()} /></td></tr>
            }
        </tbody>
    }
}

#[derive(Properties, PartialEq)]
struct AssistantsProps {
    session: Session,
    user_id: i64,
    /// An assistant changed or went (the users page's counts change).
    on_change: Callback<()>,
}

/// The user's assistants, each to edit or delete.
#[component]
fn UserAssistants(props: &AssistantsProps) -> Html {
    let list = use_api(
        (props.session.clone(), props.user_id),
        |(s, id)| async move { s.api().assistants(id).await },
    );
    let changed = {
        let (reload, on_change) = (list.reload.clone(), props.on_change.clone());
        Callback::from(move |()| {
            reload.emit(());
            on_change.emit(());
        })
    };
    match (&list.state.data, &list.state.error) {
        (None, Some(error)) => {
            html! { <ErrorBox title="Their assistants are unavailable" error={error.clone()} retry={list.reload.clone()} /> }
        }
        (None, None) => html! { <Loading label="Loading assistants…" /> },
        (Some(items), _) if items.is_empty() => html! { <p class="muted">{ "No assistants." }</p> },
        (Some(items), _) => html! {
            <div class="admin-assistants">
                { for items.iter().map(|a| {
                    let saved = { let changed = changed.clone(); Callback::from(move |_| changed.emit(())) };
                    html! {
                        <div class="card" key={a.id} data-testid="admin-assistant" data-assistant-id={a.id.to_string()}>
                            <h3>{ a.name.clone() }</h3>
                            <AssistantEdit session={props.session.clone()} assistant={a.clone()} on_saved={saved} />
                            <AssistantDelete session={props.session.clone()} id={a.id} on_deleted={changed.clone()} />
                        </div>
                    }
                }) }
            </div>
        },
    }
}
