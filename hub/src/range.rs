//! Date ranges and rolling windows as the API accepts them.

use chrono::NaiveDate;

use crate::ValidationErrors;

/// The longest range one query may cover (ten years of days).
pub const MAX_RANGE_DAYS: i64 = 3660;
/// The widest rolling window, in days.
pub const MAX_ROLLING_DAYS: u32 = 365;

/// An inclusive range of UTC days, `start..=end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// A range that is not reversed and not longer than [`MAX_RANGE_DAYS`].
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, ValidationErrors> {
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
