//! The wallboard (`/wall`): every assistant of the user on one dark full-screen page with
//! large numbers, updating live with nobody touching it (made for a TV).

use chrono::Local;
use yew::prelude::*;

use crate::components::{AssistantTile, Empty, ErrorBox, LiveIndicator, Loading};
use crate::format;
use crate::hooks::{use_live, use_require_session, use_tick};
use crate::pages::board::{sum_today, use_board};
use crate::session::Session;

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
    let live = use_live(ids);

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
            let total = sum_today(&tiles);
            (
                html! {
                    <div class="wall-totals">
                        <div><span class="wall-big" data-testid="wall-total-calls">{ format::compact(total.calls as f64) }</span><span>{ "calls today" }</span></div>
                        <div><span class="wall-big" data-testid="wall-total-cost">{ format::usd(total.cost) }</span><span>{ "cost today" }</span></div>
                        <div><span class="wall-big">{ format::error_rate_text(total.errors, total.calls) }</span><span>{ "errors" }</span></div>
                    </div>
                },
                html! {
                    <section class="tiles tiles-wall" aria-label="Assistants">
                        { for tiles.into_iter().map(|data| { let key = data.id; html! { <AssistantTile {key} {data} wall=true /> } }) }
                    </section>
                },
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
