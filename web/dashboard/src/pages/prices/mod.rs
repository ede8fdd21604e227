//! `/prices`: the model price table. Everyone signed in sees the prices in force and each
//! model's history (input, output and cache-read US$ per million tokens, effective date);
//! admins add table versions; every user lists, adds and removes their own overrides. Calls
//! that send tokens but no cost are priced from these (override first) at the call's time.

mod form;
mod overrides;
mod table;

pub use table::PriceTable;

use protocol::prices::PriceView;
use yew::prelude::*;

use crate::components::{Empty, ErrorBox, Loading, Nav};
use crate::hooks::{use_api, use_require_session, ApiHandle};
use crate::session::Session;
use form::{PriceForm, Target};
use overrides::OverrideList;
use table::PriceHistory;

/// The prices page (guard).
#[component]
pub fn PricesPage() -> Html {
    match use_require_session() {
        Some(session) => html! { <Prices {session} /> },
        None => html! { <Loading label="Redirecting to log in…" /> },
    }
}

#[derive(Properties, PartialEq)]
struct PageProps {
    session: Session,
}

/// The table in force and its history, in loading, error, empty and loaded states.
fn table_section(prices: &ApiHandle<Vec<PriceView>>, admin: bool) -> Html {
    match (&prices.state.data, &prices.state.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="The price table is unavailable" error={error.clone()} retry={prices.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading prices…" /> },
        (Some(list), _) if list.is_empty() => html! {
            <Empty title="No prices yet">
                <p>{ if admin { "Add the first version below: calls that send tokens but no cost are stored at $0 until their model has a price." } else { "An administrator adds prices; until then calls that send tokens but no cost are stored at $0 (your own overrides still apply)." } }</p>
            </Empty>
        },
        (Some(list), _) => html! {
            <>
                <PriceTable prices={list.to_vec()} />
                <PriceHistory prices={list.to_vec()} />
            </>
        },
    }
}

#[component]
fn Prices(props: &PageProps) -> Html {
    let prices = use_api(
        props.session.clone(),
        |s| async move { s.api().prices().await },
    );
    let overrides = use_api(props.session.clone(), |s| async move {
        s.api().price_overrides().await
    });
    let admin = props.session.is_admin();
    let reload_table = prices.reload.clone();
    let reload_overrides = overrides.reload.clone();
    let override_list = match (&overrides.state.data, &overrides.state.error) {
        (None, Some(error)) => html! {
            <ErrorBox title="Your overrides are unavailable" error={error.clone()} retry={overrides.reload.clone()} />
        },
        (None, None) => html! { <Loading label="Loading your overrides…" /> },
        (Some(list), _) => html! {
            <OverrideList session={props.session.clone()} overrides={list.to_vec()} on_removed={reload_overrides.clone()} />
        },
    };
    html! {
        <>
            <Nav />
            <main class="page">
                <div class="page-head"><h1>{ "Prices" }</h1></div>
                <p class="muted">{ "Calls that send a model and tokens but no cost are priced with the version in force at their time: your override of the model first, else the table. Cache-read tokens are part of the input tokens; with a cache-read price they are billed at it, the rest of the input at the input price." }</p>
                { table_section(&prices, admin) }
                if admin {
                    <PriceForm session={props.session.clone()} target={Target::Table} on_saved={reload_table} />
                }
                { override_list }
                <PriceForm session={props.session.clone()} target={Target::Override} on_saved={reload_overrides} />
            </main>
        </>
    }
}
