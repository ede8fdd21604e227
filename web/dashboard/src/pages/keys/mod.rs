//! Ingestion keys of an assistant: list them, create one (its secret is shown once), revoke
//! one. Machine clients send usage with `X-Api-Key` instead of a user's token.
//!
//! The page loads the assistant and its keys and composes the [`form`] and the [`list`]; it
//! keeps what both report: the key just created and the last failed action.

mod form;
mod list;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::CreatedApiKey;
use crate::api::ApiError;
use crate::components::states::explain;
use crate::components::{Loading, Nav};
use crate::hooks::{use_api, use_require_session};
use crate::route::Route;
use crate::session::Session;
use form::NewKeyForm;
use list::KeyList;

/// The assistant whose keys are shown.
#[derive(Properties, PartialEq)]
pub struct KeysProps {
    pub id: i64,
}

/// The keys page (guard).
#[component]
pub fn KeysPage(props: &KeysProps) -> Html {
    match use_require_session() {
        Some(session) => html! { <Keys {session} id={props.id} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
    id: i64,
}

#[component]
fn Keys(props: &PageProps) -> Html {
    let id = props.id;
    let assistant = use_api((props.session.clone(), id), |(s, id)| async move {
        s.api().assistant(id).await
    });
    let keys = use_api((props.session.clone(), id), |(s, id)| async move {
        s.api().keys(id).await
    });
    let created = use_state(|| None::<CreatedApiKey>);
    let action_error = use_state(|| None::<ApiError>);

    let on_start = {
        let action_error = action_error.clone();
        Callback::from(move |()| action_error.set(None))
    };
    let on_done = {
        let (created, action_error, reload) =
            (created.clone(), action_error.clone(), keys.reload.clone());
        Callback::from(move |result| match result {
            Ok(key) => {
                created.set(Some(key));
                reload.emit(());
            }
            Err(e) => action_error.set(Some(e)),
        })
    };
    let on_error = {
        let action_error = action_error.clone();
        Callback::from(move |e| action_error.set(Some(e)))
    };
    let assistant_name = assistant
        .state
        .data
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_else(|| format!("assistant {id}"));

    html! {
        <>
            <Nav />
            <main class="page page-narrow">
                <p class="crumbs"><Link<Route> to={Route::Assistant { id }}>{ format!("← {assistant_name}") }</Link<Route>></p>
                <h1>{ "Ingestion keys" }</h1>
                <p class="muted">{ "Machine clients send usage with the header " }<code>{ "X-Api-Key: <key>" }</code>{ " instead of logging in." }</p>
                if let Some(key) = (*created).clone() {
                    <div class="card secret" role="status" data-testid="new-key">
                        <p><strong>{ format!("Key {:?} created.", key.listed.name) }</strong>{ " Copy it now: it is shown only once." }</p>
                        <code class="secret-value">{ key.key.clone() }</code>
                    </div>
                }
                if let Some(error) = (*action_error).clone() {
                    <p class="form-error" role="alert">{ explain(&error) }</p>
                }
                <NewKeyForm session={props.session.clone()} {id} {on_start} {on_done} />
                <KeyList session={props.session.clone()} keys={keys.state.clone()} reload={keys.reload.clone()} {on_error} />
            </main>
        </>
    }
}
