//! The top bar of the signed-in pages: where you are, where you can go (administrators also
//! to `/admin`), who you are (the name given at registration, and the email).

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::session::SessionContext;
use crate::theme::{self, ThemeContext};

/// The navigation bar.
#[component]
pub fn Nav() -> Html {
    let ctx = use_context::<SessionContext>();
    let navigator = use_navigator();
    let user = ctx
        .as_ref()
        .and_then(|c| c.session.as_ref())
        .map(|s| (s.name.clone(), s.email.clone()));
    let is_admin = ctx
        .as_ref()
        .and_then(|c| c.session.as_ref())
        .is_some_and(|s| s.is_admin());
    let log_out = {
        let ctx = ctx.clone();
        Callback::from(move |_| {
            if let Some(ctx) = &ctx {
                ctx.log_out();
            }
            if let Some(navigator) = &navigator {
                navigator.push(&Route::Login);
            }
        })
    };
    html! {
        <header class="nav">
            <Link<Route> to={Route::Overview} classes="brand">{ "metrics-hub" }</Link<Route>>
            <nav class="nav-links" aria-label="Main">
                <Link<Route> to={Route::Overview}>{ "Assistants" }</Link<Route>>
                <Link<Route> to={Route::Analytics}>{ "Analytics" }</Link<Route>>
                <Link<Route> to={Route::Runs}>{ "Runs" }</Link<Route>>
                <Link<Route> to={Route::Costs}>{ "Costs" }</Link<Route>>
                <Link<Route> to={Route::Metrics}>{ "Metrics" }</Link<Route>>
                <Link<Route> to={Route::Prices}>{ "Prices" }</Link<Route>>
                <Link<Route> to={Route::Budgets}>{ "Budgets" }</Link<Route>>
                <Link<Route> to={Route::Alerts}>{ "Alerts" }</Link<Route>>
                <Link<Route> to={Route::Wall}>{ "Wallboard" }</Link<Route>>
                <Link<Route> to={Route::NewAssistant}>{ "New assistant" }</Link<Route>>
                if is_admin {
                    <Link<Route> to={Route::Admin}>{ "Admin" }</Link<Route>>
                }
            </nav>
            <div class="nav-user">
                <ThemeToggle />
                if let Some((name, email)) = user {
                    if let Some(name) = name {
                        <span class="nav-name" title={email.clone()} data-testid="nav-name">{ name }</span>
                    }
                    <span class="nav-email">{ email }</span>
                }
                <button class="button button-quiet" onclick={log_out}>{ "Log out" }</button>
            </div>
        </header>
    }
}

/// Switches between light and dark, and remembers the choice.
#[component]
fn ThemeToggle() -> Html {
    let Some(theme) = use_context::<ThemeContext>() else {
        return html! {};
    };
    let next = theme.toggled();
    let onclick = {
        let theme = theme.clone();
        Callback::from(move |_| {
            theme::apply(next);
            theme.set(next);
        })
    };
    let label = format!("Switch to {} mode", next.key());
    html! {
        <button class="button button-quiet theme-toggle" {onclick} aria-label={label.clone()} title={label}
                data-testid="theme-toggle" data-theme={theme.key()}>
            { if next == theme::Theme::Dark { "☾ Dark" } else { "☀ Light" } }
        </button>
    }
}
