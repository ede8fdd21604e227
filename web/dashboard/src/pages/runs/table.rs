//! The runs table: one row per call, newest first; a click (or Enter) opens the call. The
//! agent column shows the run's LLM and tool calls and its cache hit rate when it reported
//! them ([`agent_summary`], pure and tested).

use protocol::runs::RunView;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct RunsTableProps {
    pub runs: Vec<RunView>,
    /// Assistant names by id.
    pub names: std::collections::BTreeMap<i64, String>,
    pub on_open: Callback<RunView>,
}

/// `3 LLM · 2 tools · 40% cached` from what a run reported; `–` when it reported none.
pub fn agent_summary(r: &RunView) -> String {
    let mut parts = Vec::new();
    if let Some(n) = r.llm_calls {
        parts.push(format!("{n} LLM"));
    }
    if let Some(n) = r.tool_calls {
        parts.push(format!("{n} tools"));
    }
    if let Some(cached) = r.cache_read_tokens {
        if r.tokens_in > 0 {
            parts.push(format!(
                "{} cached",
                format::percent(cached as f64 / r.tokens_in as f64)
            ));
        }
    }
    if parts.is_empty() {
        "–".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// The table.
#[component]
pub fn RunsTable(props: &RunsTableProps) -> Html {
    let rows = props.runs.iter().map(|r| {
        let open = {
            let (cb, run) = (props.on_open.clone(), r.clone());
            Callback::from(move |_: MouseEvent| cb.emit(run.clone()))
        };
        let key = {
            let (cb, run) = (props.on_open.clone(), r.clone());
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    cb.emit(run.clone());
                }
            })
        };
        let failed = r.status.as_deref() == Some("error");
        html! {
            <tr data-testid="run-row" data-id={r.id.to_string()} class={classes!("clickable", failed.then_some("row-error"))}
                tabindex="0" onclick={open} onkeydown={key}>
                <td>{ r.ts.format("%Y-%m-%d %H:%M:%S").to_string() }</td>
                <td>{ props.names.get(&r.assistant_id).cloned().unwrap_or_else(|| format!("#{}", r.assistant_id)) }</td>
                <td>{ r.model.clone().unwrap_or_else(|| "–".to_owned()) }</td>
                <td>
                    <span class={classes!("badge", failed.then_some("badge-error"))}>
                        { r.status.clone().unwrap_or_else(|| "–".to_owned()) }
                        { r.status_code.map(|c| format!(" {c}")).unwrap_or_default() }
                    </span>
                </td>
                <td>{ r.latency_ms.map_or_else(|| "–".to_owned(), |l| format!("{} ms", format::count(l))) }</td>
                <td>{ format::compact((r.tokens_in + r.tokens_out) as f64) }</td>
                <td data-field="agent">{ agent_summary(r) }</td>
                <td>{ format::usd(r.cost) }</td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="table" data-testid="runs-table">
                <thead><tr>
                    <th scope="col">{ "Time (UTC)" }</th><th scope="col">{ "Assistant" }</th><th scope="col">{ "Model" }</th>
                    <th scope="col">{ "Status" }</th><th scope="col">{ "Latency" }</th><th scope="col">{ "Tokens" }</th>
                    <th scope="col">{ "Agent" }</th><th scope="col">{ "Cost" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_column_shows_what_a_run_reported() {
        let run = |extra: serde_json::Value| -> RunView {
            let mut base = serde_json::json!({
                "id": 1, "assistantId": 2, "ts": "2026-12-02T10:00:00Z", "durationMs": 0,
                "tokensIn": 1000, "tokensOut": 0, "cost": 0.0
            });
            if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
                b.extend(e.clone());
            }
            serde_json::from_value(base).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(agent_summary(&run(serde_json::json!({}))), "–");
        assert_eq!(
            agent_summary(&run(
                serde_json::json!({"llmCalls": 3, "toolCalls": 2, "cacheReadTokens": 400})
            )),
            "3 LLM · 2 tools · 40% cached"
        );
        assert_eq!(
            agent_summary(&run(serde_json::json!({"cacheReadTokens": 0}))),
            "0% cached"
        );
    }
}
