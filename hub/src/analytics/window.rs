//! The time window of an analytics query: `range=24h|7d|1m|3m|custom` or an explicit date range,
//! resolved against the clock into UTC bucket boundaries and a bucket width.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::rollups::{bucket_start, DAY, HOUR};
use crate::{DateRange, ValidationErrors};

/// The longest span served with hourly buckets (a month of hours).
pub const MAX_HOURLY_DAYS: i64 = 31;
/// Custom ranges up to this many days get hourly buckets on the dashboard, longer ones daily.
pub const HOURLY_DASHBOARD_DAYS: i64 = 2;
/// The longest window of a dashboard, summary or time series (the work is proportional to it).
pub const MAX_ANALYTICS_DAYS: i64 = 400;

pub use protocol::analytics::{Granularity, Window};

/// What the hub does with a [`Granularity`]: parse it from a query, and find buckets.
pub trait GranularityExt: Sized {
    /// Parses `hour`, `day` or `week`.
    fn parse(value: &str) -> Result<Self, ValidationErrors>;
    /// Width of the rollups a series of this granularity is summed from.
    fn rollup_seconds(self) -> i32;
    /// The start of the bucket holding `at`.
    fn bucket_of(self, at: DateTime<Utc>) -> DateTime<Utc>;
}

impl GranularityExt for Granularity {
    fn parse(value: &str) -> Result<Self, ValidationErrors> {
        match value {
            "hour" => Ok(Self::Hour),
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            other => Err(ValidationErrors::single(
                "granularity",
                format!("{other:?} is not one of hour, day, week"),
            )),
        }
    }

    fn rollup_seconds(self) -> i32 {
        match self {
            Self::Hour => HOUR,
            Self::Day | Self::Week => DAY,
        }
    }

    fn bucket_of(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let hour = bucket_start(at, HOUR);
        let day = bucket_start(at, DAY);
        match self {
            Self::Hour => hour,
            Self::Day => day,
            Self::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
        }
    }
}

/// The bucket after the one starting at `at`.
fn next_bucket(granularity: Granularity, at: DateTime<Utc>) -> DateTime<Utc> {
    match granularity {
        Granularity::Hour => at + Duration::hours(1),
        Granularity::Day => at + Duration::days(1),
        Granularity::Week => at + Duration::weeks(1),
    }
}

/// What the hub does with a [`Window`]: resolve one from a query, and walk its buckets.
pub trait WindowExt: Sized {
    /// The dashboard's window for `range` (`24h`, `7d`, `1m`, `3m` or `custom` with `start` and
    /// `end` days, both inclusive). Relative ranges end with the bucket holding `now`.
    fn dashboard(
        range: &str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors>;
    /// A time series over whole days with the given bucket width. Hourly series may cover at
    /// most [`MAX_HOURLY_DAYS`].
    fn series(range: DateRange, granularity: Granularity) -> Result<Self, ValidationErrors>;
    /// The part of the window whose buckets are complete at `now` (all of it for a past
    /// window): trends compare this with the same length just before it.
    fn completed(&self, now: DateTime<Utc>) -> Self;
    /// The window of the same length just before this one (for trends).
    fn previous(&self) -> Self;
    /// The start of every bucket overlapping the window, oldest first.
    fn buckets(&self) -> Vec<DateTime<Utc>>;
    /// The first UTC day the window touches.
    fn first_day(&self) -> NaiveDate;
    /// The last UTC day the window touches.
    fn last_day(&self) -> NaiveDate;
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

impl WindowExt for Window {
    fn dashboard(
        range: &str,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
        let days = |n: i64| {
            let end = Granularity::Day.bucket_of(now) + Duration::days(1);
            Self {
                start: end - Duration::days(n),
                end,
                granularity: Granularity::Day,
            }
        };
        if range != "custom" && (start.is_some() || end.is_some()) {
            return Err(ValidationErrors::single(
                "range",
                "start and end are only accepted with range=custom",
            ));
        }
        match range {
            "24h" => {
                let end = Granularity::Hour.bucket_of(now) + Duration::hours(1);
                Ok(Self {
                    start: end - Duration::hours(24),
                    end,
                    granularity: Granularity::Hour,
                })
            }
            "7d" => Ok(days(7)),
            "1m" => Ok(days(30)),
            "3m" => Ok(days(90)),
            "custom" => {
                let mut errors = ValidationErrors::default();
                if start.is_none() {
                    errors.add("start", "required (YYYY-MM-DD) when range=custom");
                }
                if end.is_none() {
                    errors.add("end", "required (YYYY-MM-DD) when range=custom");
                }
                let (Some(start), Some(end)) = (start, end) else {
                    return Err(errors);
                };
                let range = DateRange::new(start, end)?;
                check_analytics_days(range)?;
                let granularity = if range.days() <= HOURLY_DASHBOARD_DAYS {
                    Granularity::Hour
                } else {
                    Granularity::Day
                };
                Ok(of_days(range, granularity))
            }
            other => Err(ValidationErrors::single(
                "range",
                format!("{other:?} is not one of 24h, 7d, 1m, 3m, custom"),
            )),
        }
    }

    fn series(range: DateRange, granularity: Granularity) -> Result<Self, ValidationErrors> {
        check_analytics_days(range)?;
        if granularity == Granularity::Hour && range.days() > MAX_HOURLY_DAYS {
            return Err(ValidationErrors::single(
                "granularity",
                format!(
                    "hourly series cover at most {MAX_HOURLY_DAYS} days; this range has {}",
                    range.days()
                ),
            ));
        }
        Ok(of_days(range, granularity))
    }

    fn completed(&self, now: DateTime<Utc>) -> Self {
        Self {
            end: self
                .end
                .min(self.granularity.bucket_of(now))
                .max(self.start),
            ..*self
        }
    }

    fn previous(&self) -> Self {
        Self {
            start: self.start - (self.end - self.start),
            end: self.start,
            granularity: self.granularity,
        }
    }

    fn buckets(&self) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        let mut at = self.granularity.bucket_of(self.start);
        while at < self.end {
            out.push(at);
            at = next_bucket(self.granularity, at);
        }
        out
    }

    fn first_day(&self) -> NaiveDate {
        self.start.date_naive()
    }

    fn last_day(&self) -> NaiveDate {
        (self.end - Duration::nanoseconds(1)).date_naive()
    }
}

/// The window of whole days `range`.
fn of_days(range: DateRange, granularity: Granularity) -> Window {
    Window {
        start: midnight(range.start()),
        end: midnight(range.end()) + Duration::days(1),
        granularity,
    }
}

fn check_analytics_days(range: DateRange) -> Result<(), ValidationErrors> {
    if range.days() > MAX_ANALYTICS_DAYS {
        return Err(ValidationErrors::single(
            "end",
            format!(
                "analytics cover at most {MAX_ANALYTICS_DAYS} days; this range has {}",
                range.days()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 14, 25, 7)
            .single()
            .unwrap_or_default()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn relative_ranges_end_with_the_current_bucket() {
        let w = Window::dashboard("24h", None, None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(w.granularity, Granularity::Hour);
        assert_eq!(w.end.to_rfc3339(), "2026-03-11T15:00:00+00:00");
        assert_eq!(w.buckets().len(), 24);
        let w = Window::dashboard("7d", None, None, now()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(w.granularity, Granularity::Day);
        assert_eq!(w.first_day(), day("2026-03-05"));
        assert_eq!(w.last_day(), day("2026-03-11"));
        assert_eq!(w.buckets().len(), 7);
        assert_eq!(w.previous().last_day(), day("2026-03-04"));
        let done = w.completed(now());
        assert_eq!(
            (done.first_day(), done.end.date_naive()),
            (day("2026-03-05"), day("2026-03-11"))
        );
        assert_eq!(done.previous().first_day(), day("2026-02-27"));
        for (range, n) in [("1m", 30), ("3m", 90)] {
            let w = Window::dashboard(range, None, None, now()).map(|w| w.buckets().len());
            assert_eq!(w.ok(), Some(n));
        }
    }

    #[test]
    fn custom_needs_valid_days() {
        let fields = |r: Result<Window, ValidationErrors>| -> Vec<String> {
            r.err()
                .map(|e| e.errors().iter().map(|f| f.field.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            fields(Window::dashboard("custom", None, None, now())),
            ["start", "end"]
        );
        assert_eq!(
            fields(Window::dashboard(
                "custom",
                Some(day("2026-03-02")),
                Some(day("2026-03-01")),
                now()
            )),
            ["end"]
        );
        assert_eq!(
            fields(Window::dashboard("1y", None, None, now())),
            ["range"]
        );
        assert_eq!(
            fields(Window::dashboard(
                "7d",
                Some(day("2026-03-01")),
                None,
                now()
            )),
            ["range"]
        );
        assert_eq!(
            fields(Window::dashboard(
                "custom",
                Some(day("2025-01-01")),
                Some(day("2026-03-01")),
                now()
            )),
            ["end"]
        );
        let w = Window::dashboard(
            "custom",
            Some(day("2026-03-01")),
            Some(day("2026-03-02")),
            now(),
        );
        assert_eq!(
            w.map(|w| (w.granularity, w.buckets().len())).ok(),
            Some((Granularity::Hour, 48))
        );
        let w = Window::dashboard(
            "custom",
            Some(day("2026-03-01")),
            Some(day("2026-03-03")),
            now(),
        );
        assert_eq!(w.map(|w| w.buckets().len()).ok(), Some(3));
    }

    #[test]
    fn weeks_start_on_monday_and_hourly_series_are_bounded() {
        let range = DateRange::new(day("2026-03-04"), day("2026-03-16"));
        let w = range.and_then(|r| Window::series(r, Granularity::Week));
        let starts: Vec<String> = w
            .map(|w| {
                w.buckets()
                    .iter()
                    .map(|b| b.date_naive().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(starts, ["2026-03-02", "2026-03-09", "2026-03-16"]);
        let long = DateRange::new(day("2026-01-01"), day("2026-03-01"));
        assert!(long
            .and_then(|r| Window::series(r, Granularity::Hour))
            .is_err());
        assert!(Granularity::parse("minute").is_err());
    }
}
