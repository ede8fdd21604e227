//! Any path the dashboard does not know.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;

/// The 404 page.
#[component]
pub fn NotFound() -> Html {
    html! {
        <main class="auth">
            <div class="card auth-card">
                <h1>{ "Page not found" }</h1>
                <p>{ "There is nothing at this address." }</p>
                <Link<Route> to={Route::Overview} classes="button button-primary">{ "Go to your assistants" }</Link<Route>>
            </div>
        </main>
    }
}
