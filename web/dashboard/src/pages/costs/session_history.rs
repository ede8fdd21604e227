//! Sessions over the page's range, from `GET /sessions`: how many, and how long, how costly and
//! how many calls a session is on average.

use chrono::Utc;
use yew::prelude::*;

use crate::filters::RangeChoice;
use crate::format;
use crate::hooks::use_api;
use crate::session::Session;

#[derive(Properties, PartialEq)]
pub struct SessionAveragesProps {
    pub session: Session,
    pub assistant: Option<i64>,
    pub range: RangeChoice,
    /// Bumped after live deltas (throttled by the page).
    pub refresh: u32,
}

/// The averages card.
#[component]
pub fn SessionAverages(props: &SessionAveragesProps) -> Html {
    let (start, end) = props.range.days(Utc::now().date_naive());
    let history = use_api(
        (
            props.session.clone(),
            start,
            end,
            props.assistant,
            props.refresh,
        ),
        |(session, start, end, assistant, _)| async move {
            session.api().session_history(start, end, assistant).await
        },
    );
    let Some(h) = history.state.data.as_ref() else {
        return html! {
            <section class="card" data-testid="session-history">
                <h3>{ "Sessions in this range" }</h3>
                <p class="muted">{ if history.state.error.is_some() { "Could not load the sessions." } else { "Loading…" } }</p>
            </section>
        };
    };
    let minutes = |s: Option<f64>| {
        s.map_or_else(
            || "–".to_owned(),
            |s| crate::components::sessions::uptime(s.round() as i64),
        )
    };
    let items = [
        (
            "sessions-count",
            "Sessions",
            format::count(h.count),
            Some(h.count as f64),
        ),
        (
            "sessions-duration",
            "Average duration",
            minutes(h.avg_duration_seconds),
            h.avg_duration_seconds,
        ),
        (
            "sessions-cost",
            "Average cost",
            h.avg_cost.map_or_else(|| "–".to_owned(), format::usd),
            h.avg_cost,
        ),
        (
            "sessions-calls",
            "Calls per session",
            h.avg_calls
                .map_or_else(|| "–".to_owned(), |c| format!("{c:.1}")),
            h.avg_calls,
        ),
    ];
    html! {
        <section class="card" data-testid="session-history">
            <h3>{ format!("Sessions, {start} to {end}") }</h3>
            <dl class="kpis kpis-grid">
                { for items.iter().map(|(id, label, text, value)| html! {
                    <div class="kpi" data-testid={*id} data-value={value.map(|v| v.to_string()).unwrap_or_default()}>
                        <dt>{ *label }</dt><dd>{ text.clone() }</dd>
                    </div>
                }) }
            </dl>
        </section>
    }
}
