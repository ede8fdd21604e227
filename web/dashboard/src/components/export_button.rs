//! `<ExportButton>`: downloads what a page's filters show as CSV, JSON or NDJSON. The browser
//! downloads by navigating to a URL (so the file streams to disk, never held in memory here),
//! and a navigation carries no `Authorization` header: the button first asks the hub for a
//! signed single-use link to exactly this export (`POST /export/links`), then follows it with
//! an `<a download>`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::session::Session;

/// The formats offered, as `format=` values and labels.
const FORMATS: [(&str, &str); 3] = [("csv", "CSV"), ("json", "JSON"), ("ndjson", "NDJSON")];

#[derive(Properties, PartialEq)]
pub struct ExportButtonProps {
    pub session: Session,
    /// The export's filters: the `GET /runs` parameters of the view (no cursor or limit).
    pub params: Vec<(&'static str, String)>,
}

/// Follows `url` with a download link (the server names the file).
fn start_download(url: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let link = document.create_element("a").map_err(|e| format!("{e:?}"))?;
    link.set_attribute("href", url)
        .map_err(|e| format!("{e:?}"))?;
    link.set_attribute("download", "")
        .map_err(|e| format!("{e:?}"))?;
    let link: web_sys::HtmlElement = link.dyn_into().map_err(|_| "not an element")?;
    let body = document.body().ok_or("no body")?;
    body.append_child(&link).map_err(|e| format!("{e:?}"))?;
    link.click();
    link.remove();
    Ok(())
}

/// A format select and an Export button; says what went wrong if the link was refused.
#[component]
pub fn ExportButton(props: &ExportButtonProps) -> Html {
    let format = use_state(|| "csv");
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some((key, _)) = FORMATS.iter().find(|(k, _)| *k == value) {
                format.set(key);
            }
        })
    };
    let on_export = {
        let (session, params) = (props.session.clone(), props.params.clone());
        let (format, busy, error) = (format.clone(), busy.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let mut params = params.clone();
            params.push(("format", (*format).to_owned()));
            let (session, busy, error) = (session.clone(), busy.clone(), error.clone());
            busy.set(true);
            spawn_local(async move {
                let outcome = match session.api().export_link(&params).await {
                    Ok(link) => start_download(&link.url),
                    Err(e) => Err(e.to_string()),
                };
                error.set(outcome.err());
                busy.set(false);
            });
        })
    };
    html! {
        <div class="filter-group export" role="group" aria-label="Export">
            <select aria-label="Export format" data-testid="export-format" onchange={on_format}>
                { for FORMATS.iter().map(|(key, label)| html! {
                    <option value={*key} selected={*format == *key}>{ *label }</option>
                }) }
            </select>
            <button class="button" data-testid="export" onclick={on_export} disabled={*busy}>
                { if *busy { "Exporting…" } else { "Export" } }
            </button>
            if let Some(message) = (*error).clone() {
                <span class="chart-error" role="alert">{ format!("Export failed: {message}") }</span>
            }
        </div>
    }
}
