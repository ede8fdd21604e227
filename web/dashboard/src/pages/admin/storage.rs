//! The storage section of `/admin`: rows and size of every table (largest first), the
//! retention periods in force, and "Run cleanup now" with what it removed.

use protocol::admin::{CleanupReport, StorageView};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::ApiError;
use crate::components::states::explain;
use crate::components::{ErrorBox, Loading};
use crate::format;
use crate::hooks::use_api;
use crate::session::Session;

/// `bytes` as B, KiB, MiB or GiB.
pub fn bytes_text(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A retention period in words.
fn period_text(days: u32) -> String {
    if days == 0 {
        "kept forever".to_owned()
    } else {
        format!("{days} days")
    }
}

/// What a cleanup removed, in words.
pub fn cleanup_text(r: &CleanupReport) -> String {
    format!(
        "Cleanup done: {} raw samples{} and {} minute rollups removed.",
        format::count(r.raw_samples_dropped),
        if r.timescaledb {
            " (TimescaleDB chunks)"
        } else {
            ""
        },
        format::count(r.minute_rollups_dropped),
    )
}

#[derive(Properties, PartialEq)]
pub struct StorageProps {
    pub session: Session,
}

/// The table, the periods and the cleanup button.
#[component]
pub fn StorageSection(props: &StorageProps) -> Html {
    let storage = use_api(
        props.session.clone(),
        |s| async move { s.api().storage().await },
    );
    let report = use_state(|| None::<Result<CleanupReport, ApiError>>);
    let busy = use_state(|| false);
    let run = {
        let (session, report, busy, reload) = (
            props.session.clone(),
            report.clone(),
            busy.clone(),
            storage.reload.clone(),
        );
        Callback::from(move |_| {
            let (session, report, busy, reload) = (
                session.clone(),
                report.clone(),
                busy.clone(),
                reload.clone(),
            );
            busy.set(true);
            spawn_local(async move {
                report.set(Some(session.api().run_cleanup().await));
                busy.set(false);
                reload.emit(());
            });
        })
    };
    let body = match (&storage.state.data, &storage.state.error) {
        (None, Some(error)) => {
            html! { <ErrorBox title="The storage is unavailable" error={error.clone()} retry={storage.reload.clone()} /> }
        }
        (None, None) => html! { <Loading label="Loading storage…" /> },
        (Some(view), _) => storage_table(view),
    };
    let outcome = match &*report {
        Some(Ok(r)) => {
            html! { <p class="notice" role="status" data-testid="cleanup-result">{ cleanup_text(r) }</p> }
        }
        Some(Err(e)) => html! { <p class="form-error" role="alert">{ explain(e) }</p> },
        None => html! {},
    };
    html! {
        <section class="card admin-storage" aria-label="Storage">
            <div class="card-head">
                <h2>{ "Storage" }</h2>
                <button class="button button-primary" type="button" onclick={run} disabled={*busy} data-testid="run-cleanup">
                    { if *busy { "Cleaning up…" } else { "Run cleanup now" } }
                </button>
            </div>
            { outcome }
            { body }
        </section>
    }
}

fn storage_table(view: &StorageView) -> Html {
    html! {
        <>
            <p class="muted" data-testid="retention">
                { format!("Raw samples (runs, exports): {}. Minute rollups: {}. Hour and day rollups: kept forever{}.",
                          period_text(view.retention.raw_sample_days), period_text(view.retention.minute_rollup_days),
                          if view.timescaledb { "; TimescaleDB drops raw chunks" } else { "" }) }
            </p>
            <table class="table" data-testid="storage">
                <thead><tr><th>{ "Table" }</th><th>{ "Rows" }</th><th>{ "Size" }</th></tr></thead>
                <tbody>
                    { for view.tables.iter().map(|t| html! {
                        <tr key={t.table.clone()} data-table={t.table.clone()}>
                            <th scope="row">{ t.table.clone() }</th>
                            <td data-testid="table-rows">{ if t.rows_exact { format::count(t.rows) } else { format!("≈ {}", format::count(t.rows)) } }</td>
                            <td>{ bytes_text(t.bytes) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_reports_read_as_words() {
        assert_eq!(bytes_text(512), "512 B");
        assert_eq!(bytes_text(8192), "8.0 KiB");
        assert_eq!(bytes_text(5 * 1024 * 1024 + 512 * 1024), "5.5 MiB");
        let r = CleanupReport {
            raw_samples_dropped: 1200,
            minute_rollups_dropped: 3,
            raw_cutoff: None,
            minute_cutoff: None,
            timescaledb: false,
        };
        assert_eq!(
            cleanup_text(&r),
            "Cleanup done: 1,200 raw samples and 3 minute rollups removed."
        );
    }
}
