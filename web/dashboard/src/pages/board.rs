//! The data behind the overview and the wallboard: the user's assistants with two weeks of
//! daily calls each (REST), merged with the live feed into tiles.

use chrono::{Days, NaiveDate, Utc};
use futures::future::try_join_all;
use yew::prelude::*;

use crate::api::types::{Assistant, DailyMetrics};
use crate::components::TileData;
use crate::hooks::{use_api, ApiHandle};
use crate::live::{LiveState, Totals};
use crate::series;
use crate::session::Session;

/// Days in a tile's sparkline.
pub const SPARK_DAYS: u64 = 14;

/// Assistants and their recent daily metrics.
#[derive(Debug, PartialEq)]
pub struct Board {
    pub today: NaiveDate,
    pub assistants: Vec<(Assistant, Vec<DailyMetrics>)>,
}

impl Board {
    pub fn ids(&self) -> Vec<i64> {
        self.assistants.iter().map(|(a, _)| a.id).collect()
    }

    /// Tiles, live numbers over REST ones.
    pub fn tiles(&self, live: &LiveState) -> Vec<TileData> {
        self.assistants
            .iter()
            .map(|(a, metrics)| {
                let feed = live.assistants.get(&a.id);
                let stats = feed.map(|f| &f.stats);
                let rest_today = metrics.iter().find(|m| m.date == self.today);
                TileData {
                    id: a.id,
                    name: a.name.clone(),
                    model_type: a.model_type.clone(),
                    today: series::today_totals(rest_today, stats),
                    last24h: stats.map(|s| s.last_24h),
                    sparkline: series::sparkline(
                        self.today,
                        SPARK_DAYS,
                        metrics,
                        stats.map(|s| s.today.calls),
                    ),
                    updates: feed.map_or(0, |f| f.updates),
                    over_budget: feed.is_some_and(|f| f.over_budget),
                    live_error: live.errors.get(&a.id).cloned(),
                }
            })
            .collect()
    }
}

/// Sums of tiles' today numbers.
pub fn sum_today(tiles: &[TileData]) -> Totals {
    tiles.iter().fold(Totals::default(), |mut acc, t| {
        acc.calls += t.today.calls;
        acc.errors += t.today.errors;
        acc.cost += t.today.cost;
        acc.total_minutes += t.today.total_minutes;
        acc
    })
}

/// Loads the board, again every `refresh` tick (new day, new assistants).
#[hook]
pub fn use_board(session: Session, refresh: u64) -> ApiHandle<Board> {
    let today = Utc::now().date_naive();
    use_api(
        (session, today, refresh),
        |(session, today, _)| async move {
            let api = session.api();
            let assistants = api.assistants(session.user_id).await?;
            let start = today
                .checked_sub_days(Days::new(SPARK_DAYS - 1))
                .unwrap_or(today);
            let metrics = try_join_all(
                assistants
                    .iter()
                    .map(|a| api.daily_metrics(a.id, start, today, &[])),
            )
            .await?;
            Ok(Board {
                today,
                assistants: assistants
                    .into_iter()
                    .zip(metrics.into_iter().map(|m| m.metrics))
                    .collect(),
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveAction, ServerMessage, Stats};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn assistant(id: i64, name: &str) -> Assistant {
        Assistant {
            id,
            owner_id: 1,
            name: name.to_owned(),
            model_type: "gpt-4o".to_owned(),
            created_at: chrono::DateTime::default(),
        }
    }

    fn day(date: &str, calls: i64, cost: f64) -> DailyMetrics {
        DailyMetrics {
            date: d(date),
            call_count: calls,
            error_count: 1,
            total_minutes: 1.0,
            total_cost: cost,
            avg_call_cost: cost / calls as f64,
        }
    }

    #[test]
    fn tiles_merge_rest_and_live_numbers() {
        let board = Board {
            today: d("2026-11-23"),
            assistants: vec![
                (
                    assistant(1, "A"),
                    vec![day("2026-11-22", 5, 1.0), day("2026-11-23", 4, 2.0)],
                ),
                (assistant(2, "B"), vec![day("2026-11-23", 10, 3.0)]),
            ],
        };
        let mut live = LiveState::default();
        live.apply(LiveAction::Message {
            message: Box::new(ServerMessage::Snapshot {
                assistant_id: 2,
                seq: 1,
                stats: Stats {
                    today: Totals {
                        calls: 12,
                        errors: 3,
                        cost: 4.0,
                        ..Totals::default()
                    },
                    last_24h: Totals {
                        calls: 20,
                        ..Totals::default()
                    },
                    ..Stats::default()
                },
            }),
            received: Utc::now(),
        });
        let tiles = board.tiles(&live);
        assert_eq!(board.ids(), vec![1, 2]);
        // REST only.
        assert_eq!((tiles[0].today.calls, tiles[0].today.cost), (4, 2.0));
        assert_eq!(tiles[0].last24h, None);
        assert_eq!(tiles[0].sparkline.len(), SPARK_DAYS as usize);
        assert_eq!(tiles[0].sparkline[SPARK_DAYS as usize - 2].1, 5.0);
        assert_eq!(tiles[0].sparkline[SPARK_DAYS as usize - 1].1, 4.0);
        // Live over REST, sparkline included.
        assert_eq!((tiles[1].today.calls, tiles[1].today.errors), (12, 3));
        assert_eq!(tiles[1].last24h.map(|t| t.calls), Some(20));
        assert_eq!(tiles[1].sparkline.last().map(|p| p.1), Some(12.0));

        let total = sum_today(&tiles);
        assert_eq!((total.calls, total.errors, total.cost), (16, 4, 6.0));
    }
}
