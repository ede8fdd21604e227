//! The live feed in the browser: one WebSocket to `/api/v1/ws/live` per tab, shared by every
//! page and the toasts.
//!
//! [`use_live_feed`] owns the socket (used once, by `components::LiveProvider` at the app
//! root): it subscribes to the given assistants, feeds applied messages into a `use_reducer`
//! [`LiveState`], reconnects with exponential backoff when the connection drops, and resumes
//! with `since` (the last `seq` per assistant) so no update is lost; a `seq` gap triggers a
//! resubscribe from the last good `seq` (all of it decided by [`SeqTracker`]), and the budget
//! alerts of the delta that revealed the gap are kept (an assistant's first delta always jumps).
//!
//! Pages call [`use_live`] with the assistants they show: it tells the provider to follow
//! them (a page may show an assistant that is not the user's, e.g. an admin's view) and gives
//! the page the shared state seen through [`LiveState::only`]. Moving between pages therefore
//! opens no socket and loses no state. Pages that show sources (the Metrics area) call
//! [`use_live_sources`] the same way: the feed follows them with `subscribeSources` and
//! reports each poll (`source` messages) into [`LiveState::sources`].

use std::collections::BTreeMap;
use std::pin::Pin;
use std::rc::Rc;

use chrono::Utc;
use futures::future::{AbortHandle, Abortable};

use futures::{Sink, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::filters::encode;
use crate::hooks::use_session;
use crate::live::{backoff, protocol};
use crate::live::{Connection, LiveAction, LiveState, SeqTracker, Verdict};

/// The live endpoint's path.
pub const LIVE_PATH: &str = "/api/v1/ws/live";

/// `ws[s]://host/api/v1/ws/live?token=...` for a page served from `protocol//host`.
pub fn ws_url(page_protocol: &str, host: &str, token: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}{LIVE_PATH}?token={}", encode(token))
}

/// What the tab's live feed offers the components below `components::LiveProvider`.
#[derive(Clone, PartialEq)]
pub struct LiveContext {
    /// Everything the feed has told this tab.
    pub state: UseReducerHandle<LiveState>,
    /// The user's assistants' names by id (for alert texts).
    pub names: Rc<BTreeMap<i64, String>>,
    /// Where pages say which assistants they show.
    pub wanted: UseReducerDispatcher<Wanted>,
}

/// The assistants (and sources) the mounted pages show, by the page's key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wanted {
    by_page: BTreeMap<u64, Vec<i64>>,
    sources_by_page: BTreeMap<u64, Vec<i64>>,
}

/// A page shows these assistants (again, with a new list), or no longer shows any.
#[derive(Clone, Debug, PartialEq)]
pub enum Want {
    Show {
        page: u64,
        assistants: Vec<i64>,
    },
    Hide {
        page: u64,
    },
    /// A page shows these sources (again, with a new list).
    ShowSources {
        page: u64,
        sources: Vec<i64>,
    },
    /// A page no longer shows any source.
    HideSources {
        page: u64,
    },
}

impl Wanted {
    /// Every assistant some page shows.
    pub fn all(&self) -> impl Iterator<Item = i64> + '_ {
        self.by_page.values().flatten().copied()
    }

    /// Every source some page shows.
    pub fn sources(&self) -> impl Iterator<Item = i64> + '_ {
        self.sources_by_page.values().flatten().copied()
    }
}

impl Reducible for Wanted {
    type Action = Want;

    fn reduce(self: Rc<Self>, action: Want) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Want::Show { page, assistants } => next.by_page.insert(page, assistants),
            Want::Hide { page } => next.by_page.remove(&page),
            Want::ShowSources { page, sources } => next.sources_by_page.insert(page, sources),
            Want::HideSources { page } => next.sources_by_page.remove(&page),
        };
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

thread_local! {
    static NEXT_PAGE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A key for one mounted page.
fn next_page() -> u64 {
    NEXT_PAGE.with(|next| {
        let page = next.get();
        next.set(page.wrapping_add(1));
        page
    })
}

/// The polls of `sources` the tab's feed reports (it follows them while the caller is
/// mounted); outside a `LiveProvider`, none.
#[hook]
pub fn use_live_sources(sources: Vec<i64>) -> Rc<crate::live::SourcesLive> {
    let context = use_context::<LiveContext>();
    let page = *use_memo((), |()| next_page());
    {
        let wanted = context.as_ref().map(|c| c.wanted.clone());
        use_effect_with(sources, move |sources| {
            if let Some(wanted) = &wanted {
                wanted.dispatch(Want::ShowSources {
                    page,
                    sources: sources.clone(),
                });
            }
            move || {
                if let Some(wanted) = wanted {
                    wanted.dispatch(Want::HideSources { page });
                }
            }
        });
    }
    let state = context.map(|c| c.state);
    use_memo(state, |state| {
        state
            .as_ref()
            .map(|s| s.sources.clone())
            .unwrap_or_default()
    })
}

/// The live state of `assistants` (the tab's one feed, seen through [`LiveState::only`]);
/// outside a `LiveProvider`, an idle state.
#[hook]
pub fn use_live(assistants: Vec<i64>) -> Rc<LiveState> {
    let context = use_context::<LiveContext>();
    let page = *use_memo((), |()| next_page());
    {
        let wanted = context.as_ref().map(|c| c.wanted.clone());
        use_effect_with(assistants.clone(), move |assistants| {
            if let Some(wanted) = &wanted {
                wanted.dispatch(Want::Show {
                    page,
                    assistants: assistants.clone(),
                });
            }
            move || {
                if let Some(wanted) = wanted {
                    wanted.dispatch(Want::Hide { page });
                }
            }
        });
    }
    let state = context.map(|c| c.state);
    use_memo((state, assistants), |(state, assistants)| match state {
        Some(state) => state.only(assistants),
        None => LiveState::default(),
    })
}

/// The socket itself: the live state of `assistants` (and the polls of `sources`), updated
/// as the hub reports changes. One per tab (see the module doc); pages use [`use_live`] and
/// [`use_live_sources`].
#[hook]
pub fn use_live_feed(assistants: Vec<i64>, sources: Vec<i64>) -> UseReducerHandle<LiveState> {
    let state = use_reducer(LiveState::default);
    let token = use_session().map(|s| s.token);
    {
        let dispatcher = state.dispatcher();
        use_effect_with(
            (token, assistants, sources),
            move |(token, assistants, sources)| {
                dispatcher.dispatch(LiveAction::Retain(assistants.clone()));
                let location = web_sys::window().map(|w| w.location());
                let url = match (token, location) {
                    (Some(token), Some(loc)) if !assistants.is_empty() || !sources.is_empty() => {
                        match (loc.protocol(), loc.host()) {
                            (Ok(protocol), Ok(host)) => Some(ws_url(&protocol, &host, token)),
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let abort = match url {
                    Some(url) => {
                        let (handle, registration) = AbortHandle::new_pair();
                        let task = run(url, assistants.clone(), sources.clone(), dispatcher);
                        spawn_local(async move {
                            let _ = Abortable::new(task, registration).await;
                        });
                        Some(handle)
                    }
                    None => {
                        dispatcher.dispatch(LiveAction::Connection(Connection::Idle));
                        None
                    }
                };
                // Aborting drops the socket, which closes it.
                move || {
                    if let Some(handle) = abort {
                        handle.abort();
                    }
                }
            },
        );
    }
    state
}

/// Subscribes to `assistants` (resuming from `since`) and to `sources`, each only if there is
/// one; whether the socket took it.
async fn subscribe_all(
    ws: &mut WebSocket,
    assistants: &[i64],
    since: &BTreeMap<i64, u64>,
    sources: &[i64],
) -> bool {
    if !assistants.is_empty()
        && !send_when_open(
            ws,
            protocol::to_json(&protocol::subscribe(assistants, since)),
        )
        .await
    {
        return false;
    }
    sources.is_empty()
        || send_when_open(ws, protocol::to_json(&protocol::subscribe_sources(sources))).await
}

/// Connects, reads, and reconnects, until aborted.
async fn run(
    url: String,
    assistants: Vec<i64>,
    sources: Vec<i64>,
    dispatch: UseReducerDispatcher<LiveState>,
) {
    let mut tracker = SeqTracker::default();
    let mut attempt: u32 = 0;
    loop {
        dispatch.dispatch(LiveAction::Connection(Connection::Connecting { attempt }));
        if let Ok(mut ws) = WebSocket::open(&url) {
            if subscribe_all(&mut ws, &assistants, tracker.since(), &sources).await {
                // Open and subscribed: live, even if nothing is replayed or happens for a
                // while (a resume with nothing missed gets no message at all).
                dispatch.dispatch(LiveAction::Connection(Connection::Live));
                while let Some(frame) = ws.next().await {
                    let text = match frame {
                        Ok(Message::Text(text)) => text,
                        Ok(Message::Bytes(_)) => continue,
                        Err(_) => break,
                    };
                    let Ok(message) = protocol::parse(&text) else {
                        continue; // not ours to understand; the next frame may be
                    };
                    if message == protocol::ServerMessage::Unknown {
                        dispatch_struct_message(&text, &dispatch);
                        continue;
                    }
                    // A working connection: the next drop starts the backoff afresh.
                    attempt = 0;
                    match tracker.check(&message) {
                        Verdict::Apply => dispatch.dispatch(LiveAction::Message {
                            message: Box::new(message),
                            received: Utc::now(),
                        }),
                        Verdict::Ignore => {}
                        Verdict::Resync {
                            assistant_id,
                            since,
                        } => {
                            // Only what came before this delta may be missing: its alerts are
                            // real, and the snapshot a resync may bring would not carry them.
                            if let protocol::ServerMessage::Delta { alerts, .. } = &message {
                                if !alerts.is_empty() {
                                    dispatch.dispatch(LiveAction::Alerts(alerts.clone()));
                                }
                            }
                            let since = since
                                .map(|seq| std::collections::BTreeMap::from([(assistant_id, seq)]))
                                .unwrap_or_default();
                            let again = protocol::subscribe(&[assistant_id], &since);
                            if !send_when_open(&mut ws, protocol::to_json(&again)).await {
                                break;
                            }
                        }
                    }
                }
            }
        }
        tracker.disconnected();
        let delay = backoff::delay_ms(attempt, js_sys::Math::random());
        dispatch.dispatch(LiveAction::Connection(Connection::Reconnecting {
            attempt: attempt.saturating_add(1),
            retry_in_ms: delay,
        }));
        TimeoutFuture::new(delay).await;
        attempt = attempt.saturating_add(1);
    }
}

/// Applies a message sent as a struct of its own (`sessions`, `source`, `ruleAlerts`), which
/// parses as [`protocol::ServerMessage::Unknown`]. Tagged structs do not check their tag when
/// parsed: pick by `type`.
fn dispatch_struct_message(text: &str, dispatch: &UseReducerDispatcher<LiveState>) {
    match message_type(text).as_deref() {
        Some("sessions") => {
            if let Ok(s) = serde_json::from_str::<protocol::SessionsMessage>(text) {
                dispatch.dispatch(LiveAction::Sessions {
                    assistant_id: s.assistant_id,
                    active: s.active_sessions,
                });
            }
        }
        Some("source") => {
            if let Ok(s) = serde_json::from_str::<::protocol::live::SourceMessage>(text) {
                dispatch.dispatch(LiveAction::Source(Box::new(s)));
            }
        }
        Some("ruleAlerts") => {
            if let Ok(r) = serde_json::from_str::<::protocol::live::RuleAlertsMessage>(text) {
                dispatch.dispatch(LiveAction::RuleAlerts(r.alerts));
            }
        }
        _ => {}
    }
}

/// The `type` of a server message, read on its own.
fn message_type(text: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Typed {
        #[serde(rename = "type")]
        kind: String,
    }
    serde_json::from_str::<Typed>(text).ok().map(|t| t.kind)
}

/// Waits until the socket is no longer connecting, then sends `text` if it is open. A socket
/// that failed to open is not written to (the browser would log an error for that).
async fn send_when_open(ws: &mut WebSocket, text: String) -> bool {
    let ready = futures::future::poll_fn(|cx| Pin::new(&mut *ws).poll_ready(cx)).await;
    ready.is_ok()
        && matches!(ws.state(), State::Open)
        && Pin::new(&mut *ws).start_send(Message::Text(text)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_told_apart_by_their_type() {
        let rules = r#"{"type":"ruleAlerts","assistantId":1,"seq":2,"alerts":[]}"#;
        assert_eq!(message_type(rules).as_deref(), Some("ruleAlerts"));
        // Without the check, this would parse as a sessions message (its tag is not checked).
        assert!(serde_json::from_str::<protocol::SessionsMessage>(rules).is_ok());
        assert_eq!(message_type("[1]"), None);
    }

    #[test]
    fn socket_url_follows_the_page() {
        assert_eq!(
            ws_url("http:", "127.0.0.1:8080", "a.b+c"),
            "ws://127.0.0.1:8080/api/v1/ws/live?token=a.b%2Bc"
        );
        assert_eq!(
            ws_url("https:", "hub.example.com", "t"),
            "wss://hub.example.com/api/v1/ws/live?token=t"
        );
    }
}
