//! Date ranges, single days, instants and rolling windows as the API accepts them: every date,
//! timestamp and cursor a client sends is checked here, so none reaches PostgreSQL outside the
//! range it can store (or that chrono's date arithmetic can reach).

use chrono::{DateTime, NaiveDate, Utc};

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

/// `day` if it lies within [`EARLIEST_DAY`]..=[`LATEST_DAY`]; otherwise a failure of `field`.
pub fn check_day(field: &str, day: NaiveDate) -> Result<NaiveDate, ValidationErrors> {
    if (EARLIEST_DAY..=LATEST_DAY).contains(&day) {
        Ok(day)
    } else {
        Err(ValidationErrors::single(
            field,
            format!("must be a day from {EARLIEST_DAY} to {LATEST_DAY}"),
        ))
    }
}

/// `ts` if it falls on a day from [`EARLIEST_DAY`] to [`LATEST_DAY`] in some time zone (its UTC
/// day may be one outside: `2000-01-01T00:00:00+10:00` is still 1999 in UTC); otherwise a
/// failure of `field`.
pub fn check_instant(field: &str, ts: DateTime<Utc>) -> Result<DateTime<Utc>, ValidationErrors> {
    let day = ts.date_naive();
    let in_range = EARLIEST_DAY.pred_opt().is_some_and(|first| day >= first)
        && LATEST_DAY.succ_opt().is_some_and(|last| day <= last);
    if in_range {
        Ok(ts)
    } else {
        Err(ValidationErrors::single(
            field,
            format!("must be a time from {EARLIEST_DAY} to {LATEST_DAY}"),
        ))
    }
}

impl DateRange {
    /// A range within [`EARLIEST_DAY`]..=[`LATEST_DAY`], not reversed and not longer than
    /// [`MAX_RANGE_DAYS`].
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, ValidationErrors> {
        check_day("start", start)?;
        check_day("end", end)?;
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
        assert_eq!(field(DateRange::new(far, far)).as_deref(), Some("start"));
        assert_eq!(
            field(DateRange::new(day("2026-01-01"), far)).as_deref(),
            Some("end")
        );
    }

    #[test]
    fn single_days_and_instants_outside_the_storable_range_are_rejected() {
        assert!(check_day("start", day("2000-01-01")).is_ok());
        assert!(check_day("start", day("1999-12-31")).is_err());
        assert!(check_day("end", NaiveDate::MIN).is_err());
        assert!(check_day("end", NaiveDate::MAX).is_err());
        let field = |r: Result<DateTime<Utc>, ValidationErrors>| {
            r.err().map(|e| e.errors()[0].field.clone())
        };
        assert_eq!(
            field(check_instant("cursor", DateTime::<Utc>::MIN_UTC)).as_deref(),
            Some("cursor")
        );
        assert_eq!(
            field(check_instant("cursor", DateTime::<Utc>::MAX_UTC)).as_deref(),
            Some("cursor")
        );
        let now: DateTime<Utc> = "2026-06-01T12:00:00Z".parse().unwrap_or_default();
        assert_eq!(check_instant("ts", now), Ok(now));
        let local: DateTime<Utc> = "2000-01-01T00:00:00+14:00".parse().unwrap_or_default();
        assert_eq!(check_instant("ts", local), Ok(local));
        let before: DateTime<Utc> = "1999-12-30T23:59:59Z".parse().unwrap_or_default();
        assert!(check_instant("ts", before).is_err());
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
