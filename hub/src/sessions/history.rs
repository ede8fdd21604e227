//! The session history of a date range (`GET /sessions`), assembled from per-day sums the
//! persistence crate reads from the raw samples: every day of the range, and the averages over
//! all of them.

use chrono::NaiveDate;
use protocol::sessions::{SessionDay, SessionHistory};

use crate::{DateRange, ValidationErrors};

/// Longest range of the history, in days: it reads raw samples, so its cost grows with them.
pub const MAX_HISTORY_DAYS: i64 = 90;

/// Sums over the sessions that began on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionDayTotals {
    pub day: NaiveDate,
    pub sessions: i64,
    /// Seconds from first to last call, summed over the sessions.
    pub duration_seconds: f64,
    pub cost_nanos: f64,
    pub calls: f64,
}

/// The range of a history: a valid date range of at most [`MAX_HISTORY_DAYS`] days.
pub fn history_range(start: NaiveDate, end: NaiveDate) -> Result<DateRange, ValidationErrors> {
    let range = DateRange::new(start, end)?;
    if range.days() > MAX_HISTORY_DAYS {
        return Err(ValidationErrors::single(
            "end",
            format!(
                "the range covers {} days; at most {MAX_HISTORY_DAYS} are accepted",
                range.days()
            ),
        ));
    }
    Ok(range)
}

fn average(sum: f64, count: i64) -> Option<f64> {
    (count > 0).then(|| sum / count as f64)
}

/// The history of `range` over `assistants` from the per-day sums of `days`.
pub fn build(range: DateRange, assistants: Vec<i64>, days: &[SessionDayTotals]) -> SessionHistory {
    let mut total = SessionDayTotals {
        day: range.start(),
        sessions: 0,
        duration_seconds: 0.0,
        cost_nanos: 0.0,
        calls: 0.0,
    };
    let mut out = Vec::new();
    for day in range.start().iter_days().take_while(|d| *d <= range.end()) {
        let sums = days
            .iter()
            .find(|d| d.day == day)
            .copied()
            .unwrap_or(SessionDayTotals {
                day,
                sessions: 0,
                duration_seconds: 0.0,
                cost_nanos: 0.0,
                calls: 0.0,
            });
        total.sessions += sums.sessions;
        total.duration_seconds += sums.duration_seconds;
        total.cost_nanos += sums.cost_nanos;
        total.calls += sums.calls;
        out.push(SessionDay {
            day,
            sessions: sums.sessions,
            avg_duration_seconds: average(sums.duration_seconds, sums.sessions),
            avg_cost: average(sums.cost_nanos / 1e9, sums.sessions),
        });
    }
    SessionHistory {
        start: range.start(),
        end: range.end(),
        assistants,
        count: total.sessions,
        avg_duration_seconds: average(total.duration_seconds, total.sessions),
        avg_cost: average(total.cost_nanos / 1e9, total.sessions),
        avg_calls: average(total.calls, total.sessions),
        days: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn every_day_is_listed_and_the_averages_weigh_each_session_once() {
        let range =
            history_range(day("2026-11-01"), day("2026-11-03")).unwrap_or_else(|e| panic!("{e}"));
        let days = [
            SessionDayTotals {
                day: day("2026-11-01"),
                sessions: 1,
                duration_seconds: 60.0,
                cost_nanos: 1e9,
                calls: 2.0,
            },
            SessionDayTotals {
                day: day("2026-11-03"),
                sessions: 3,
                duration_seconds: 60.0,
                cost_nanos: 3e9,
                calls: 6.0,
            },
        ];
        let history = build(range, vec![1], &days);
        assert_eq!(history.count, 4);
        assert_eq!(history.avg_duration_seconds, Some(30.0));
        assert_eq!(history.avg_cost, Some(1.0));
        assert_eq!(history.avg_calls, Some(2.0));
        let per_day: Vec<i64> = history.days.iter().map(|d| d.sessions).collect();
        assert_eq!(per_day, [1, 0, 3]);
        assert_eq!(history.days[1].avg_cost, None);
        assert_eq!(history.days[2].avg_duration_seconds, Some(20.0));
    }

    #[test]
    fn a_range_over_90_days_is_refused() {
        assert!(history_range(day("2026-01-01"), day("2026-03-31")).is_ok());
        assert!(history_range(day("2026-01-01"), day("2026-04-01")).is_err());
    }
}
