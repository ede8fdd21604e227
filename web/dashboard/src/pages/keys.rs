//! Ingestion keys of an assistant: list them, create one (its secret is shown once), revoke
//! one. Machine clients send usage with `X-Api-Key` instead of a user's token.

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::CreatedApiKey;
use crate::api::ApiError;
use crate::components::states::explain;
use crate::components::{Empty, ErrorBox, Loading, Nav};
use crate::hooks::{use_api, use_require_session};
use crate::route::Route;
use crate::session::Session;

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

/// A timestamp as `2026-11-23 10:00` (UTC), or the text as it came.
fn when(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| text.to_owned())
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
    let name = use_state(String::new);
    let created = use_state(|| None::<CreatedApiKey>);
    let action_error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (name, created, action_error, busy) = (
            name.clone(),
            created.clone(),
            action_error.clone(),
            busy.clone(),
        );
        let (session, reload) = (props.session.clone(), keys.reload.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            action_error.set(None);
            let key_name = (*name).trim().to_owned();
            let (name, created, action_error, busy, session, reload) = (
                name.clone(),
                created.clone(),
                action_error.clone(),
                busy.clone(),
                session.clone(),
                reload.clone(),
            );
            spawn_local(async move {
                match session.api().create_key(id, &key_name).await {
                    Ok(key) => {
                        created.set(Some(key));
                        name.set(String::new());
                        reload.emit(());
                    }
                    Err(e) => action_error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let revoke = |key_id: i64, key_name: String| {
        let (session, reload, action_error) = (
            props.session.clone(),
            keys.reload.clone(),
            action_error.clone(),
        );
        Callback::from(move |_| {
            let confirmed = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&format!(
                        "Revoke the key {key_name:?}? Clients using it will be refused."
                    ))
                    .ok()
                })
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let (session, reload, action_error) =
                (session.clone(), reload.clone(), action_error.clone());
            spawn_local(async move {
                match session.api().delete_key(key_id).await {
                    Ok(()) => reload.emit(()),
                    Err(e) => action_error.set(Some(e)),
                }
            });
        })
    };

    let list = match (&keys.state.data, &keys.state.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="Ingestion keys are unavailable" error={error.clone()} retry={keys.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading keys…" /> },
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No ingestion keys yet">
                <p>{ "Create one for each machine client that sends usage for this assistant." }</p>
            </Empty>
        },
        (Some(list), _) => html! {
            <table class="table" data-testid="keys">
                <thead><tr><th>{ "Name" }</th><th>{ "Key" }</th><th>{ "Created" }</th><th>{ "Last used" }</th><th></th></tr></thead>
                <tbody>
                    { for list.iter().map(|k| html! {
                        <tr key={k.id}>
                            <td>{ k.name.clone() }</td>
                            <td><code>{ format!("{}…", k.prefix) }</code></td>
                            <td>{ when(&k.created_at) }</td>
                            <td>{ k.last_used_at.as_deref().map(when).unwrap_or_else(|| "never".to_owned()) }</td>
                            <td><button class="button button-danger" onclick={revoke(k.id, k.name.clone())}>{ "Revoke" }</button></td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
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
                        <p><strong>{ format!("Key {:?} created.", key.name) }</strong>{ " Copy it now: it is shown only once." }</p>
                        <code class="secret-value">{ key.key.clone() }</code>
                    </div>
                }
                if let Some(error) = (*action_error).clone() {
                    <p class="form-error" role="alert">{ explain(&error) }</p>
                }
                <form class="inline-form" {onsubmit}>
                    <label for="key-name">{ "New key name" }</label>
                    <input id="key-name" required=true maxlength="100" placeholder="nightly-export"
                           value={(*name).clone()} oninput={on_name} />
                    <button class="button button-primary" type="submit" disabled={*busy || name.trim().is_empty()}>{ "Create key" }</button>
                </form>
                { list }
            </main>
        </>
    }
}
