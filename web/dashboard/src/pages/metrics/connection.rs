//! Choosing the connection (credentials) a new metric uses: one of yours for the template's
//! integration (`GET /connections`, shown by name and the secret's hint only), or a new one
//! (`POST /connections`): a name and the secret in a password field, sent once and never shown
//! again.

use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::ApiError;
use crate::hooks::{field_error, form_error, text_field, use_api, use_text_input};
use crate::metrics::forms::{connections_for, new_connection};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct ConnectionProps {
    pub session: Session,
    /// e.g. `github`.
    pub integration: String,
    pub selected: Option<i64>,
    pub on_select: Callback<Option<i64>>,
    /// The form's message about the choice, if any.
    pub error: Option<String>,
}

/// The connection choice, with the form of a new one.
#[component]
pub fn ConnectionPicker(props: &ConnectionProps) -> Html {
    let list = use_api(props.session.clone(), |s| async move {
        s.api().connections().await
    });
    let creating = use_state(|| false);
    let all = list.state.data.as_deref().cloned().unwrap_or_default();
    let mine: Vec<_> = connections_for(&all, &props.integration)
        .into_iter()
        .cloned()
        .collect();
    {
        // The first connection of the integration is chosen until the user picks another.
        let (on_select, first) = (props.on_select.clone(), mine.first().map(|c| c.id));
        let valid = props
            .selected
            .is_some_and(|id| mine.iter().any(|c| c.id == id));
        let deps = (first, valid, props.integration.clone(), *creating);
        use_effect_with(deps, move |(first, valid, _, creating)| {
            if !*valid && !*creating {
                on_select.emit(*first);
            }
        });
    }
    let onchange = {
        let (on_select, creating) = (props.on_select.clone(), creating.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            creating.set(value == "new");
            on_select.emit(value.parse().ok());
        })
    };
    let on_created = {
        let (on_select, creating, reload) = (
            props.on_select.clone(),
            creating.clone(),
            list.reload.clone(),
        );
        Callback::from(move |id: i64| {
            creating.set(false);
            reload.emit(());
            on_select.emit(Some(id));
        })
    };
    let show_form = *creating || (list.state.data.is_some() && mine.is_empty());
    html! {
        <div class="metric-connection">
            <div class="field">
                <label for="metric-connection">{ "Connection" }</label>
                <select id="metric-connection" {onchange}>
                    { for mine.iter().map(|c| html! {
                        <option value={c.id.to_string()} selected={props.selected == Some(c.id) && !*creating}>
                            { format!("{} ({})", c.name, c.secret_hint) }
                        </option>
                    }) }
                    <option value="new" selected={show_form}>{ "New connection…" }</option>
                </select>
                if let Some(m) = props.error.clone() { <p class="field-error" role="alert">{ m }</p> }
            </div>
            if show_form {
                <NewConnection session={props.session.clone()} integration={props.integration.clone()} {on_created} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NewConnectionProps {
    session: Session,
    integration: String,
    on_created: Callback<i64>,
}

/// A new connection's name and secret.
#[component]
fn NewConnection(props: &NewConnectionProps) -> Html {
    let name = use_text_input(|| format!("My {} token", props.integration));
    let secret = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let oninput = {
        let secret = secret.clone();
        Callback::from(move |e: InputEvent| {
            secret.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onclick = {
        let (name, secret, error, busy) =
            (name.clone(), secret.clone(), error.clone(), busy.clone());
        let (session, integration, done) = (
            props.session.clone(),
            props.integration.clone(),
            props.on_created.clone(),
        );
        Callback::from(move |_| {
            let body = match new_connection(&integration, &name.value(), &secret) {
                Ok(body) => body,
                Err(refused) => return error.set(Some(refused)),
            };
            busy.set(true);
            let (secret, error, busy, session, done) = (
                secret.clone(),
                error.clone(),
                busy.clone(),
                session.clone(),
                done.clone(),
            );
            spawn_local(async move {
                match session.api().create_connection(&body).await {
                    Ok(created) => {
                        secret.set(String::new());
                        error.set(None);
                        done.emit(created.id);
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let err = (*error).clone();
    html! {
        <div class="field-row metric-new-connection" data-testid="new-connection">
            { text_field("connection-name".into(), "Connection name", &name, field_error(err.as_ref(), "name"), "") }
            <div class="field">
                <label for="connection-secret">{ "Token or key" }</label>
                <input id="connection-secret" type="password" autocomplete="off" value={(*secret).clone()} {oninput} />
                <p class="hint">{ "Encrypted at rest and never shown again, only its last characters" }</p>
                if let Some(m) = field_error(err.as_ref(), "secret") { <p class="field-error" role="alert">{ m }</p> }
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button" type="button" {onclick} disabled={*busy}>{ if *busy { "Saving…" } else { "Save connection" } }</button>
            </div>
        </div>
    }
}
