//! The wallboard (`/wall`): every assistant of the user on one dark full-screen page with
//! large numbers, updating live with nobody touching it (made for a TV): today's and the last
//! 24 hours' numbers per assistant, the live cost ticker, the 24-hour latency p95 and error
//! rate (coloured by threshold), budget alerts as they arrive, and the live sessions. The REST parts refetch
//! every minute and (throttled) after live deltas; the live parts come from the WebSocket.

use std::collections::BTreeMap;

use chrono::Local;
use yew::prelude::*;

use crate::components::{
    AssistantTile, Empty, ErrorBox, LiveIndicator, Loading, SessionsPanel, TileData,
};
use crate::filters::{Filters, RangeChoice};
use crate::format;
use crate::hooks::{use_api, use_live, use_refresh_on, use_require_session, use_tick};
use crate::live::{BudgetAlert, LiveState, Totals};
use crate::pages::analytics::query::AnalyticsQuery;
use crate::pages::board::{sum_today, use_board};
use crate::pages::costs::ticker::{ticker, CostTicker};
use crate::session::Session;

/// Refetch the 24-hour figures at most this often while live deltas arrive.
const LIVE_REFRESH_MS: u32 = 10_000;
/// Alerts shown at once (newest first).
const SHOWN_ALERTS: usize = 3;

/// The wallboard (guard).
#[component]
pub fn Wall() -> Html {
    match use_require_session() {
        Some(session) => html! { <WallPage {session} /> },
        None => html! { <div class="wall"><Loading label="Redirecting to log in…" /></div> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn WallPage(props: &PageProps) -> Html {
    let refresh = use_tick(5 * 60 * 1000);
    let _clock = use_tick(1000);
    let board = use_board(props.session.clone(), refresh);
    let ids = board
        .state
        .data
        .as_ref()
        .map(|b| b.ids())
        .unwrap_or_default();
    let live = use_live(ids.clone());
    let minute = use_tick(60 * 1000);
    let changed = use_refresh_on(live.last_update, LIVE_REFRESH_MS);
    let day = use_api(
        (props.session.clone(), minute, changed),
        |(session, _, _)| async move {
            let q = AnalyticsQuery {
                filters: Filters {
                    range: RangeChoice::Day,
                    ..Filters::default()
                },
                assistant: None,
                domain: None,
                session: None,
            };
            session.api().dashboard(&q.dashboard_params()).await
        },
    );

    let full_screen = Callback::from(|_| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.request_fullscreen();
        }
    });

    let (header_totals, body) = match (&board.state.data, &board.state.error) {
        (None, Some(error)) => (
            Html::default(),
            html! { <ErrorBox title="Could not load the wallboard" error={error.clone()} retry={board.reload.clone()} /> },
        ),
        (None, None) => (
            Html::default(),
            html! { <Loading label="Loading the wallboard…" /> },
        ),
        (Some(b), _) if b.assistants.is_empty() => (
            Html::default(),
            html! { <Empty title="No assistants yet"><p>{ "Create one from the dashboard; it shows up here." }</p></Empty> },
        ),
        (Some(b), _) => {
            let tiles = b.tiles(&live);
            let p95 = day.state.data.as_ref().and_then(|d| d.summary.latency.p95);
            let names = b
                .assistants
                .iter()
                .map(|(a, _)| (a.id, a.name.clone()))
                .collect();
            (
                header_totals(&sum_today(&tiles), p95),
                wall_body(tiles, &live, &ids, names, &props.session),
            )
        }
    };

    html! {
        <div class="wall" data-testid="wall">
            <header class="wall-head">
                <div class="wall-title">
                    <h1>{ "metrics-hub" }</h1>
                    <span class="wall-clock">{ format::clock(&Local::now()) }</span>
                </div>
                { header_totals }
                <div class="wall-side">
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                    <button class="button button-quiet wall-fs" onclick={full_screen} title="Full screen">{ "Full screen" }</button>
                </div>
            </header>
            { body }
        </div>
    }
}

/// Today's totals and the 24-hour p95, in the header.
fn header_totals(total: &Totals, p95: Option<i64>) -> Html {
    let level = format::error_level(total.errors, total.calls);
    html! {
        <div class="wall-totals">
            <div><span class="wall-big" data-testid="wall-total-calls">{ format::compact(total.calls as f64) }</span><span>{ "calls today" }</span></div>
            <div><span class="wall-big" data-testid="wall-total-cost">{ format::usd(total.cost) }</span><span>{ "cost today" }</span></div>
            <div><span class={classes!("wall-big", format!("rate-{level}"))} data-testid="wall-errors" data-level={level}>{ format::error_rate_text(total.errors, total.calls) }</span><span>{ "errors today" }</span></div>
            <div><span class="wall-big" data-testid="wall-p95" data-value={p95.map(|v| v.to_string()).unwrap_or_default()}>
                { p95.map_or_else(|| "–".to_owned(), |v| format!("{} ms", format::count(v))) }
            </span><span>{ "p95, 24 h" }</span></div>
        </div>
    }
}

/// The ticker and alerts, the tiles, and the live sessions.
fn wall_body(
    tiles: Vec<TileData>,
    live: &LiveState,
    ids: &[i64],
    names: BTreeMap<i64, String>,
    session: &Session,
) -> Html {
    let live_count = live.active_sessions_of(ids);
    html! {
        <>
            <div class="wall-strip">
                <CostTicker ticker={ticker(live, ids, chrono::Utc::now())} connection={live.connection.clone()} />
                <WallAlerts alerts={live.alerts.iter().take(SHOWN_ALERTS).cloned().collect::<Vec<_>>()} />
            </div>
            <section class="tiles tiles-wall" aria-label="Assistants">
                { for tiles.into_iter().map(|data| { let key = data.id; html! { <AssistantTile {key} {data} wall=true /> } }) }
            </section>
            <SessionsPanel session={session.clone()} assistant={None::<i64>} wall=true {names}
                           updates={live.session_updates} {live_count} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct WallAlertsProps {
    alerts: Vec<BudgetAlert>,
}

/// The newest budget alerts, large enough to read across a room.
#[component]
fn WallAlerts(props: &WallAlertsProps) -> Html {
    if props.alerts.is_empty() {
        return html! { <section class="wall-alerts wall-alerts-none" data-testid="wall-alerts">{ "No budget alerts" }</section> };
    }
    html! {
        <section class="wall-alerts" role="status" aria-live="polite" data-testid="wall-alerts">
            { for props.alerts.iter().map(|a| html! {
                <p class="wall-alert" data-testid="wall-alert" data-budget={a.budget_id.to_string()}>
                    { format!("⚠ {} budget {} at {}%: {} of {}", a.period, a.budget_id, a.threshold, format::usd(a.spent), format::usd(a.limit)) }
                </p>
            }) }
        </section>
    }
}
