//! Date-range presets (24h / 7d / 1m / 3m / custom) and metric-type filters (status, model)
//! of the detail page. The bar only reports new [`Filters`]; the page puts them in the URL.

use chrono::NaiveDate;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::filters::{custom, Filters, RangeChoice, StatusFilter};

#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    pub filters: Filters,
    pub today: NaiveDate,
    pub on_change: Callback<Filters>,
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The filter bar.
#[component]
pub fn FilterBar(props: &FilterBarProps) -> Html {
    let f = &props.filters;
    let (start, end) = f.range.days(props.today);
    let is_custom = matches!(f.range, RangeChoice::Custom { .. });
    let show_custom = use_state(|| is_custom);

    let presets = RangeChoice::PRESETS.iter().map(|preset| {
        let active = f.range == *preset;
        let onclick = {
            let f = f.clone();
            let cb = props.on_change.clone();
            let show_custom = show_custom.clone();
            let preset = *preset;
            Callback::from(move |_| {
                show_custom.set(false);
                cb.emit(Filters {
                    range: preset,
                    ..f.clone()
                });
            })
        };
        html! {
            <button class={classes!("chip", active.then_some("chip-active"))}
                    aria-pressed={active.to_string()} data-range={preset.key()} {onclick}>
                { preset.label() }
            </button>
        }
    });

    let custom_toggle = {
        let show_custom = show_custom.clone();
        Callback::from(move |_| show_custom.set(!*show_custom))
    };
    let on_date = |is_start: bool| {
        let f = f.clone();
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let Ok(date) = NaiveDate::parse_from_str(&input_value(&e), "%Y-%m-%d") else {
                return;
            };
            let (a, b) = (
                if is_start { date } else { start },
                if is_start { end } else { date },
            );
            cb.emit(Filters {
                range: custom(a, b),
                ..f.clone()
            });
        })
    };
    let on_status = {
        let f = f.clone();
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            cb.emit(Filters {
                status: StatusFilter::parse(&value),
                ..f.clone()
            });
        })
    };
    let on_model = {
        let f = f.clone();
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let value = input_value(&e);
            let model = Some(value.trim().to_owned()).filter(|m| !m.is_empty());
            cb.emit(Filters { model, ..f.clone() });
        })
    };
    let status = f.status.map(|s| s.key()).unwrap_or("");

    html! {
        <div class="filters" role="group" aria-label="Filters">
            <div class="filter-group" role="group" aria-label="Date range">
                { for presets }
                <button class={classes!("chip", is_custom.then_some("chip-active"))}
                        aria-pressed={is_custom.to_string()} data-range="custom" onclick={custom_toggle}>
                    { "Custom" }
                </button>
            </div>
            if *show_custom || is_custom {
                <div class="filter-group">
                    <label>{ "From " }<input type="date" value={start.to_string()} max={props.today.to_string()} onchange={on_date(true)} /></label>
                    <label>{ "to " }<input type="date" value={end.to_string()} max={props.today.to_string()} onchange={on_date(false)} /></label>
                </div>
            }
            <div class="filter-group">
                <label>{ "Status " }
                    <select onchange={on_status} aria-label="Status">
                        <option value="" selected={status.is_empty()}>{ "All" }</option>
                        <option value="success" selected={status == "success"}>{ "Success" }</option>
                        <option value="error" selected={status == "error"}>{ "Error" }</option>
                    </select>
                </label>
                <label>{ "Model " }
                    <input type="text" placeholder="any model" value={f.model.clone().unwrap_or_default()}
                           onchange={on_model} aria-label="Model" size="12" />
                </label>
            </div>
        </div>
    }
}
