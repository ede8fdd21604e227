//! The app root: the session and theme contexts every page reads, the router switch that maps
//! each [`Route`] to its page, the tab's one live feed, and the toasts of live budget alerts,
//! shown above every page.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{LiveProvider, ToastHost};
use crate::pages::{
    AdminPage, AlertsPage, Analytics, AssistantDetail, BudgetsPage, Costs, CreateAssistant,
    KeysPage, Login, MetricsPage, NotFound, Overview, PricesPage, Register, Runs, Wall,
};
use crate::route::Route;
use crate::session::{self, SessionContext, SessionState};
use crate::theme::{self, ThemeContext};

fn switch(route: Route) -> Html {
    match route {
        Route::Overview => html! { <Overview /> },
        Route::Login => html! { <Login /> },
        Route::Register => html! { <Register /> },
        Route::NewAssistant => html! { <CreateAssistant /> },
        Route::Assistant { id } => html! { <AssistantDetail {id} /> },
        Route::Keys { id } => html! { <KeysPage {id} /> },
        Route::Analytics => html! { <Analytics /> },
        Route::Costs => html! { <Costs /> },
        Route::Runs => html! { <Runs /> },
        Route::Wall => html! { <Wall /> },
        Route::Budgets => html! { <BudgetsPage /> },
        Route::Alerts => html! { <AlertsPage /> },
        Route::Prices => html! { <PricesPage /> },
        Route::Admin => html! { <AdminPage /> },
        Route::Metrics => html! { <MetricsPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// The root component.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| SessionState {
        session: session::load(),
    });
    // Persist every change (log in, log out, expiry) for reloads and other tabs.
    use_effect_with(state.session.clone(), |session| {
        session::store(session.as_ref());
    });
    let theme = use_state(theme::current);
    let context = SessionContext {
        session: state.session.clone(),
        dispatch: {
            let state = state.clone();
            Callback::from(move |action| state.dispatch(action))
        },
    };
    html! {
        <ContextProvider<SessionContext> {context}>
            <ContextProvider<ThemeContext> context={theme}>
                <BrowserRouter>
                    <LiveProvider>
                        <Switch<Route> render={switch} />
                        <ToastHost />
                    </LiveProvider>
                </BrowserRouter>
            </ContextProvider<ThemeContext>>
        </ContextProvider<SessionContext>>
    }
}
