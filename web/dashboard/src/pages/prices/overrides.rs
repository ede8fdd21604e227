//! Your price overrides (custom contracts) on `/prices`: every version you hold, each with a
//! remove button. An override prices your own assistants' calls ahead of the table from its
//! effective date on; calls it already priced keep their cost.

use protocol::prices::PriceView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::table::{effective, price_text};
use crate::api::ApiError;
use crate::components::states::explain;
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct OverrideListProps {
    pub session: Session,
    pub overrides: Vec<PriceView>,
    /// An override was removed (the page reloads the list).
    pub on_removed: Callback<()>,
}

/// The list, or what to do when there is none.
#[component]
pub fn OverrideList(props: &OverrideListProps) -> Html {
    let error = use_state(|| None::<ApiError>);
    let remove = |id: i64| {
        let (session, error, on_removed) = (
            props.session.clone(),
            error.clone(),
            props.on_removed.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (session, error, on_removed) = (session.clone(), error.clone(), on_removed.clone());
            spawn_local(async move {
                match session.api().delete_override(id).await {
                    Ok(()) => {
                        error.set(None);
                        on_removed.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <section class="card" data-testid="overrides">
            <h3>{ "Your overrides" }</h3>
            if props.overrides.is_empty() {
                <p class="muted" data-testid="overrides-empty">{ "None: your assistants' calls are priced with the table. Add an override below when you have a contract price for a model." }</p>
            } else {
                <ul class="plain-list">{ for props.overrides.iter().map(|o| html! {
                    <li data-testid="override" data-id={o.id.to_string()} data-model={o.model.clone()} data-input={o.input_per_mtok.to_string()}>
                        <strong>{ o.model.clone() }</strong>{ format!(" from {}: {} ", effective(o), price_text(o)) }
                        <button class="button button-quiet button-danger" onclick={remove(o.id)}
                                aria-label={format!("Remove the {} override from {}", o.model, effective(o))}>{ "Remove" }</button>
                    </li>
                }) }</ul>
            }
            if let Some(e) = &*error { <p class="form-error" role="alert">{ explain(e) }</p> }
        </section>
    }
}
