//! The detail page's "Manage" section: rename the assistant or change its model type, or
//! delete it (after a confirmation that says what goes with it), then back to the overview.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::types::Assistant;
use crate::components::{AssistantDelete, AssistantEdit};
use crate::hooks::Loadable;
use crate::route::Route;
use crate::session::Session;

/// The loaded assistant and how to load it again after a change.
#[derive(Properties, PartialEq)]
pub struct ManageProps {
    pub session: Session,
    pub assistant: Loadable<Assistant>,
    pub reload: Callback<()>,
}

/// Folded away until opened; nothing until the assistant is loaded.
#[component]
pub fn ManageAssistant(props: &ManageProps) -> Html {
    let navigator = use_navigator();
    let Some(assistant) = props.assistant.data.as_deref().cloned() else {
        return html! {};
    };
    let on_saved = {
        let reload = props.reload.clone();
        Callback::from(move |_| reload.emit(()))
    };
    let on_deleted = Callback::from(move |()| {
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Overview);
        }
    });
    html! {
        <details class="card manage" data-testid="manage-assistant">
            <summary>{ "Manage this assistant" }</summary>
            <AssistantEdit session={props.session.clone()} key={format!("{}-{}", assistant.name, assistant.model_type)}
                           assistant={assistant.clone()} {on_saved} />
            <AssistantDelete session={props.session.clone()} id={assistant.id} {on_deleted} />
        </details>
    }
}
