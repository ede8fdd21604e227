//! metrics-hub's dashboard: a Yew (WebAssembly) app served by the hub at `/`. Pages for
//! logging in, the assistants overview, an assistant's charts, ingestion keys, budgets and
//! their alerts (toasts on every page), metrics pulled from external APIs (sources and their
//! charts) and a TV wallboard, all updated live over the hub's WebSocket.
//!
//! The logic (formatting, URL filters, chart series, live-feed bookkeeping, reconnect
//! backoff, API errors, budget forms and bars, alert toasts) lives in plain modules that
//! compile and are unit-tested natively: `cargo test` in `web/dashboard`. The wasm build is
//! `scripts/build-dashboard.sh`.

pub mod alert_rules;
pub mod api;
pub mod app;
pub mod budgets;
pub mod charts;
pub mod components;
pub mod filters;
pub mod format;
pub mod hooks;
pub mod live;
pub mod metrics;
pub mod pages;
pub mod route;
pub mod series;
pub mod session;
pub mod theme;

/// Mounts the app in the page's `#boot` element (or `<body>`).
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"));
    match root {
        Some(root) => {
            root.set_text_content(None);
            root.set_class_name("app-root");
            let _ = root.remove_attribute("role");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
