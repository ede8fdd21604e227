//! Daily records: pre-aggregated usage of one assistant for one UTC day.
//!
//! A daily record is one kind of sample in the additive usage model: posting two records for
//! the same day adds them up. `avg_call_cost` is never stored; it is always
//! `total_cost / call_count`, and a client that sends one must agree with that.

use chrono::{Days, NaiveDate};
use protocol::ingest::DailyMetricsRequest;

use crate::units::{self, MAX_SAMPLE_COST_USD, MAX_SAMPLE_MINUTES};
use crate::ValidationErrors;

/// The most calls one daily record may carry.
pub const MAX_DAILY_CALLS: i64 = 1_000_000_000;
/// The longest client id accepted for idempotent retries.
pub const MAX_CLIENT_ID_CHARS: usize = 128;
/// Relative difference allowed between a supplied `avg_call_cost` and the derived one.
pub const AVG_TOLERANCE: f64 = 0.01;
/// The earliest day accepted.
pub const EARLIEST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// A checked daily record in storage units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyRecord {
    pub date: NaiveDate,
    pub calls: i64,
    pub duration_ms: i64,
    pub cost_nanos: i64,
    pub client_id: Option<String>,
}

impl DailyRecord {
    /// Checks `input`, reporting every invalid field at once. `today` is the current UTC day;
    /// records may be dated at most one day ahead of it (clients east of UTC).
    pub fn validate(
        input: DailyMetricsRequest,
        today: NaiveDate,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let latest = today.checked_add_days(Days::new(1)).unwrap_or(today);
        if input.date > latest {
            errors.add("date", format!("{} is in the future", input.date));
        } else if input.date < EARLIEST_DAY {
            errors.add(
                "date",
                format!("dates before {EARLIEST_DAY} are not accepted"),
            );
        }
        if !(0..=MAX_DAILY_CALLS).contains(&input.call_count) {
            errors.add(
                "callCount",
                format!("must be between 0 and {MAX_DAILY_CALLS}"),
            );
        }
        check_amount(
            &mut errors,
            "totalMinutes",
            input.total_minutes,
            MAX_SAMPLE_MINUTES,
        );
        check_amount(
            &mut errors,
            "totalCost",
            input.total_cost,
            MAX_SAMPLE_COST_USD,
        );
        if input.call_count == 0 && input.total_cost > 0.0 {
            errors.add("totalCost", "must be 0 when callCount is 0");
        }
        if input.call_count == 0 && input.total_minutes > 0.0 {
            errors.add("totalMinutes", "must be 0 when callCount is 0");
        }
        if let Some(avg) = input.avg_call_cost {
            check_average(&mut errors, avg, &input);
        }
        if let Some(client_id) = &input.client_id {
            errors.check_text("clientId", client_id, MAX_CLIENT_ID_CHARS);
        }
        errors.into_result(())?;
        Ok(Self {
            date: input.date,
            calls: input.call_count,
            duration_ms: units::minutes_to_ms(input.total_minutes),
            cost_nanos: units::usd_to_nanos(input.total_cost),
            client_id: input.client_id,
        })
    }
}

/// Average cost per call in dollars, 0 when there were no calls.
pub fn avg_call_cost(cost_nanos: i64, calls: i64) -> f64 {
    if calls == 0 {
        0.0
    } else {
        units::nanos_to_usd(cost_nanos) / calls as f64
    }
}

fn check_amount(errors: &mut ValidationErrors, field: &str, value: f64, max: f64) {
    if !value.is_finite() {
        errors.add(field, "must be a finite number");
    } else if value < 0.0 {
        errors.add(field, "must not be negative");
    } else if value > max {
        errors.add(field, format!("must be at most {max}"));
    }
}

/// A supplied average agrees with `total_cost / call_count` when it is within
/// [`AVG_TOLERANCE`] of it, or equals it rounded to whole cents (so `0.17` and `0.1667` agree
/// with `0.5 / 3`; `0.2` does not).
fn check_average(errors: &mut ValidationErrors, avg: f64, input: &DailyMetricsRequest) {
    if !avg.is_finite() || avg < 0.0 {
        errors.add("avgCallCost", "must be a finite, non-negative number");
        return;
    }
    if input.call_count == 0 {
        if avg != 0.0 {
            errors.add("avgCallCost", "must be 0 when callCount is 0");
        }
        return;
    }
    if input.call_count < 0 || !input.total_cost.is_finite() {
        return; // already reported; no meaningful average to compare with
    }
    let derived = input.total_cost / input.call_count as f64;
    let within_tolerance = (avg - derived).abs() <= AVG_TOLERANCE * derived + 1e-12;
    let whole_cents = ((derived * 100.0).round() / 100.0 - avg).abs() < 1e-9;
    if !within_tolerance && !whole_cents {
        errors.add(
            "avgCallCost",
            format!(
                "{avg} disagrees with totalCost / callCount = {derived}; omit it, send the \
                 derived value, or round it to whole cents"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 10).unwrap_or_default()
    }

    fn input() -> DailyMetricsRequest {
        DailyMetricsRequest {
            date: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default(),
            call_count: 3,
            total_minutes: 1.5,
            total_cost: 0.5,
            avg_call_cost: None,
            client_id: None,
        }
    }

    fn fields(result: Result<DailyRecord, ValidationErrors>) -> Vec<String> {
        result
            .err()
            .map(|e| e.errors().iter().map(|f| f.field.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_valid_record_is_converted_to_storage_units() {
        let record = DailyRecord::validate(input(), today());
        assert_eq!(
            record,
            Ok(DailyRecord {
                date: input().date,
                calls: 3,
                duration_ms: 90_000,
                cost_nanos: 500_000_000,
                client_id: None,
            })
        );
    }

    #[test]
    fn an_average_rounded_as_written_is_accepted() {
        for avg in [0.17, 0.1667, 0.1666, 0.166_666_666_7] {
            let ok = DailyRecord::validate(
                DailyMetricsRequest {
                    avg_call_cost: Some(avg),
                    ..input()
                },
                today(),
            );
            assert!(ok.is_ok(), "{avg} should agree with 0.5/3");
        }
    }

    #[test]
    fn a_disagreeing_average_is_rejected() {
        for avg in [0.2, 0.16, 0.18, 1.0, 0.0] {
            let result = DailyRecord::validate(
                DailyMetricsRequest {
                    avg_call_cost: Some(avg),
                    ..input()
                },
                today(),
            );
            assert_eq!(
                fields(result),
                vec!["avgCallCost"],
                "{avg} should be rejected"
            );
        }
    }

    #[test]
    fn every_bad_field_is_reported() {
        let result = DailyRecord::validate(
            DailyMetricsRequest {
                date: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default(),
                call_count: -1,
                total_minutes: f64::NAN,
                total_cost: -0.01,
                avg_call_cost: None,
                client_id: Some(String::new()),
            },
            today(),
        );
        assert_eq!(
            fields(result),
            vec!["date", "callCount", "totalMinutes", "totalCost", "clientId"]
        );
    }

    #[test]
    fn cost_without_calls_is_rejected() {
        let result = DailyRecord::validate(
            DailyMetricsRequest {
                call_count: 0,
                total_minutes: 0.0,
                ..input()
            },
            today(),
        );
        assert_eq!(fields(result), vec!["totalCost"]);
    }

    #[test]
    fn tomorrow_is_accepted_but_not_later() {
        let tomorrow = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap_or_default();
        let later = NaiveDate::from_ymd_opt(2026, 3, 12).unwrap_or_default();
        assert!(DailyRecord::validate(
            DailyMetricsRequest {
                date: tomorrow,
                ..input()
            },
            today()
        )
        .is_ok());
        assert_eq!(
            fields(DailyRecord::validate(
                DailyMetricsRequest {
                    date: later,
                    ..input()
                },
                today()
            )),
            vec!["date"]
        );
    }

    #[test]
    fn average_of_nothing_is_zero() {
        assert!((avg_call_cost(0, 0)).abs() < f64::EPSILON);
        assert!((avg_call_cost(3_000_000_000, 2) - 1.5).abs() < f64::EPSILON);
    }
}
