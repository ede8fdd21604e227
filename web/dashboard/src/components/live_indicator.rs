//! The "live / reconnecting" badge with the time of the last update, on every page that
//! shows live numbers.

use chrono::{Local, Utc};
use yew::prelude::*;

use crate::format;
use crate::hooks::use_tick;
use crate::live::Connection;

#[derive(Properties, PartialEq)]
pub struct LiveIndicatorProps {
    pub connection: Connection,
    pub last_update: Option<chrono::DateTime<Utc>>,
}

/// What the badge says for a connection state: (CSS state, label).
pub fn describe(connection: &Connection) -> (&'static str, String) {
    match connection {
        Connection::Idle => ("idle", "Not live".to_owned()),
        Connection::Connecting { attempt: 0 } => ("connecting", "Connecting…".to_owned()),
        Connection::Connecting { attempt } => (
            "reconnecting",
            format!("Reconnecting… (attempt {})", attempt + 1),
        ),
        Connection::Live => ("live", "Live".to_owned()),
        Connection::Reconnecting { retry_in_ms, .. } => (
            "reconnecting",
            format!("Reconnecting in {} s", retry_in_ms.div_ceil(1000)),
        ),
    }
}

/// A coloured dot, the connection state and "updated 16:52:03 (4 s ago)".
#[component]
pub fn LiveIndicator(props: &LiveIndicatorProps) -> Html {
    // Re-render every second so the age stays true.
    let _ = use_tick(1000);
    let (state, label) = describe(&props.connection);
    let updated = props.last_update.map(|at| {
        let age = (Utc::now() - at).num_seconds().max(0);
        format!(
            "updated {} ({})",
            format::clock(&at.with_timezone(&Local)),
            format::age(age)
        )
    });
    html! {
        <div class={classes!("live", format!("live-{state}"))} data-state={state}
             role="status" aria-live="polite" data-testid="live-indicator">
            <span class="live-dot" aria-hidden="true"></span>
            <span class="live-label">{ label }</span>
            if let Some(updated) = updated {
                <span class="live-updated" data-testid="last-update">{ updated }</span>
            } else {
                <span class="live-updated">{ "no updates yet" }</span>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_say_what_is_happening() {
        assert_eq!(describe(&Connection::Live), ("live", "Live".to_owned()));
        assert_eq!(
            describe(&Connection::Connecting { attempt: 0 }).1,
            "Connecting…"
        );
        assert_eq!(
            describe(&Connection::Reconnecting {
                attempt: 2,
                retry_in_ms: 1500
            }),
            ("reconnecting", "Reconnecting in 2 s".to_owned())
        );
        assert_eq!(describe(&Connection::Idle).0, "idle");
    }
}
