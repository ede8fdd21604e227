//! "Add metric": pick a template (`GET /templates`: name, description, integration), fill its
//! parameters (labelled, with the template's example as placeholder), choose or create a
//! connection, choose how often it is polled (the template's default first), then create the
//! source (`POST /sources`: the hub fetches a sample and backfills its history) and a widget
//! for it (`POST /widgets`), whose chart shows that history at once. Refusals, the form's own
//! and the hub's problem documents, are shown under the field they name or for the form.

use std::rc::Rc;

use protocol::sources::TemplateView;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::connection::ConnectionPicker;
use crate::api::ApiError;
use crate::components::ErrorBox;
use crate::hooks::field_error;
use crate::metrics::forms::{
    form_message, new_source, new_widget, parameter_field, NewMetric, FREQUENCIES,
};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct AddProps {
    pub session: Session,
    pub templates: Rc<Vec<TemplateView>>,
    pub templates_error: Option<ApiError>,
    /// The source and its widget exist (the page reloads and closes the form).
    pub on_created: Callback<()>,
}

/// The form.
#[component]
pub fn AddMetric(props: &AddProps) -> Html {
    let chosen = use_state(String::new);
    let form = use_state(NewMetric::default);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let template = props
        .templates
        .iter()
        .find(|t| t.id == *chosen)
        .or_else(|| props.templates.first())
        .cloned();
    let Some(template) = template else {
        return match &props.templates_error {
            Some(e) => {
                html! { <ErrorBox error={e.clone()} title="Could not load the templates" /> }
            }
            None => html! { <p class="muted card">{ "Loading the templates…" }</p> },
        };
    };
    let on_template = {
        let (chosen, form, error) = (chosen.clone(), form.clone(), error.clone());
        Callback::from(move |e: Event| {
            chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value());
            form.set(NewMetric::default());
            error.set(None);
        })
    };
    let onsubmit = submit(props, &template, &form, &error, &busy);
    let err = (*error).clone();
    let mut shown: Vec<String> = template
        .parameters
        .iter()
        .map(|p| parameter_field(&p.name))
        .collect();
    shown.extend(["connectionId".to_owned(), "frequency".to_owned()]);
    let on_connection = {
        let form = form.clone();
        Callback::from(move |id: Option<i64>| {
            if form.connection_id != id {
                form.set(NewMetric {
                    connection_id: id,
                    ..(*form).clone()
                });
            }
        })
    };
    html! {
        <form class="card metric-add" {onsubmit} novalidate=true aria-label="Add metric" data-testid="add-metric">
            <h2>{ "Add metric" }</h2>
            <div class="field">
                <label for="metric-template">{ "Template" }</label>
                <select id="metric-template" onchange={on_template}>
                    { for props.templates.iter().map(|t| html! {
                        <option value={t.id.clone()} selected={t.id == template.id}>{ format!("{} ({})", t.name, t.integration) }</option>
                    }) }
                </select>
                <p class="hint" data-testid="template-description">{ template.description.clone() }</p>
            </div>
            { parameters(&template, &form, err.as_ref()) }
            if template.needs_connection {
                <ConnectionPicker session={props.session.clone()} integration={template.integration.clone()}
                                  selected={form.connection_id} on_select={on_connection}
                                  error={field_error(err.as_ref(), "connectionId")} />
            }
            { frequency(&template, &form, field_error(err.as_ref(), "frequency")) }
            if let Some(m) = form_message(err.as_ref(), &shown) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>
                    { if *busy { "Fetching its history…" } else { "Add metric" } }
                </button>
            </div>
        </form>
    }
}

/// Checks the form, creates the source and then its widget.
fn submit(
    props: &AddProps,
    template: &TemplateView,
    form: &UseStateHandle<NewMetric>,
    error: &UseStateHandle<Option<ApiError>>,
    busy: &UseStateHandle<bool>,
) -> Callback<SubmitEvent> {
    let (template, form, error, busy) =
        (template.clone(), form.clone(), error.clone(), busy.clone());
    let (session, on_created) = (props.session.clone(), props.on_created.clone());
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        if *busy {
            return;
        }
        let body = match new_source(&template, &form) {
            Ok(body) => body,
            Err(refused) => return error.set(Some(refused)),
        };
        busy.set(true);
        error.set(None);
        let (error, busy, session, on_created) = (
            error.clone(),
            busy.clone(),
            session.clone(),
            on_created.clone(),
        );
        spawn_local(async move {
            let api = session.api();
            let made = match api.create_source(&body).await {
                Ok(made) => api
                    .create_widget(&new_widget(made.source.id))
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            busy.set(false);
            match made {
                Ok(()) => on_created.emit(()),
                Err(e) => error.set(Some(e)),
            }
        });
    })
}

/// One labelled input per template parameter.
fn parameters(
    template: &TemplateView,
    form: &UseStateHandle<NewMetric>,
    err: Option<&ApiError>,
) -> Html {
    html! {
        <div class="field-row">
            { for template.parameters.iter().map(|p| {
                let id = format!("metric-param-{}", p.name);
                let name = p.name.clone();
                let oninput = {
                    let form = form.clone();
                    Callback::from(move |e: InputEvent| {
                        let mut next = (*form).clone();
                        next.parameters.insert(name.clone(), e.target_unchecked_into::<HtmlInputElement>().value());
                        form.set(next);
                    })
                };
                let label = if p.label.is_empty() { p.name.clone() } else { p.label.clone() };
                let value = form.parameters.get(&p.name).cloned().unwrap_or_default();
                html! {
                    <div class="field">
                        <label for={id.clone()}>{ label }</label>
                        <input {id} {value} {oninput} placeholder={p.example.clone()} />
                        if !p.description.is_empty() { <p class="hint">{ p.description.clone() }</p> }
                        if let Some(m) = field_error(err, &parameter_field(&p.name)) { <p class="field-error" role="alert">{ m }</p> }
                    </div>
                }
            }) }
        </div>
    }
}

/// The poll frequency, the template's default first.
fn frequency(
    template: &TemplateView,
    form: &UseStateHandle<NewMetric>,
    error: Option<String>,
) -> Html {
    let current = if form.frequency.is_empty() {
        template.default_poll_frequency.clone()
    } else {
        form.frequency.clone()
    };
    let onchange = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let frequency = e.target_unchecked_into::<HtmlSelectElement>().value();
            form.set(NewMetric {
                frequency,
                ..(*form).clone()
            });
        })
    };
    let history = template
        .historical_data_limit_days
        .map(|d| format!("Its history reaches back {d} days and is fetched at once."))
        .unwrap_or_else(|| "History starts with the first poll.".to_owned());
    html! {
        <div class="field">
            <label for="metric-frequency">{ "Poll" }</label>
            <select id="metric-frequency" {onchange}>
                { for FREQUENCIES.iter().map(|(value, label)| {
                    let text = if *value == template.default_poll_frequency { format!("{label} (default)") } else { (*label).to_owned() };
                    html! { <option value={*value} selected={current == *value}>{ text }</option> }
                }) }
            </select>
            <p class="hint">{ history }</p>
            if let Some(m) = error { <p class="field-error" role="alert">{ m }</p> }
        </div>
    }
}
