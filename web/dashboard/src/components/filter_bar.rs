//! Date-range presets (24h / 7d / 1m / 3m / custom) and metric-type filters (status, model)
//! of the detail and analytics pages. The bar only reports new [`Filters`]; the page puts them
//! in the URL.
//! It is three groups: the range chips, the custom range's two dates, and the metric filters.

use chrono::NaiveDate;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::filters::{custom, Filters, RangeChoice, StatusFilter};
use crate::hooks::use_synced_text_input;

/// The current filters, today (the latest day a range can end) and where new filters go.
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub filters: Filters,
    pub today: NaiveDate,
    pub on_change: Callback<Filters>,
    /// The models to choose from (a dropdown); without them, a free-text field.
    #[prop_or_default]
    pub models: Option<Vec<String>>,
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The filter bar.
#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let f = &props.filters;
    let is_custom = matches!(f.range, RangeChoice::Custom { .. });
    let show_custom = use_state(|| is_custom);

    let on_preset = {
        let (f, cb, show_custom) = (f.clone(), props.on_change.clone(), show_custom.clone());
        Callback::from(move |range: RangeChoice| {
            show_custom.set(false);
            cb.emit(Filters { range, ..f.clone() });
        })
    };
    let on_toggle_custom = {
        let show_custom = show_custom.clone();
        Callback::from(move |_| show_custom.set(!*show_custom))
    };

    html! {
        <div class="filters" role="group" aria-label="Filters">
            <RangeChips range={f.range} {on_preset} {on_toggle_custom} />
            if *show_custom || is_custom {
                <CustomRange filters={f.clone()} today={props.today} on_change={props.on_change.clone()} />
            }
            <MetricFilters filters={f.clone()} on_change={props.on_change.clone()} models={props.models.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct RangeChipsProps {
    range: RangeChoice,
    on_preset: Callback<RangeChoice>,
    on_toggle_custom: Callback<MouseEvent>,
}

/// One chip per preset, and "Custom", which shows or hides the dates.
#[component]
fn RangeChips(props: &RangeChipsProps) -> Html {
    let is_custom = matches!(props.range, RangeChoice::Custom { .. });
    let presets = RangeChoice::PRESETS.iter().map(|preset| {
        let active = props.range == *preset;
        let onclick = {
            let (cb, preset) = (props.on_preset.clone(), *preset);
            Callback::from(move |_| cb.emit(preset))
        };
        html! {
            <button class={classes!("chip", active.then_some("chip-active"))}
                    aria-pressed={active.to_string()} data-range={preset.key()} {onclick}>
                { preset.label() }
            </button>
        }
    });
    html! {
        <div class="filter-group" role="group" aria-label="Date range">
            { for presets }
            <button class={classes!("chip", is_custom.then_some("chip-active"))}
                    aria-pressed={is_custom.to_string()} data-range="custom" onclick={props.on_toggle_custom.clone()}>
                { "Custom" }
            </button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CustomRangeProps {
    filters: Filters,
    today: NaiveDate,
    on_change: Callback<Filters>,
}

/// The custom range's first and last day; a change makes the range custom.
#[component]
fn CustomRange(props: &CustomRangeProps) -> Html {
    let (start, end) = props.filters.range.days(props.today);
    let on_date = |is_start: bool| {
        let (f, cb) = (props.filters.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let Ok(date) = NaiveDate::parse_from_str(&input_value(&e), "%Y-%m-%d") else {
                return;
            };
            let (a, b) = if is_start { (date, end) } else { (start, date) };
            cb.emit(Filters {
                range: custom(a, b),
                ..f.clone()
            });
        })
    };
    let max = props.today.to_string();
    html! {
        <div class="filter-group">
            <label>{ "From " }<input type="date" value={start.to_string()} max={max.clone()} onchange={on_date(true)} /></label>
            <label>{ "to " }<input type="date" value={end.to_string()} max={max} onchange={on_date(false)} /></label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct MetricFiltersProps {
    filters: Filters,
    on_change: Callback<Filters>,
    models: Option<Vec<String>>,
}

/// The status select and the model field. The model applies on change (Enter or leaving the
/// field); until then the typed text is kept in the field's own state, so live updates that
/// re-render the page do not wipe it.
#[component]
fn MetricFilters(props: &MetricFiltersProps) -> Html {
    let model_text = use_synced_text_input(props.filters.model.clone().unwrap_or_default());
    let on_status = {
        let (f, cb) = (props.filters.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(Filters {
                status: StatusFilter::parse(&value),
                ..f.clone()
            });
        })
    };
    let on_model = {
        let (f, cb) = (props.filters.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let value = input_value(&e);
            let model = Some(value.trim().to_owned()).filter(|m| !m.is_empty());
            cb.emit(Filters { model, ..f.clone() });
        })
    };
    let status = props.filters.status.map(|s| s.key()).unwrap_or("");
    html! {
        <div class="filter-group">
            <label>{ "Status " }
                <select onchange={on_status} aria-label="Status">
                    <option value="" selected={status.is_empty()}>{ "All" }</option>
                    <option value="success" selected={status == "success"}>{ "Success" }</option>
                    <option value="error" selected={status == "error"}>{ "Error" }</option>
                </select>
            </label>
            if let Some(models) = &props.models {
                <ModelSelect models={models.clone()} current={props.filters.model.clone()}
                             filters={props.filters.clone()} on_change={props.on_change.clone()} />
            } else {
                <label>{ "Model " }
                    <input type="text" placeholder="any model" value={model_text.value()}
                           oninput={model_text.oninput.clone()} onchange={on_model} aria-label="Model" size="12" />
                </label>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ModelSelectProps {
    models: Vec<String>,
    current: Option<String>,
    filters: Filters,
    on_change: Callback<Filters>,
}

/// The model dropdown (the models the hub has seen, most used first; a model from the URL that
/// is not among them is kept as an option, so the select shows what is applied).
#[component]
fn ModelSelect(props: &ModelSelectProps) -> Html {
    let on_select = {
        let (f, cb) = (props.filters.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let model = Some(value).filter(|m| !m.is_empty());
            cb.emit(Filters { model, ..f.clone() });
        })
    };
    let mut models = props.models.clone();
    if let Some(current) = &props.current {
        if !models.contains(current) {
            models.insert(0, current.clone());
        }
    }
    let current = props.current.clone().unwrap_or_default();
    html! {
        <label>{ "Model " }
            <select onchange={on_select} aria-label="Model" data-testid="model-filter">
                <option value="" selected={current.is_empty()}>{ "Any model" }</option>
                { for models.iter().map(|m| html! {
                    <option value={m.clone()} selected={*m == current}>{ m.clone() }</option>
                }) }
            </select>
        </label>
    }
}
