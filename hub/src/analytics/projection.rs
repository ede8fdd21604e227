//! Spend projections: today's and this month's cost extrapolated at the recent run rate.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::units::nanos_to_usd;

/// Days of history (before today) the run rate is measured over.
pub const RUN_RATE_DAYS: i64 = 7;

pub use protocol::analytics::Projection;

/// Costs a projection is computed from (nano-dollars).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpendInput {
    /// Spend of the [`RUN_RATE_DAYS`] days before today, plus today so far.
    pub recent_nanos: i64,
    pub today_nanos: i64,
    pub month_to_date_nanos: i64,
}

/// The first day of the run-rate window for `now`.
pub fn run_rate_start(now: DateTime<Utc>) -> NaiveDate {
    now.date_naive() - Duration::days(RUN_RATE_DAYS)
}

fn days_in_month(day: NaiveDate) -> i64 {
    let first = day.with_day(1).unwrap_or(day);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    (next - first).num_days()
}

/// Projects `spend` forward from `now`.
pub fn at(now: DateTime<Utc>, spend: SpendInput) -> Projection {
    let today = now.date_naive();
    let elapsed_today = (now - today.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .num_seconds() as f64
        / 86_400.0;
    let window_days = RUN_RATE_DAYS as f64 + elapsed_today;
    let rate = nanos_to_usd(spend.recent_nanos) / window_days;
    let rest_of_today = 1.0 - elapsed_today;
    let rest_of_month = (days_in_month(today) - i64::from(today.day())) as f64 + rest_of_today;
    Projection {
        daily_run_rate: rate,
        today_cost: nanos_to_usd(spend.today_nanos),
        projected_today: nanos_to_usd(spend.today_nanos) + rate * rest_of_today,
        month_to_date_cost: nanos_to_usd(spend.month_to_date_nanos),
        projected_month: nanos_to_usd(spend.month_to_date_nanos) + rate * rest_of_month,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn projects_at_the_run_rate() {
        // Noon on 10 April (30 days): 7.5 days of history cost $75, so $10 a day.
        let now = Utc
            .with_ymd_and_hms(2026, 4, 10, 12, 0, 0)
            .single()
            .unwrap_or_default();
        let p = at(
            now,
            SpendInput {
                recent_nanos: 75_000_000_000,
                today_nanos: 4_000_000_000,
                month_to_date_nanos: 90_000_000_000,
            },
        );
        assert!((p.daily_run_rate - 10.0).abs() < 1e-9);
        assert!((p.projected_today - 9.0).abs() < 1e-9);
        // 20 more days and half of today at $10.
        assert!((p.projected_month - 295.0).abs() < 1e-9);
        assert_eq!(run_rate_start(now).to_string(), "2026-04-03");
    }

    #[test]
    fn month_lengths() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        assert_eq!(days_in_month(day("2026-02-14")), 28);
        assert_eq!(days_in_month(day("2028-02-01")), 29);
        assert_eq!(days_in_month(day("2026-12-31")), 31);
    }
}
