//! The detail page's heading (the assistant's name and model, or what is known so far) and
//! the page shown instead when the assistant cannot be loaded at all.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::Assistant;
use crate::api::ApiError;
use crate::components::{ErrorBox, Nav};
use crate::hooks::Loadable;
use crate::route::Route;

/// The assistant's request, and its id for when it failed.
#[derive(Properties, PartialEq)]
pub struct AssistantTitleProps {
    pub assistant: Loadable<Assistant>,
    pub id: i64,
}

/// The name and model badge, "Assistant 7" after a failure, or "Loading…".
#[component]
pub fn AssistantTitle(props: &AssistantTitleProps) -> Html {
    match (&props.assistant.data, &props.assistant.error) {
        (Some(a), _) => html! {
            <>
                <h1 data-testid="assistant-name">{ a.name.clone() }</h1>
                <span class="badge">{ a.model_type.clone() }</span>
            </>
        },
        (None, Some(_)) => html! { <h1>{ format!("Assistant {}", props.id) }</h1> },
        (None, None) => html! { <h1 class="muted">{ "Loading…" }</h1> },
    }
}

/// Why the assistant could not be loaded, and how to try again.
#[derive(Properties, PartialEq)]
pub struct AssistantUnavailableProps {
    pub error: ApiError,
    pub retry: Callback<()>,
}

/// The whole page when the assistant itself failed to load (missing, not yours, hub down).
#[component]
pub fn AssistantUnavailable(props: &AssistantUnavailableProps) -> Html {
    html! {
        <>
            <Nav />
            <main class="page">
                <ErrorBox title="This assistant could not be loaded" error={props.error.clone()} retry={props.retry.clone()} />
                <Link<Route> to={Route::Overview} classes="button">{ "Back to your assistants" }</Link<Route>>
            </main>
        </>
    }
}
