//! A widget's settings: title, chart type, date range, aggregation and bucket, the dimensions
//! plotted next to the value (`PATCH /widgets/{id}`, only what changed), and deleting the
//! widget or its whole source (points and widgets go with it), each after a confirmation.

use protocol::sources::WidgetView;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;
use crate::hooks::{field_error, form_error, text_field, use_text_input};
use crate::metrics::chart::Kind;
use crate::metrics::forms::{widget_change, WidgetSettings, AGGREGATIONS, BUCKETS, DATE_RANGES};
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub session: Session,
    pub widget: WidgetView,
    /// Saved or deleted: the page reloads.
    pub on_saved: Callback<()>,
}

/// A `<select>` bound to a state, with its choices.
fn choice(
    id: String,
    label: &'static str,
    state: &UseStateHandle<String>,
    options: &[(&'static str, &'static str)],
    disabled: bool,
) -> Html {
    let onchange = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ label }</label>
            <select {id} {onchange} {disabled}>
                { for options.iter().map(|(value, text)| html! {
                    <option value={*value} selected={**state == *value}>{ *text }</option>
                }) }
            </select>
        </div>
    }
}

/// The settings form, prefilled.
#[component]
pub fn WidgetSettingsForm(props: &SettingsProps) -> Html {
    let w = &props.widget;
    let title = use_text_input(|| w.title.clone());
    let dimensions = use_text_input(|| w.dimensions.join(", "));
    let chart_type = use_state(|| w.chart_type.clone());
    let date_range = use_state(|| w.date_range.clone());
    let aggregation = use_state(|| w.aggregation.clone());
    let bucket = use_state(|| w.bucket.clone());
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let onsubmit = {
        let edited = WidgetSettings {
            title: title.value(),
            chart_type: (*chart_type).clone(),
            date_range: (*date_range).clone(),
            aggregation: (*aggregation).clone(),
            bucket: (*bucket).clone(),
            dimensions: dimensions.value(),
        };
        let (widget, session, on_saved) =
            (w.clone(), props.session.clone(), props.on_saved.clone());
        let (error, busy) = (error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let change = match widget_change(&widget, &edited) {
                Ok(Some(change)) => change,
                Ok(None) => return error.set(None),
                Err(refused) => return error.set(Some(refused)),
            };
            busy.set(true);
            let (error, busy, session, on_saved, id) = (
                error.clone(),
                busy.clone(),
                session.clone(),
                on_saved.clone(),
                widget.id,
            );
            spawn_local(async move {
                match session.api().update_widget(id, &change).await {
                    Ok(_) => {
                        error.set(None);
                        on_saved.emit(());
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        })
    };
    let kinds: Vec<(&'static str, &'static str)> =
        Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect();
    let err = (*error).clone();
    let id = |name: &str| format!("widget-{}-{name}", w.id);
    html! {
        <form class="metric-panel" {onsubmit} novalidate=true aria-label="Widget settings" data-testid="widget-settings">
            <div class="field-row">
                { text_field(id("title"), "Title", &title, field_error(err.as_ref(), "title"), "") }
                { choice(id("type"), "Chart type", &chart_type, &kinds, false) }
                { choice(id("range"), "Date range", &date_range, &DATE_RANGES, false) }
            </div>
            <div class="field-row">
                { choice(id("aggregation"), "Aggregation", &aggregation, &AGGREGATIONS, false) }
                { choice(id("bucket"), "Per", &bucket, &BUCKETS, *aggregation == "none") }
                { text_field(id("dimensions"), "Dimensions", &dimensions, field_error(err.as_ref(), "dimensions"),
                             "Numeric dimension keys plotted next to the value, comma-separated") }
            </div>
            if let Some(m) = form_error(err.as_ref()) { <p class="form-error" role="alert">{ m }</p> }
            <div class="form-actions">
                <button class="button button-primary" type="submit" disabled={*busy}>{ if *busy { "Saving…" } else { "Save settings" } }</button>
                <DeleteButton session={props.session.clone()} what={Deletion::Widget(w.id)} on_deleted={props.on_saved.clone()} />
                <DeleteButton session={props.session.clone()} what={Deletion::Source(w.source_id)} on_deleted={props.on_saved.clone()} />
            </div>
        </form>
    }
}

/// What a delete button deletes.
#[derive(Clone, Copy, PartialEq)]
enum Deletion {
    Widget(i64),
    Source(i64),
}

#[derive(Properties, PartialEq)]
struct DeleteProps {
    session: Session,
    what: Deletion,
    on_deleted: Callback<()>,
}

/// "Delete…", then "Delete for good", then the call.
#[component]
fn DeleteButton(props: &DeleteProps) -> Html {
    let asked = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let (label, confirm_label) = match props.what {
        Deletion::Widget(_) => ("Delete widget…", "Delete this widget"),
        Deletion::Source(_) => (
            "Delete source…",
            "Delete the source, its history and its widgets",
        ),
    };
    let onclick = {
        let (asked, error, session, what, done) = (
            asked.clone(),
            error.clone(),
            props.session.clone(),
            props.what,
            props.on_deleted.clone(),
        );
        Callback::from(move |_| {
            if !*asked {
                return asked.set(true);
            }
            let (error, session, done) = (error.clone(), session.clone(), done.clone());
            spawn_local(async move {
                let api = session.api();
                let result = match what {
                    Deletion::Widget(id) => api.delete_widget(id).await,
                    Deletion::Source(id) => api.delete_source(id).await,
                };
                match result {
                    Ok(()) => done.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <>
            <button class="button button-danger" type="button" {onclick}>{ if *asked { confirm_label } else { label } }</button>
            if let Some(e) = &*error { <p class="form-error" role="alert">{ explain(e) }</p> }
        </>
    }
}
