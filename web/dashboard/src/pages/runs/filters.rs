//! The runs page's own filter bar: country, minimum latency, minimum cost and the order, and,
//! when the view is one chart bucket (a drill-down from /analytics), which bucket with a way
//! back to the whole range; in another order than newest first, that the list does not follow
//! new calls. The bar only reports new [`RunsFilters`]; the page puts them in the URL.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::hooks::{use_synced_text_input, TextInput};

use super::query::{parse_cost, parse_country, parse_latency, RunsFilters, Sort};

#[derive(Properties, PartialEq)]
pub struct RunsFilterBarProps {
    pub filters: RunsFilters,
    pub on_change: Callback<RunsFilters>,
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn show_country(f: &RunsFilters) -> String {
    f.country.clone().unwrap_or_default()
}

fn show_latency(f: &RunsFilters) -> String {
    f.min_latency_ms.map(|v| v.to_string()).unwrap_or_default()
}

fn show_cost(f: &RunsFilters) -> String {
    f.min_cost.map(|v| v.to_string()).unwrap_or_default()
}

/// The bar. Text fields apply on change (Enter or leaving the field); until then each keeps
/// what is typed in its own state, so a live update that re-renders the page does not wipe it.
/// A value the API would refuse clears that filter.
#[component]
pub fn RunsFilterBar(props: &RunsFilterBarProps) -> Html {
    let f = &props.filters;
    let country = use_synced_text_input(show_country(f));
    let latency = use_synced_text_input(show_latency(f));
    let cost = use_synced_text_input(show_cost(f));
    // Applies the typed text, and shows what was applied (a refused text clears the field).
    let changed = |input: &TextInput,
                   edit: fn(&mut RunsFilters, String),
                   show: fn(&RunsFilters) -> String| {
        let (f, cb, input) = (f.clone(), props.on_change.clone(), input.clone());
        Callback::from(move |e: Event| {
            let mut next = f.clone();
            edit(&mut next, input_value(&e));
            input.set(show(&next));
            cb.emit(next);
        })
    };
    let on_sort = {
        let (f, cb) = (f.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            cb.emit(RunsFilters {
                sort: Sort::parse(&value).unwrap_or_default(),
                ..f.clone()
            });
        })
    };
    html! {
        <div class="filter-group" role="group" aria-label="Call filters">
            <label>{ "Country " }
                <input type="text" class="code" maxlength="2" placeholder="any" aria-label="Country"
                       data-testid="country-filter" value={country.value()} oninput={country.oninput.clone()}
                       onchange={changed(&country, |n, v| n.country = parse_country(&v), show_country)} />
            </label>
            <label>{ "Latency ≥ " }
                <input type="number" class="narrow" min="0" step="1" placeholder="ms" aria-label="Minimum latency (ms)"
                       data-testid="min-latency-filter" value={latency.value()} oninput={latency.oninput.clone()}
                       onchange={changed(&latency, |n, v| n.min_latency_ms = parse_latency(&v), show_latency)} />
            </label>
            <label>{ "Cost ≥ $" }
                <input type="number" class="narrow" min="0" step="0.001" placeholder="0" aria-label="Minimum cost (USD)"
                       data-testid="min-cost-filter" value={cost.value()} oninput={cost.oninput.clone()}
                       onchange={changed(&cost, |n, v| n.min_cost = parse_cost(&v), show_cost)} />
            </label>
            <label>{ "Order " }
                <select aria-label="Order" data-testid="sort" onchange={on_sort}>
                    { for Sort::ALL.iter().map(|s| html! {
                        <option value={s.key()} selected={*s == f.sort}>{ s.label() }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct BucketNoticeProps {
    pub filters: RunsFilters,
    pub on_change: Callback<RunsFilters>,
}

/// Which chart bucket the view is, and a way back to the whole range.
#[component]
pub fn BucketNotice(props: &BucketNoticeProps) -> Html {
    let f = &props.filters;
    if !f.is_bucket() {
        return Html::default();
    }
    let show = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "…".to_owned())
    };
    let on_clear = {
        let (f, cb) = (f.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            cb.emit(RunsFilters {
                from: None,
                until: None,
                ..f.clone()
            })
        })
    };
    html! {
        <p class="notice" data-testid="bucket-filter">
            { format!("The calls from {} to {} (a chart bucket). ", show(f.from), show(f.until)) }
            <button class="button" data-testid="clear-bucket" onclick={on_clear}>{ "Show every call of these days" }</button>
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct SortNoticeProps {
    pub sort: Sort,
}

/// In any order but newest first, says that new calls are not followed live.
#[component]
pub fn SortNotice(props: &SortNoticeProps) -> Html {
    if props.sort == Sort::Newest {
        return Html::default();
    }
    html! {
        <p class="notice" data-testid="sort-notice">
            { format!("{}: new calls are not added live in this order (they could belong anywhere in it). Reload, or order newest first, to see them.", props.sort.label()) }
        </p>
    }
}
