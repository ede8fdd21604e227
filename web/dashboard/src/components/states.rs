//! Loading (a spinner, or a skeleton of the page's shape), empty and error states, so every
//! page says what is going on instead of showing a blank area.

use yew::prelude::*;

use crate::api::ApiError;

#[derive(Properties, PartialEq)]
pub struct LoadingProps {
    #[prop_or(AttrValue::Static("Loading…"))]
    pub label: AttrValue,
}

/// A spinner with a label.
#[component]
pub fn Loading(props: &LoadingProps) -> Html {
    html! {
        <div class="state state-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span>{ props.label.clone() }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SkeletonProps {
    /// What is loading, for screen readers.
    pub label: AttrValue,
    /// Placeholder KPI cards.
    #[prop_or(6)]
    pub cards: usize,
    /// Placeholder charts.
    #[prop_or(2)]
    pub charts: usize,
}

/// The shape of a page of KPI cards and charts while its data loads, so the layout does not
/// jump when it arrives.
#[component]
pub fn Skeleton(props: &SkeletonProps) -> Html {
    html! {
        <div class="skeleton" role="status" aria-live="polite" aria-label={props.label.clone()} data-testid="skeleton">
            <div class="kpis kpis-grid">
                { for (0..props.cards).map(|_| html! { <div class="kpi skeleton-block skeleton-card"></div> }) }
            </div>
            <div class="charts">
                { for (0..props.charts).map(|_| html! { <div class="card skeleton-block skeleton-chart"></div> }) }
            </div>
            <span class="visually-hidden">{ props.label.clone() }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmptyProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub children: Html,
}

/// Nothing to show yet, and what to do about it.
#[component]
pub fn Empty(props: &EmptyProps) -> Html {
    html! {
        <div class="state state-empty">
            <p class="state-title">{ props.title.clone() }</p>
            { props.children.clone() }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorBoxProps {
    pub error: ApiError,
    /// What failed, e.g. "Could not load the charts".
    #[prop_or(AttrValue::Static("Something went wrong"))]
    pub title: AttrValue,
    #[prop_or_default]
    pub retry: Option<Callback<()>>,
}

/// Human words for an error.
pub fn explain(error: &ApiError) -> String {
    match error {
        ApiError::NotFound(detail) => {
            format!("Not found: {detail}. It may not exist, may not be yours, or this hub does not offer it yet.")
        }
        ApiError::Network(_) => {
            "The hub cannot be reached. Check that it is running; this page retries when you ask."
                .to_owned()
        }
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

/// An error with an optional retry button.
#[component]
pub fn ErrorBox(props: &ErrorBoxProps) -> Html {
    let retry = props.retry.clone().map(|cb| {
        html! { <button class="button" onclick={Callback::from(move |_| cb.emit(()))}>{ "Try again" }</button> }
    });
    html! {
        <div class="state state-error" role="alert">
            <p class="state-title">{ props.title.clone() }</p>
            <p class="state-detail">{ explain(&props.error) }</p>
            { for retry }
        </div>
    }
}
