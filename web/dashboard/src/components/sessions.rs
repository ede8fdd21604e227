//! The live sessions panel (`/costs` and the wallboard): the sessions active right now, with
//! their uptime, model, calls and cost so far. The count comes from the live WebSocket's
//! `sessions` messages; the list from `GET /sessions/live`, fetched again when such a message
//! arrives (at most once a second) and every 10 seconds (uptimes, sessions that went idle).
//! A session's id links to its calls on `/runs`.

use std::collections::BTreeMap;

use protocol::sessions::LiveSession;
use serde::Serialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::format;
use crate::hooks::{use_api, use_refresh_on, use_tick};
use crate::route::Route;
use crate::session::Session;

/// The query of a session's calls on `/runs`.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct SessionQuery {
    session: String,
}

/// Sessions listed at most.
const SHOWN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct SessionsPanelProps {
    pub session: Session,
    /// One assistant, or all of the user's.
    pub assistant: Option<i64>,
    /// Assistant names by id.
    pub names: BTreeMap<i64, String>,
    /// `LiveState::session_updates`.
    pub updates: u64,
    /// Active sessions by the live feed (summed over the assistants on screen).
    pub live_count: Option<usize>,
    /// Wallboard style (fewer columns, larger).
    #[prop_or_default]
    pub wall: bool,
}

/// "3 min", "2 h 5 min".
pub fn uptime(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        0 => format!("{} s", seconds.max(0)),
        m if m < 60 => format!("{m} min"),
        m => format!("{} h {} min", m / 60, m % 60),
    }
}

/// The panel.
#[component]
pub fn SessionsPanel(props: &SessionsPanelProps) -> Html {
    let tick = use_tick(10_000);
    let changed = use_refresh_on(props.updates, 1_000);
    let list = use_api(
        (props.session.clone(), props.assistant, tick, changed),
        |(session, assistant, _, _)| async move { session.api().live_sessions(assistant).await },
    );
    let count = props
        .live_count
        .or_else(|| list.state.data.as_ref().map(|l| l.count));
    let rows: Vec<LiveSession> = list
        .state
        .data
        .as_ref()
        .map(|l| l.sessions.iter().take(SHOWN).cloned().collect())
        .unwrap_or_default();
    let class = classes!("card", "sessions", props.wall.then_some("sessions-wall"));
    html! {
        <section {class} data-testid="live-sessions" aria-label="Live sessions">
            <h3>
                { "Live sessions " }
                <span class="badge" data-testid="live-sessions-count" data-value={count.map(|c| c.to_string()).unwrap_or_default()}>
                    { count.map_or_else(|| "…".to_owned(), |c| c.to_string()) }
                </span>
            </h3>
            if rows.is_empty() {
                <p class="muted">{ "No session is active. Events that carry a sessionId form sessions; one ends when it has been idle for the timeout (5 minutes by default)." }</p>
            } else {
                <div class="table-wrap"><table class="table">
                    <thead><tr>
                        <th scope="col">{ "Session" }</th><th scope="col">{ "Assistant" }</th>
                        if !props.wall { <th scope="col">{ "Model" }</th> }
                        <th scope="col">{ "Uptime" }</th><th scope="col">{ "Calls" }</th><th scope="col">{ "Cost" }</th>
                    </tr></thead>
                    <tbody>{ for rows.iter().map(|s| html! {
                        <tr data-testid="session-row" data-session={s.session_id.clone()} data-calls={s.calls.to_string()} data-cost={s.cost.to_string()}>
                            <th scope="row" title={s.session_id.clone()}>
                                <Link<Route, SessionQuery> to={Route::Runs} query={Some(SessionQuery { session: s.session_id.clone() })}>
                                    { short(&s.session_id) }
                                </Link<Route, SessionQuery>>
                            </th>
                            <td>{ props.names.get(&s.assistant_id).cloned().unwrap_or_else(|| format!("#{}", s.assistant_id)) }</td>
                            if !props.wall { <td>{ s.model.clone().unwrap_or_else(|| "–".to_owned()) }</td> }
                            <td>{ uptime(s.uptime_seconds) }</td>
                            <td>{ format::count(s.calls) }</td>
                            <td>{ format::usd(s.cost) }</td>
                        </tr>
                    }) }</tbody>
                </table></div>
            }
        </section>
    }
}

/// A session id short enough for a table cell (the full id is the cell's title).
fn short(id: &str) -> String {
    if id.chars().count() > 18 {
        format!("{}…", id.chars().take(17).collect::<String>())
    } else {
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptimes_and_ids_read_at_a_glance() {
        assert_eq!(uptime(42), "42 s");
        assert_eq!(uptime(600), "10 min");
        assert_eq!(uptime(7_500), "2 h 5 min");
        assert_eq!(short("chat-123"), "chat-123");
        assert_eq!(short("0123456789abcdefghij"), "0123456789abcdefg…");
    }
}
