//! The assistants overview: one live tile per assistant (today's calls, cost, error rate and
//! a two-week sparkline).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{AssistantTile, Empty, ErrorBox, LiveIndicator, Loading, Nav};
use crate::format;
use crate::hooks::{use_live, use_require_session, use_tick};
use crate::pages::board::{sum_today, use_board};
use crate::route::Route;
use crate::session::Session;

/// The overview page (guard).
#[component]
pub fn Overview() -> Html {
    match use_require_session() {
        Some(session) => html! { <OverviewPage {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

#[component]
fn OverviewPage(props: &PageProps) -> Html {
    // Refetch every 5 minutes: new days for the sparklines, assistants made elsewhere.
    let refresh = use_tick(5 * 60 * 1000);
    let board = use_board(props.session.clone(), refresh);
    let ids = board
        .state
        .data
        .as_ref()
        .map(|b| b.ids())
        .unwrap_or_default();
    let live = use_live(ids);

    let content = match (&board.state.data, &board.state.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="Could not load your assistants" error={error.clone()} retry={board.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading your assistants…" /> },
        (Some(b), _) if b.assistants.is_empty() => html! {
            <Empty title="No assistants yet">
                <p>{ "Create an assistant, then send its usage to the hub; it appears here live." }</p>
                <Link<Route> to={Route::NewAssistant} classes="button button-primary">{ "Create an assistant" }</Link<Route>>
            </Empty>
        },
        (Some(b), error) => {
            let tiles = b.tiles(&live);
            let total = sum_today(&tiles);
            html! {
                <>
                    if let Some(error) = error {
                        <ErrorBox title="Showing earlier data: refreshing failed" error={error.clone()} retry={board.reload.clone()} />
                    }
                    <p class="summary-line" data-testid="overview-total">
                        { format!("Today: {} calls, {}, error rate {}",
                            format::count(total.calls), format::usd(total.cost),
                            format::error_rate_text(total.errors, total.calls)) }
                    </p>
                    <section class="tiles" aria-label="Assistants">
                        { for tiles.into_iter().map(|data| { let key = data.id; html! { <AssistantTile {key} {data} /> } }) }
                    </section>
                </>
            }
        }
    };

    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head">
                    <h1>{ "Assistants" }</h1>
                    <LiveIndicator connection={live.connection.clone()} last_update={live.last_update} />
                    <Link<Route> to={Route::NewAssistant} classes="button button-primary">{ "New assistant" }</Link<Route>>
                </div>
                { content }
            </main>
        </>
    }
}
