//! Metrics: charts of metrics pulled on a schedule from external APIs (GitHub stars, YouTube
//! views, PostHog events, a sheet's column, any JSON URL; docs/sources.md). The page shows a
//! grid of the user's widgets (each a [`widget`] card: its chart or KPI tile as the hub computed
//! it, when its source was last fetched, its error, a refresh button, its [`settings`] and its
//! source's [`transformer`]), and the [`add`] form: a template, its parameters, a
//! [`connection`], a frequency, and the new chart with its history at once.
//!
//! The page loads the widgets, the sources and the templates, and follows every shown source
//! on the tab's live feed, so a poll redraws its charts without a reload.

mod add;
mod connection;
mod settings;
mod transformer;
mod widget;

use std::collections::BTreeMap;
use std::rc::Rc;

use protocol::sources::{SourceView, TemplateView, WidgetView};
use yew::prelude::*;

use crate::components::{Empty, ErrorBox, Loading, Nav};
use crate::hooks::{use_api, use_live_sources, use_require_session, ApiHandle};
use crate::live::SourcesLive;
use crate::session::Session;
use add::AddMetric;
use widget::WidgetCard;

/// The Metrics page (guard).
#[component]
pub fn MetricsPage() -> Html {
    match use_require_session() {
        Some(session) => html! { <Metrics {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn Metrics(props: &PageProps) -> Html {
    let session = props.session.clone();
    let widgets = use_api(session.clone(), |s| async move { s.api().widgets().await });
    let sources = use_api(session.clone(), |s| async move { s.api().sources().await });
    let templates = use_api(
        session.clone(),
        |s| async move { s.api().templates().await },
    );
    let adding = use_state(|| false);
    let by_id: Rc<BTreeMap<i64, SourceView>> = Rc::new(
        sources
            .state
            .data
            .iter()
            .flat_map(|l| l.iter().map(|s| (s.id, s.clone())))
            .collect(),
    );
    let template_list: Rc<Vec<TemplateView>> = templates
        .state
        .data
        .as_deref()
        .cloned()
        .map(Rc::new)
        .unwrap_or_default();
    let live = use_live_sources(by_id.keys().copied().collect());
    let reload_all = {
        let (w, s) = (widgets.reload.clone(), sources.reload.clone());
        Callback::from(move |()| {
            w.emit(());
            s.emit(());
        })
    };
    let toggle = {
        let adding = adding.clone();
        Callback::from(move |_| adding.set(!*adding))
    };
    let on_created = {
        let (adding, reload_all) = (adding.clone(), reload_all.clone());
        Callback::from(move |()| {
            adding.set(false);
            reload_all.emit(());
        })
    };
    let grid = grid(
        &session,
        &widgets,
        &by_id,
        &template_list,
        &live,
        &reload_all,
    );
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Metrics" }</h1>
                    <button class="button button-primary" type="button" onclick={toggle} aria-expanded={adding.to_string()}>
                        { if *adding { "Close" } else { "Add metric" } }
                    </button>
                </div>
                <p class="muted">{ "Metrics fetched on a schedule from external APIs, stored as history, charted here and updated live." }</p>
                if *adding {
                    <AddMetric session={session.clone()} templates={template_list.clone()}
                               templates_error={templates.state.error.clone()} {on_created} />
                }
                { grid }
            </main>
        </>
    }
}

/// The widgets, or why there are none.
fn grid(
    session: &Session,
    widgets: &ApiHandle<Vec<WidgetView>>,
    by_id: &BTreeMap<i64, SourceView>,
    template_list: &[TemplateView],
    live: &SourcesLive,
    reload_all: &Callback<()>,
) -> Html {
    match (&widgets.state.data, &widgets.state.error) {
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No metrics yet">
                <p class="muted">{ "Add one: pick a template such as GitHub stars, fill in the repository, and its history appears at once." }</p>
            </Empty>
        },
        (Some(list), _) => html! {
            <div class="metrics-grid" data-testid="metrics-grid">
                { for list.iter().map(|w| {
                    let source = by_id.get(&w.source_id).cloned();
                    let template = source.as_ref().and_then(|s| template_list.iter().find(|t| t.id == s.template_id).cloned());
                    let polled = live.by_id.get(&w.source_id).cloned();
                    html! {
                        <WidgetCard key={w.id} session={session.clone()} widget={w.clone()} {source} {template}
                                    {polled} on_changed={reload_all.clone()} />
                    }
                }) }
            </div>
        },
        (None, Some(error)) => html! {
            <ErrorBox error={error.clone()} title="Could not load your metrics" retry={widgets.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading your metrics…" /> },
    }
}
