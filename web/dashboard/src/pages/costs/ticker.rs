//! The live cost ticker: cost today, the hourly rate and the day's projection, summed over the
//! assistants on screen from the live WebSocket's stats (no polling), with a pulsing dot while
//! the feed is live. The rate is the last 24 hours' cost per hour; the projection adds that
//! rate for the hours left today (UTC). [`ticker`] is pure and tested.

use chrono::{DateTime, Timelike, Utc};
use yew::prelude::*;

use crate::format;
use crate::live::{Connection, LiveState};

/// What the ticker shows (US dollars).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ticker {
    pub today: f64,
    pub per_hour: f64,
    pub projected_today: f64,
}

/// The ticker of `ids` in `live` at `now`.
pub fn ticker(live: &LiveState, ids: &[i64], now: DateTime<Utc>) -> Ticker {
    let (mut today, mut last_24h) = (0.0, 0.0);
    for id in ids {
        if let Some(stats) = live.stats(*id) {
            today += stats.today.cost;
            last_24h += stats.last_24h.cost;
        }
    }
    let per_hour = last_24h / 24.0;
    let elapsed = f64::from(now.num_seconds_from_midnight()) / 3600.0;
    Ticker {
        today,
        per_hour,
        projected_today: today + per_hour * (24.0 - elapsed).max(0.0),
    }
}

#[derive(Properties, PartialEq)]
pub struct CostTickerProps {
    pub ticker: Ticker,
    pub connection: Connection,
}

/// The ticker strip.
#[component]
pub fn CostTicker(props: &CostTickerProps) -> Html {
    let t = props.ticker;
    let live = props.connection == Connection::Live;
    let item = |id: &'static str, label: &'static str, value: f64| {
        html! {
            <div class="ticker-item" data-testid={id} data-value={value.to_string()}>
                <span class="ticker-value">{ format::usd(value) }</span>
                <span class="ticker-label">{ label }</span>
            </div>
        }
    };
    html! {
        <section class={classes!("card", "ticker", live.then_some("ticker-live"))} aria-label="Live cost" data-testid="cost-ticker">
            <span class={classes!("live-dot", live.then_some("live-dot-pulse"))} aria-hidden="true"></span>
            <span class="ticker-title">{ if live { "Live" } else { "Not live" } }</span>
            { item("ticker-today", "cost today (UTC)", t.today) }
            { item("ticker-rate", "per hour (last 24 h)", t.per_hour) }
            { item("ticker-projection", "projected today", t.projected_today) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveAction, ServerMessage};
    use chrono::TimeZone;

    #[test]
    fn sums_the_assistants_and_projects_the_rest_of_the_day() {
        let mut live = LiveState::default();
        for (id, today, day) in [(1, 1.5, 4.8), (2, 0.5, 0.0)] {
            let message: ServerMessage = serde_json::from_value(serde_json::json!({
                "type": "snapshot", "assistantId": id, "seq": 1,
                "stats": {"today": {"cost": today}, "last24h": {"cost": day}, "last7Days": {}}
            }))
            .unwrap_or_else(|e| panic!("{e}"));
            live.apply(LiveAction::Message {
                message: Box::new(message),
                received: Utc::now(),
            });
        }
        let noon = Utc
            .with_ymd_and_hms(2026, 12, 2, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let t = ticker(&live, &[1, 2, 3], noon);
        assert_eq!(t.today, 2.0);
        assert!((t.per_hour - 0.2).abs() < 1e-12);
        assert!((t.projected_today - 4.4).abs() < 1e-12);
        assert_eq!(ticker(&live, &[2], noon).per_hour, 0.0);
    }
}
