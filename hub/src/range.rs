//! Date ranges and rolling windows as the API accepts them.

use chrono::NaiveDate;

use crate::daily::EARLIEST_DAY;
use crate::ValidationErrors;

/// The longest range one query may cover (ten years of days).
pub const MAX_RANGE_DAYS: i64 = 3660;
/// The latest day a range may reach (date arithmetic stays far from chrono's limits).
pub const LATEST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(day) => day,
    None => NaiveDate::MAX,
};
/// The widest rolling window, in days.
pub const MAX_ROLLING_DAYS: u32 = 365;

/// An inclusive range of UTC days, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// A range within [`EARLIEST_DAY`]..=[`LATEST_DAY`], not reversed and not longer than
    /// [`MAX_RANGE_DAYS`].
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, ValidationErrors> {
        if start < EARLIEST_DAY {
            return Err(ValidationErrors::single(
                "start",
                format!("days before {EARLIEST_DAY} are not accepted"),
            ));
        }
        if end > LATEST_DAY {
            return Err(ValidationErrors::single(
                "end",
                format!("days after {LATEST_DAY} are not accepted"),
            ));
        }
        if end < start {
            return Err(ValidationErrors::single(
                "end",
                format!("end ({end}) is before start ({start})"),
            ));
        }
        let days = (end - start).num_days() + 1;
        if days > MAX_RANGE_DAYS {
            return Err(ValidationErrors::single(
                "end",
                format!("the range covers {days} days; at most {MAX_RANGE_DAYS} are allowed"),
            ));
        }
        Ok(Self { start, end })
    }

    /// First day of the range.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day of the range (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Number of days in the range, at least 1.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

/// The width of a rolling average, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingWindow(u32);

impl RollingWindow {
    /// A window of `1..=MAX_ROLLING_DAYS` days.
    pub fn new(days: i64) -> Result<Self, ValidationErrors> {
        match u32::try_from(days) {
            Ok(days @ 1..=MAX_ROLLING_DAYS) => Ok(Self(days)),
            _ => Err(ValidationErrors::single(
                "days",
                format!("days must be between 1 and {MAX_ROLLING_DAYS}, got {days}"),
            )),
        }
    }

    /// The window's width in days.
    pub fn days(&self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_reversed_range_is_rejected() {
        let err = DateRange::new(day("2026-02-02"), day("2026-02-01")).err();
        assert_eq!(
            err.map(|e| e.errors()[0].field.clone()).as_deref(),
            Some("end")
        );
    }

    #[test]
    fn days_far_in_the_past_or_future_are_rejected() {
        let field =
            |r: Result<DateRange, ValidationErrors>| r.err().map(|e| e.errors()[0].field.clone());
        assert_eq!(
            field(DateRange::new(day("1999-12-31"), day("2000-01-05"))).as_deref(),
            Some("start")
        );
        let far = NaiveDate::from_ymd_opt(200_000, 1, 1).unwrap_or_default();
        assert_eq!(field(DateRange::new(far, far)).as_deref(), Some("end"));
    }

    #[test]
    fn a_single_day_range_has_one_day() {
        let range = DateRange::new(day("2026-02-02"), day("2026-02-02"));
        assert_eq!(range.map(|r| r.days()), Ok(1));
    }

    #[test]
    fn rolling_window_bounds() {
        assert!(RollingWindow::new(0).is_err());
        assert!(RollingWindow::new(366).is_err());
        assert!(RollingWindow::new(-7).is_err());
        assert_eq!(RollingWindow::new(365).map(|w| w.days()), Ok(365));
        assert_eq!(RollingWindow::new(1).map(|w| w.days()), Ok(1));
    }
}
