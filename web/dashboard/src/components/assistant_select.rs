//! The "all assistants or one" dropdown of the analytics and costs pages; the page puts the
//! choice in its URL.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::types::Assistant;

#[derive(Properties, PartialEq)]
pub struct AssistantSelectProps {
    pub assistants: Vec<Assistant>,
    pub current: Option<i64>,
    pub on_change: Callback<Option<i64>>,
}

/// All assistants, or one.
#[component]
pub fn AssistantSelect(props: &AssistantSelectProps) -> Html {
    let on_change = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(value.parse().ok());
        })
    };
    let current = props.current.map(|c| c.to_string()).unwrap_or_default();
    html! {
        <label class="filter-group">{ "Assistant " }
            <select onchange={on_change} aria-label="Assistant" data-testid="assistant-filter">
                <option value="" selected={current.is_empty()}>{ "All assistants" }</option>
                { for props.assistants.iter().map(|a| {
                    let id = a.id.to_string();
                    html! { <option value={id.clone()} selected={id == current}>{ a.name.clone() }</option> }
                }) }
            </select>
        </label>
    }
}
