//! Number and time formatting for people: the dashboard shows counts, dollars, minutes and
//! rates on phones, desktops and TVs, and every page must write them the same way. Pure
//! functions, unit-tested natively.

use chrono::{DateTime, TimeZone};

/// `1234567` → `"1,234,567"` (any integer type: the hub counts in `i64`).
pub fn count(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count in at most four significant characters for large displays: `950`, `12.3k`, `4.56M`.
pub fn compact(n: f64) -> String {
    if !n.is_finite() {
        return "–".to_owned();
    }
    let abs = n.abs();
    let (value, suffix) = if abs >= 1e9 {
        (n / 1e9, "B")
    } else if abs >= 1e6 {
        (n / 1e6, "M")
    } else if abs >= 1e4 {
        (n / 1e3, "k")
    } else {
        return count_f64(n);
    };
    let decimals = if value.abs() >= 100.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$}{suffix}")
}

fn count_f64(n: f64) -> String {
    // `as` saturates; the counts shown are far from i128's range anyway.
    count(n.round() as i128)
}

/// US dollars: `$1,234`, `$12.34`, `$0.0042` (small amounts keep two significant digits).
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1000.0 {
        format!("{sign}${}", count(a.round() as i128))
    } else if a >= 0.01 || a == 0.0 {
        format!("{sign}${a:.2}")
    } else {
        // Two significant digits: 0.0042, 0.00031.
        let decimals = (-a.log10().floor()) as usize + 1;
        format!("{sign}${a:.decimals$}")
    }
}

/// Minutes: `0.5 min`, `95.5 min`, `1,234 min`, `56.5k min`.
pub fn minutes(x: f64) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    if x.abs() >= 10_000.0 {
        format!("{} min", compact(x))
    } else if x.abs() >= 1000.0 {
        format!("{} min", count_f64(x))
    } else if x == x.trunc() {
        format!("{x:.0} min")
    } else {
        format!("{x:.1} min")
    }
}

/// A ratio as a percentage: `0.025` → `"2.5%"`, `0` → `"0%"`.
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "–".to_owned();
    }
    let p = ratio * 100.0;
    if p == 0.0 {
        "0%".to_owned()
    } else if p.abs() < 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// Errors per call, `None` without calls (a rate of nothing is not 0%).
pub fn error_rate(errors: impl Into<i128>, calls: impl Into<i128>) -> Option<f64> {
    let (errors, calls) = (errors.into(), calls.into());
    (calls > 0).then(|| errors as f64 / calls as f64)
}

/// `error_rate` for display: `"2.5%"`, or `"–"` without calls.
pub fn error_rate_text(errors: impl Into<i128>, calls: impl Into<i128>) -> String {
    error_rate(errors, calls).map_or_else(|| "–".to_owned(), percent)
}

/// Error rate at or above which it is shown as a warning (1 %).
pub const ERROR_RATE_WARN: f64 = 0.01;
/// Error rate at or above which it is shown as bad (5 %).
pub const ERROR_RATE_BAD: f64 = 0.05;

/// `ok`, `warn` or `bad` for an error rate (`none` without calls): the colour of error rates
/// on tiles and the wallboard.
pub fn error_level(errors: impl Into<i128>, calls: impl Into<i128>) -> &'static str {
    match error_rate(errors, calls) {
        None => "none",
        Some(r) if r >= ERROR_RATE_BAD => "bad",
        Some(r) if r >= ERROR_RATE_WARN => "warn",
        Some(_) => "ok",
    }
}

/// Wall-clock time of day, `16:52:03`.
pub fn clock<Tz: TimeZone>(at: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.format("%H:%M:%S").to_string()
}

/// How long ago, for "last update" labels: `just now`, `42 s ago`, `3 min ago`, `2 h ago`.
pub fn age(seconds: i64) -> String {
    match seconds {
        s if s < 5 => "just now".to_owned(),
        s if s < 60 => format!("{s} s ago"),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s => format!("{} d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_levels_follow_the_thresholds() {
        assert_eq!(error_level(0, 0), "none");
        assert_eq!(error_level(0, 1000), "ok");
        assert_eq!(error_level(9, 1000), "ok");
        assert_eq!(error_level(10, 1000), "warn");
        assert_eq!(error_level(49, 1000), "warn");
        assert_eq!(error_level(50, 1000), "bad");
    }
    use chrono::Utc;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(count(-1_234_i64), "-1,234");
    }

    #[test]
    fn compact_counts_stay_short() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(9_999.0), "9,999");
        assert_eq!(compact(12_345.0), "12.3k");
        assert_eq!(compact(123_456.0), "123k");
        assert_eq!(compact(4_560_000.0), "4.56M");
        assert_eq!(compact(7.2e9), "7.20B");
        assert_eq!(compact(-12_345.0), "-12.3k");
        assert_eq!(compact(f64::NAN), "–");
    }

    #[test]
    fn dollars_keep_small_amounts_readable() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(4.2), "$4.20");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(1234.4), "$1,234");
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(0.00031), "$0.00031");
        assert_eq!(usd(0.01), "$0.01");
        assert_eq!(usd(-3.5), "-$3.50");
        assert_eq!(usd(f64::INFINITY), "–");
    }

    #[test]
    fn minutes_and_percentages() {
        assert_eq!(minutes(0.0), "0 min");
        assert_eq!(minutes(95.5), "95.5 min");
        assert_eq!(minutes(12.0), "12 min");
        assert_eq!(minutes(1234.4), "1,234 min");
        assert_eq!(minutes(56_492.0), "56.5k min");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn error_rate_needs_calls() {
        assert_eq!(error_rate(0, 0), None);
        assert_eq!(error_rate(1, 4), Some(0.25));
        assert_eq!(error_rate_text(0, 0), "–");
        assert_eq!(error_rate_text(1, 40), "2.5%");
        assert_eq!(error_rate_text(0, 10), "0%");
    }

    #[test]
    fn clock_and_age() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 16, 52, 3).single();
        assert_eq!(at.map(|t| clock(&t)).as_deref(), Some("16:52:03"));
        assert_eq!(age(0), "just now");
        assert_eq!(age(42), "42 s ago");
        assert_eq!(age(185), "3 min ago");
        assert_eq!(age(7300), "2 h ago");
        assert_eq!(age(200_000), "2 d ago");
    }
}
