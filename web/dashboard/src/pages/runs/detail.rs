//! One call in full: every field the hub returns (with its agent metrics and the price version
//! its cost was computed with), its metadata as sent, and what went wrong when it failed.
//! Opened from the runs table; Escape or the close button closes it.

use protocol::runs::RunView;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct RunDetailProps {
    pub run: RunView,
    pub assistant: String,
    pub on_close: Callback<()>,
}

/// Where a call's cost came from: "priced with gpt-4o version effective 2026-12-01 00:00 UTC
/// (override)", or "cost reported by the client".
pub fn pricing(r: &RunView) -> String {
    match &r.price {
        Some(p) => match (&p.model, p.effective_from) {
            (Some(model), Some(at)) => format!(
                "priced with {model} version effective {}{}",
                at.format("%Y-%m-%d %H:%M UTC"),
                if p.is_override {
                    " (override)"
                } else {
                    " (table)"
                }
            ),
            _ => format!("priced with price version #{} (since removed)", p.id),
        },
        None if r.cost == 0.0 && r.tokens_in + r.tokens_out > 0 && r.model.is_some() => {
            "cost reported by the client, or no price for its model at the time".to_owned()
        }
        None => "cost reported by the client".to_owned(),
    }
}

/// The fields of a call as (label, value) pairs, in reading order.
pub fn fields(r: &RunView, assistant: &str) -> Vec<(&'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".to_owned());
    vec![
        ("Run id", r.id.to_string()),
        (
            "Time (UTC)",
            r.ts.format("%Y-%m-%d %H:%M:%S%.3f").to_string(),
        ),
        ("Assistant", format!("{assistant} (#{})", r.assistant_id)),
        ("Model", opt(&r.model)),
        ("Status", opt(&r.status)),
        (
            "Status code",
            r.status_code
                .map_or_else(|| "–".to_owned(), |c| c.to_string()),
        ),
        (
            "Latency",
            r.latency_ms
                .map_or_else(|| "–".to_owned(), |l| format!("{l} ms")),
        ),
        ("Duration", format!("{} ms", r.duration_ms)),
        ("Tokens in", r.tokens_in.to_string()),
        ("Tokens out", r.tokens_out.to_string()),
        (
            "Cache-read tokens",
            r.cache_read_tokens
                .map_or_else(|| "not reported".to_owned(), |c| c.to_string()),
        ),
        (
            "LLM calls",
            r.llm_calls
                .map_or_else(|| "not reported".to_owned(), |c| c.to_string()),
        ),
        (
            "Tool calls",
            r.tool_calls
                .map_or_else(|| "not reported".to_owned(), |c| c.to_string()),
        ),
        ("Cost", format::usd(r.cost)),
        ("Pricing", pricing(r)),
        ("Country", opt(&r.country)),
        ("Domain", opt(&r.domain)),
        ("Session", opt(&r.session_id)),
    ]
}

/// The panel.
#[component]
pub fn RunDetail(props: &RunDetailProps) -> Html {
    let r = &props.run;
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_key = {
        let cb = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(());
            }
        })
    };
    let metadata = r
        .metadata
        .as_ref()
        .map(|m| serde_json::to_string_pretty(m).unwrap_or_default());
    let failed = r.status.as_deref() == Some("error");
    html! {
        <aside class="card run-detail" role="dialog" aria-label={format!("Run {}", r.id)} data-testid="run-detail"
               data-id={r.id.to_string()} onkeydown={on_key} tabindex="-1">
            <div class="card-head">
                <h3>{ format!("Run {}", r.id) }</h3>
                <button class="button button-quiet" onclick={close} aria-label="Close">{ "Close" }</button>
            </div>
            if failed {
                <p class="notice notice-warn" data-testid="run-error">
                    { format!("This call failed{}.", r.status_code.map(|c| format!(" with status {c}")).unwrap_or_default()) }
                </p>
            }
            <dl class="fields">
                { for fields(r, &props.assistant).into_iter().map(|(k, v)| html! {
                    <><dt>{ k }</dt><dd data-field={k}>{ v }</dd></>
                }) }
            </dl>
            <h4>{ "Metadata" }</h4>
            if let Some(m) = metadata {
                <pre class="copyable" data-testid="run-metadata">{ m }</pre>
            } else {
                <p class="muted">{ "This call sent no metadata." }</p>
            }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_shown() {
        let run: RunView = serde_json::from_value(serde_json::json!({
            "id": 7, "assistantId": 2, "ts": "2026-12-02T10:00:00Z", "model": "gpt-4o",
            "status": "error", "statusCode": 503, "latencyMs": 900, "durationMs": 1200,
            "tokensIn": 10, "tokensOut": 20, "cost": 0.25, "sessionId": "s-1"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let f = fields(&run, "Bot");
        assert_eq!(f.len(), 18);
        assert!(f.contains(&("LLM calls", "not reported".to_owned())));
        assert!(f.contains(&("Status code", "503".to_owned())));
        assert!(f.contains(&("Session", "s-1".to_owned())));
        assert!(f.contains(&("Country", "–".to_owned())));
        assert!(f.contains(&("Assistant", "Bot (#2)".to_owned())));
        assert!(f.contains(&("Pricing", "cost reported by the client".to_owned())));
    }

    #[test]
    fn the_price_version_is_named() {
        let run: RunView = serde_json::from_value(serde_json::json!({
            "id": 7, "assistantId": 2, "ts": "2026-12-02T10:00:00Z", "model": "gpt-4o",
            "durationMs": 0, "tokensIn": 10, "tokensOut": 20, "cost": 0.25,
            "price": {"id": 4, "model": "gpt-4o", "effectiveFrom": "2026-12-01T00:00:00Z", "isOverride": true}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            pricing(&run),
            "priced with gpt-4o version effective 2026-12-01 00:00 UTC (override)"
        );
        let removed = RunView {
            price: run.price.clone().map(|p| protocol::runs::PriceUsed {
                model: None,
                effective_from: None,
                ..p
            }),
            ..run
        };
        assert_eq!(
            pricing(&removed),
            "priced with price version #4 (since removed)"
        );
    }
}
