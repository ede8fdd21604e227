//! A source's transformer: the jq program that turns its raw responses into points. Shows the
//! one in use (`GET /transformers?templateId=…`: version, origin, status, failures), an editor
//! whose every pause in typing runs a preview (`POST /transformers/preview`, debounced) showing
//! the sample it ran on and the points it made or why it failed, and, when the template has no
//! working transformer or it is the source's own, saving it (`POST /transformers`).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use protocol::sources::{SourceView, TemplateView, TransformerPreview};
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;
use crate::hooks::use_api;
use crate::metrics::forms::{current_transformer, may_write, transformer_request};
use crate::session::Session;

/// How long typing must pause before a preview runs.
const DEBOUNCE_MS: u32 = 400;
/// Characters of the sample shown.
const SAMPLE_CHARS: usize = 4_000;
/// Points of a preview listed.
const PREVIEW_POINTS: usize = 20;

#[derive(Properties, PartialEq)]
pub struct TransformerProps {
    pub session: Session,
    pub source: SourceView,
    pub template: TemplateView,
}

/// The transformer panel of a widget's source.
#[component]
pub fn TransformerPanel(props: &TransformerProps) -> Html {
    let endpoint = use_state(|| "polling".to_owned());
    let list = use_api(
        (props.session.clone(), props.template.id.clone()),
        |(s, template)| async move { s.api().transformers(&template, None).await },
    );
    let source_id = props.source.id;
    let mine: Vec<_> = list
        .state
        .data
        .iter()
        .flat_map(|l| l.iter())
        .filter(|t| t.source_id.is_none_or(|id| id == source_id))
        .cloned()
        .collect();
    let current = current_transformer(&mine, &endpoint).cloned();
    let onchange = {
        let endpoint = endpoint.clone();
        Callback::from(move |e: Event| {
            endpoint.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let has_history = props.template.historical_data_limit_days.is_some();
    let summary = match (&current, &list.state.error) {
        (Some(t), _) => format!(
            "Version {} · {} · {}{}",
            t.version,
            t.origin,
            t.status,
            if t.failure_count > 0 {
                format!(" · {} failures", t.failure_count)
            } else {
                String::new()
            }
        ),
        (None, Some(e)) => explain(e),
        (None, None) if list.state.loading => "Loading…".to_owned(),
        (None, None) => {
            "None yet: write one below, or it is generated when the hub has an LLM endpoint."
                .to_owned()
        }
    };
    html! {
        <div class="metric-panel" data-testid="transformer">
            <div class="field-row">
                if has_history {
                    <div class="field">
                        <label for={format!("transformer-endpoint-{source_id}")}>{ "Endpoint" }</label>
                        <select id={format!("transformer-endpoint-{source_id}")} {onchange}>
                            <option value="polling" selected={*endpoint == "polling"}>{ "Polling" }</option>
                            <option value="historical" selected={*endpoint == "historical"}>{ "Historical (backfill)" }</option>
                        </select>
                    </div>
                }
                <p class="muted" data-testid="transformer-status">{ format!("Active transformer: {summary}") }</p>
            </div>
            <Editor key={format!("{}-{}", *endpoint, current.as_ref().map_or(0, |t| t.id))}
                    session={props.session.clone()} {source_id} endpoint={(*endpoint).clone()}
                    initial={current.as_ref().map(|t| t.program.clone()).unwrap_or_default()}
                    writable={may_write(current.as_ref())} on_saved={list.reload.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    session: Session,
    source_id: i64,
    endpoint: String,
    initial: String,
    writable: bool,
    on_saved: Callback<()>,
}

/// Runs a preview of `program` once typing pauses for [`DEBOUNCE_MS`]; an answer to an older
/// text is dropped.
#[hook]
fn use_preview(
    session: &Session,
    source_id: i64,
    endpoint: &str,
    program: &UseStateHandle<String>,
    preview: &UseStateHandle<Option<Result<TransformerPreview, ApiError>>>,
) {
    let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let generation = use_mut_ref(|| 0_u64);
    {
        let (preview, session, id, endpoint) = (
            preview.clone(),
            session.clone(),
            source_id,
            endpoint.to_owned(),
        );
        use_effect_with((*program).clone(), move |text| {
            let request = transformer_request(id, &endpoint, text);
            let mine = {
                let mut g = generation.borrow_mut();
                *g += 1;
                *g
            };
            let (fire_generation, text_empty) = (generation.clone(), text.trim().is_empty());
            *timer.borrow_mut() = (!text_empty).then(|| {
                Timeout::new(DEBOUNCE_MS, move || {
                    let Ok(body) = request else { return };
                    spawn_local(async move {
                        let answer = session.api().preview_transformer(&body).await;
                        if *fire_generation.borrow() == mine {
                            preview.set(Some(answer));
                        }
                    });
                })
            });
            move || *generation.borrow_mut() += 1
        });
    }
}

/// The program, its live preview and Save.
#[component]
fn Editor(props: &EditorProps) -> Html {
    let program = use_state(|| props.initial.clone());
    let preview = use_state(|| None::<Result<TransformerPreview, ApiError>>);
    let saved = use_state(|| None::<Result<i64, ApiError>>);
    use_preview(
        &props.session,
        props.source_id,
        &props.endpoint,
        &program,
        &preview,
    );
    let oninput = {
        let program = program.clone();
        Callback::from(move |e: InputEvent| {
            program.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onclick = {
        let (program, saved, session, id, endpoint, done) = (
            program.clone(),
            saved.clone(),
            props.session.clone(),
            props.source_id,
            props.endpoint.clone(),
            props.on_saved.clone(),
        );
        Callback::from(move |_| {
            let body = match transformer_request(id, &endpoint, &program) {
                Ok(body) => body,
                Err(e) => return saved.set(Some(Err(e))),
            };
            let (saved, session, done) = (saved.clone(), session.clone(), done.clone());
            spawn_local(async move {
                let answer = session.api().save_transformer(&body).await;
                let ok = answer.is_ok();
                saved.set(Some(answer.map(|t| t.version)));
                if ok {
                    done.emit(());
                }
            });
        })
    };
    html! {
        <div class="transformer-editor">
            <div class="field">
                <label for={format!("transformer-program-{}", props.source_id)}>{ "jq program" }</label>
                <textarea id={format!("transformer-program-{}", props.source_id)} class="code" rows="6" spellcheck="false"
                          value={(*program).clone()} {oninput} readonly={!props.writable} />
                <p class="hint">{ "Outputs {timestamp, value, dimensions?} objects (or an array of them); previewed against the source's sample as you type." }</p>
            </div>
            { preview_view(preview.as_ref()) }
            if props.writable {
                <div class="form-actions">
                    <button class="button button-primary" type="button" {onclick}>{ "Save transformer" }</button>
                    { match &*saved {
                        Some(Ok(version)) => html! { <span class="muted" role="status">{ format!("Saved as version {version}") }</span> },
                        Some(Err(e)) => html! { <p class="form-error" role="alert">{ explain(e) }</p> },
                        None => html! {},
                    } }
                </div>
            } else {
                <p class="hint">{ "The template's transformer works and is shared by every user; it can be replaced once it fails." }</p>
            }
        </div>
    }
}

/// The sample and the points, or why there are none.
fn preview_view(preview: Option<&Result<TransformerPreview, ApiError>>) -> Html {
    let Some(preview) = preview else {
        return html! {};
    };
    let preview = match preview {
        Ok(p) => p,
        Err(e) => {
            return html! { <p class="form-error" role="alert" data-testid="preview-error">{ explain(e) }</p> }
        }
    };
    let mut sample = preview
        .input
        .as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_default();
    if sample.len() > SAMPLE_CHARS {
        let cut = (0..=SAMPLE_CHARS)
            .rev()
            .find(|i| sample.is_char_boundary(*i))
            .unwrap_or(0);
        sample.truncate(cut);
        sample.push_str("\n…");
    }
    html! {
        <div class="transformer-preview" data-testid="transformer-preview">
            <details>
                <summary>{ "Sample input" }</summary>
                <pre class="code">{ sample }</pre>
            </details>
            if let Some(error) = &preview.error {
                <p class="form-error" role="alert" data-testid="preview-error">{ error.clone() }</p>
            } else {
                <p class="muted">{ crate::metrics::forms::points_text(preview.points.len()) }</p>
                <table class="table">
                    <thead><tr><th>{ "Time" }</th><th>{ "Value" }</th><th>{ "Dimensions" }</th></tr></thead>
                    <tbody>
                        { for preview.points.iter().take(PREVIEW_POINTS).map(|p| html! {
                            <tr>
                                <td>{ p.timestamp.format("%Y-%m-%d %H:%M").to_string() }</td>
                                <td>{ p.value.to_string() }</td>
                                <td>{ serde_json::Value::Object(p.dimensions.clone()).to_string() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
