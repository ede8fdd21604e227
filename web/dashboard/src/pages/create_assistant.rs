//! Create an assistant (name and model type), then go to its page.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ApiError;
use crate::components::{Loading, Nav};
use crate::hooks::{field_error, form_error, use_require_session, use_text_input};
use crate::route::Route;
use crate::session::Session;

/// Model names offered as suggestions (any other name is fine).
const MODEL_SUGGESTIONS: [&str; 6] = [
    "gpt-4o",
    "gpt-4o-mini",
    "claude-3-5-sonnet",
    "claude-3-haiku",
    "llama-3.1-70b",
    "mistral-large",
];

/// The create-assistant page (guard).
#[component]
pub fn CreateAssistant() -> Html {
    match use_require_session() {
        Some(session) => html! { <CreatePage {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn CreatePage(props: &PageProps) -> Html {
    let navigator = use_navigator();
    let name = use_text_input(String::new);
    let model = use_text_input(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);

    let onsubmit = {
        let (name, model, error, busy) = (name.clone(), model.clone(), error.clone(), busy.clone());
        let session = props.session.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let (name_v, model_v) = (name.trimmed(), model.trimmed());
            let (error, busy, navigator, session) = (
                error.clone(),
                busy.clone(),
                navigator.clone(),
                session.clone(),
            );
            spawn_local(async move {
                match session
                    .api()
                    .create_assistant(session.user_id, &name_v, &model_v)
                    .await
                {
                    // Stays busy: the page is on its way out.
                    Ok(assistant) => {
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Assistant { id: assistant.id });
                        }
                    }
                    Err(e) => {
                        error.set(Some(e));
                        busy.set(false);
                    }
                }
            });
        })
    };
    let name_error = field_error(error.as_ref(), "name");
    let model_error = field_error(error.as_ref(), "modelType");
    let general = form_error(error.as_ref());

    html! {
        <>
            <Nav />
            <main class="page page-narrow">
                <form class="card" {onsubmit} novalidate=true>
                    <h1>{ "New assistant" }</h1>
                    <label for="name">{ "Name" }</label>
                    <input id="name" name="name" required=true maxlength="100" placeholder="Support bot"
                           value={name.value()} oninput={name.oninput.clone()} />
                    if let Some(m) = name_error { <p class="field-error" role="alert">{ format!("Name {m}") }</p> }
                    <label for="model">{ "Model type" }</label>
                    <input id="model" name="modelType" required=true maxlength="100" placeholder="gpt-4o"
                           list="model-suggestions" value={model.value()} oninput={model.oninput.clone()} />
                    <datalist id="model-suggestions">
                        { for MODEL_SUGGESTIONS.iter().map(|m| html! { <option value={*m} /> }) }
                    </datalist>
                    if let Some(m) = model_error { <p class="field-error" role="alert">{ format!("Model type {m}") }</p> }
                    if let Some(m) = general { <p class="form-error" role="alert">{ m }</p> }
                    <div class="form-actions">
                        <button class="button button-primary" type="submit" disabled={*busy}>
                            { if *busy { "Creating…" } else { "Create assistant" } }
                        </button>
                        <Link<Route> to={Route::Overview} classes="button button-quiet">{ "Cancel" }</Link<Route>>
                    </div>
                </form>
            </main>
        </>
    }
}
