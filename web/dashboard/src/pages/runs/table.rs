//! The runs table: one row per call, newest first; a click (or Enter) opens the call.

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
                    <th scope="col">{ "Cost" }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
