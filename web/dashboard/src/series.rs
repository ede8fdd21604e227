//! Turns API answers and live stats into the day-by-day series the charts draw: one value per
//! day of the range (days without data are zero calls, and have no average cost rather than a
//! misleading $0), with today's point replaced by the live feed's numbers so charts move as
//! usage arrives. Pure, unit-tested natively.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::api::types::{DailyMetrics, RollingPoint};
use crate::live::{Stats, Totals, TotalsRatios};

/// The default rolling-average window of the detail charts; the live feed's `last7Days`
/// matches it, so only this window's today point moves live.
pub const ROLLING_DAYS: u32 = 7;

/// The rolling windows the detail page offers, in days.
pub const ROLLING_CHOICES: [u32; 4] = [3, 7, 14, 30];

/// Most days a chart draws (the server allows longer ranges; a chart of 10 years of days
/// would be unreadable and slow).
pub const MAX_CHART_DAYS: usize = 3660;

/// The detail page's series, all of the same length as `days`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetailSeries {
    pub days: Vec<NaiveDate>,
    pub calls: Vec<f64>,
    pub errors: Vec<f64>,
    pub minutes: Vec<f64>,
    pub cost: Vec<f64>,
    /// `None` on days without calls.
    pub avg_call_cost: Vec<Option<f64>>,
    /// Rolling means over [`ROLLING_DAYS`]; `None` where the server sent no point.
    pub rolling_calls: Vec<Option<f64>>,
    pub rolling_minutes: Vec<Option<f64>>,
    pub rolling_avg_call_cost: Vec<Option<f64>>,
    /// Whether today's point comes from the live feed.
    pub live_today: bool,
    /// The rolling window, in days.
    pub window: u32,
}

/// Today's live numbers for one assistant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LiveToday {
    pub date: NaiveDate,
    pub stats: Stats,
}

/// Every day from `start` to `end` inclusive (empty when `end < start`), at most
/// [`MAX_CHART_DAYS`], keeping the most recent ones.
pub fn days(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    if end < start {
        return Vec::new();
    }
    let span = (end - start).num_days() as usize + 1;
    let first = if span > MAX_CHART_DAYS {
        end.checked_sub_days(Days::new(MAX_CHART_DAYS as u64 - 1))
            .unwrap_or(start)
    } else {
        start
    };
    first.iter_days().take_while(|d| *d <= end).collect()
}

/// Builds the detail series with rolling means over `window` days. `live` replaces today's
/// point when today is in the range, and today's rolling averages too when the window is the
/// feed's 7 days (other windows keep the server's, refreshed by refetching).
pub fn detail(
    start: NaiveDate,
    end: NaiveDate,
    daily: &[DailyMetrics],
    rolling: &[RollingPoint],
    live: Option<LiveToday>,
    window: u32,
) -> DetailSeries {
    let by_day: BTreeMap<NaiveDate, &DailyMetrics> = daily.iter().map(|m| (m.date, m)).collect();
    let rolling_by_day: BTreeMap<NaiveDate, &RollingPoint> =
        rolling.iter().map(|p| (p.date, p)).collect();
    let mut s = DetailSeries {
        window,
        ..DetailSeries::default()
    };
    for day in days(start, end) {
        let live_here = live.filter(|l| l.date == day);
        let (calls, errors, minutes, cost) = match (live_here, by_day.get(&day)) {
            (Some(l), _) => {
                let t = l.stats.today;
                (t.calls as f64, t.errors as f64, t.total_minutes, t.cost)
            }
            (None, Some(m)) => (
                m.call_count as f64,
                m.error_count as f64,
                m.total_minutes,
                m.total_cost,
            ),
            (None, None) => (0.0, 0.0, 0.0, 0.0),
        };
        s.days.push(day);
        s.calls.push(calls);
        s.errors.push(errors);
        s.minutes.push(minutes);
        s.cost.push(cost);
        s.avg_call_cost.push((calls > 0.0).then(|| cost / calls));
        match (
            live_here.filter(|_| window == ROLLING_DAYS),
            rolling_by_day.get(&day),
        ) {
            (Some(l), _) => {
                let w = l.stats.last_7_days;
                let n = f64::from(ROLLING_DAYS);
                s.rolling_calls.push(Some(w.calls as f64 / n));
                s.rolling_minutes.push(Some(w.total_minutes / n));
                s.rolling_avg_call_cost.push(w.avg_call_cost());
                s.live_today = true;
            }
            (None, Some(p)) => {
                s.rolling_calls.push(Some(p.avg_call_count));
                s.rolling_minutes.push(Some(p.avg_total_minutes));
                // The server sends 0 for a window without calls; that is "no average".
                s.rolling_avg_call_cost.push(
                    (p.avg_total_cost > 0.0 || p.avg_call_cost > 0.0).then_some(p.avg_call_cost),
                );
            }
            (None, None) => {
                s.rolling_calls.push(None);
                s.rolling_minutes.push(None);
                s.rolling_avg_call_cost.push(None);
            }
        }
    }
    s
}

/// Calls per day over the `len` days ending `today`, today from the live feed when given:
/// the tiles' sparklines.
pub fn sparkline(
    today: NaiveDate,
    len: u64,
    daily: &[DailyMetrics],
    live_today_calls: Option<i64>,
) -> Vec<(NaiveDate, f64)> {
    let start = today
        .checked_sub_days(Days::new(len.saturating_sub(1)))
        .unwrap_or(today);
    let by_day: BTreeMap<NaiveDate, i64> = daily.iter().map(|m| (m.date, m.call_count)).collect();
    days(start, today)
        .into_iter()
        .map(|d| {
            let calls = match live_today_calls {
                Some(c) if d == today => c,
                _ => by_day.get(&d).copied().unwrap_or(0),
            };
            (d, calls as f64)
        })
        .collect()
}

/// Today's totals of an assistant: the live feed's when it has them, else the REST answer's.
pub fn today_totals(rest: Option<&DailyMetrics>, live: Option<&Stats>) -> Totals {
    match (live, rest) {
        (Some(stats), _) => stats.today,
        (None, Some(m)) => Totals {
            calls: m.call_count,
            errors: m.error_count,
            cost: m.total_cost,
            total_minutes: m.total_minutes,
            ..Totals::default()
        },
        (None, None) => Totals::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn day(date: &str, calls: i64, minutes: f64, cost: f64) -> DailyMetrics {
        DailyMetrics {
            date: d(date),
            call_count: calls,
            error_count: calls / 10,
            total_minutes: minutes,
            total_cost: cost,
            avg_call_cost: if calls > 0 { cost / calls as f64 } else { 0.0 },
        }
    }

    fn roll(date: &str, avg_calls: f64, avg_cost: f64) -> RollingPoint {
        RollingPoint {
            date: d(date),
            call_count: 0,
            avg_call_count: avg_calls,
            avg_total_minutes: avg_calls / 2.0,
            avg_total_cost: avg_cost * avg_calls,
            avg_call_cost: avg_cost,
        }
    }

    #[test]
    fn days_are_inclusive_and_capped() {
        assert_eq!(days(d("2026-11-01"), d("2026-11-03")).len(), 3);
        assert_eq!(
            days(d("2026-11-03"), d("2026-11-01")),
            Vec::<NaiveDate>::new()
        );
        let long = days(d("1990-01-01"), d("2026-01-01"));
        assert_eq!(long.len(), MAX_CHART_DAYS);
        assert_eq!(long.last(), Some(&d("2026-01-01")));
    }

    #[test]
    fn missing_days_are_zero_calls_without_an_average_cost() {
        let s = detail(
            d("2026-11-01"),
            d("2026-11-04"),
            &[
                day("2026-11-02", 10, 5.0, 1.0),
                day("2026-11-04", 4, 2.0, 2.0),
            ],
            &[roll("2026-11-04", 2.0, 0.2)],
            None,
            ROLLING_DAYS,
        );
        assert_eq!(s.calls, vec![0.0, 10.0, 0.0, 4.0]);
        assert_eq!(s.minutes, vec![0.0, 5.0, 0.0, 2.0]);
        assert_eq!(s.avg_call_cost, vec![None, Some(0.1), None, Some(0.5)]);
        assert_eq!(s.errors, vec![0.0, 1.0, 0.0, 0.0]);
        assert_eq!(s.rolling_calls, vec![None, None, None, Some(2.0)]);
        assert_eq!(s.rolling_avg_call_cost, vec![None, None, None, Some(0.2)]);
        assert!(!s.live_today);
    }

    #[test]
    fn live_stats_replace_todays_point() {
        let live = LiveToday {
            date: d("2026-11-04"),
            stats: Stats {
                today: Totals {
                    calls: 6,
                    errors: 1,
                    cost: 3.0,
                    total_minutes: 3.0,
                    ..Totals::default()
                },
                last_7_days: Totals {
                    calls: 21,
                    cost: 7.0,
                    total_minutes: 14.0,
                    ..Totals::default()
                },
                ..Stats::default()
            },
        };
        let s = detail(
            d("2026-11-03"),
            d("2026-11-04"),
            &[day("2026-11-04", 4, 2.0, 2.0)],
            &[roll("2026-11-03", 1.0, 0.1), roll("2026-11-04", 2.0, 0.2)],
            Some(live),
            ROLLING_DAYS,
        );
        assert_eq!(s.calls, vec![0.0, 6.0]);
        assert_eq!(s.errors, vec![0.0, 1.0]);
        assert_eq!(s.avg_call_cost, vec![None, Some(0.5)]);
        assert_eq!(s.rolling_calls, vec![Some(1.0), Some(3.0)]);
        assert_eq!(s.rolling_minutes, vec![Some(0.5), Some(2.0)]);
        assert_eq!(s.rolling_avg_call_cost, vec![Some(0.1), Some(7.0 / 21.0)]);
        assert!(s.live_today);

        // A range that does not include today is not touched.
        let past = detail(
            d("2026-11-01"),
            d("2026-11-02"),
            &[],
            &[],
            Some(live),
            ROLLING_DAYS,
        );
        assert!(!past.live_today);
        assert_eq!(past.calls, vec![0.0, 0.0]);

        // Another window keeps the server's rolling means (the feed has 7-day totals only).
        let fortnight = detail(
            d("2026-11-03"),
            d("2026-11-04"),
            &[day("2026-11-04", 4, 2.0, 2.0)],
            &[roll("2026-11-03", 1.0, 0.1), roll("2026-11-04", 2.0, 0.2)],
            Some(live),
            14,
        );
        assert_eq!(fortnight.calls, vec![0.0, 6.0]);
        assert_eq!(fortnight.rolling_calls, vec![Some(1.0), Some(2.0)]);
        assert_eq!(fortnight.window, 14);
    }

    #[test]
    fn sparkline_ends_today_with_live_calls() {
        let line = sparkline(
            d("2026-11-04"),
            3,
            &[
                day("2026-11-02", 5, 0.0, 0.0),
                day("2026-11-04", 1, 0.0, 0.0),
            ],
            Some(9),
        );
        assert_eq!(
            line,
            vec![
                (d("2026-11-02"), 5.0),
                (d("2026-11-03"), 0.0),
                (d("2026-11-04"), 9.0)
            ]
        );
        assert_eq!(
            sparkline(d("2026-11-04"), 1, &[], None),
            vec![(d("2026-11-04"), 0.0)]
        );
    }

    #[test]
    fn today_prefers_live() {
        let rest = day("2026-11-04", 4, 2.0, 2.0);
        assert_eq!(today_totals(Some(&rest), None).calls, 4);
        let live = Stats {
            today: Totals {
                calls: 7,
                ..Totals::default()
            },
            ..Stats::default()
        };
        assert_eq!(today_totals(Some(&rest), Some(&live)).calls, 7);
        assert_eq!(today_totals(None, None), Totals::default());
    }
}
