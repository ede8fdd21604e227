//! Exact storage units for money and time.
//!
//! Costs are kept as integer nano-dollars and durations as integer milliseconds. Integers add
//! exactly and in any order, so rollups updated concurrently by several hub nodes always agree
//! with the sum of the raw samples. Floats exist only at the API boundary.

/// Nano-dollars in one US dollar.
pub const NANOS_PER_USD: i64 = 1_000_000_000;
/// Milliseconds in one minute.
pub const MS_PER_MINUTE: i64 = 60_000;

/// The largest cost one sample may carry, in dollars (keeps sums far from `i64::MAX`).
pub const MAX_SAMPLE_COST_USD: f64 = 1.0e6;
/// The largest duration one sample may carry, in minutes (about 19 years of call time).
pub const MAX_SAMPLE_MINUTES: f64 = 1.0e7;

/// Dollars to nano-dollars, rounded to the nearest nano-dollar.
///
/// The caller has checked that `usd` is finite and within `0..=MAX_SAMPLE_COST_USD`; the cast
/// saturates rather than wraps if it was not.
pub fn usd_to_nanos(usd: f64) -> i64 {
    (usd * NANOS_PER_USD as f64).round() as i64
}

/// Nano-dollars to dollars.
pub fn nanos_to_usd(nanos: i64) -> f64 {
    nanos as f64 / NANOS_PER_USD as f64
}

/// Minutes to milliseconds, rounded to the nearest millisecond (same contract as [`usd_to_nanos`]).
pub fn minutes_to_ms(minutes: f64) -> i64 {
    (minutes * MS_PER_MINUTE as f64).round() as i64
}

/// Milliseconds to minutes.
pub fn ms_to_minutes(ms: i64) -> f64 {
    ms as f64 / MS_PER_MINUTE as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_round_trips_to_the_nano_dollar() {
        assert_eq!(usd_to_nanos(12.345_678_901), 12_345_678_901);
        assert_eq!(usd_to_nanos(0.1) + usd_to_nanos(0.2), usd_to_nanos(0.3));
        assert!((nanos_to_usd(1_500_000_000) - 1.5).abs() < f64::EPSILON);
    }

    #[test]
    fn minutes_round_to_the_millisecond() {
        assert_eq!(minutes_to_ms(1.5), 90_000);
        assert_eq!(minutes_to_ms(0.000_01), 1);
        assert!((ms_to_minutes(90_000) - 1.5).abs() < f64::EPSILON);
    }
}
