//! Anomaly flags: a day whose value is more than two standard deviations away from the mean of
//! the days just before it.

use chrono::NaiveDate;

/// Days before a day that form its baseline.
pub const TRAILING_DAYS: usize = 7;
/// Distance from the trailing mean, in standard deviations, beyond which a day is flagged.
pub const SIGMAS: f64 = 2.0;

pub use protocol::analytics::Anomaly;

/// Flags the days of `series` (one value per consecutive day, oldest first, missing days as
/// zero) that lie more than [`SIGMAS`] standard deviations from the mean of their
/// [`TRAILING_DAYS`] predecessors. Days without a full baseline, or whose baseline is all zero,
/// are never flagged. A perfectly flat non-zero baseline flags any change.
pub fn find_anomalies(metric: &str, first_day: NaiveDate, series: &[f64]) -> Vec<Anomaly> {
    let mut out = Vec::new();
    for (i, value) in series.iter().enumerate().skip(TRAILING_DAYS) {
        let baseline = &series[i - TRAILING_DAYS..i];
        let n = TRAILING_DAYS as f64;
        let mean = baseline.iter().sum::<f64>() / n;
        let stddev = (baseline.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        if baseline.iter().all(|v| *v == 0.0) {
            continue;
        }
        let distance = (value - mean).abs();
        let flagged = if stddev > 0.0 {
            distance > SIGMAS * stddev
        } else {
            distance > 0.0
        };
        if flagged {
            out.push(Anomaly {
                day: first_day + chrono::Duration::days(i as i64),
                metric: metric.to_owned(),
                value: *value,
                trailing_mean: mean,
                trailing_stddev: stddev,
                direction: if *value > mean { "high" } else { "low" }.to_owned(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_spike_and_a_drop_are_flagged_ordinary_noise_is_not() {
        let series = [
            10.0, 12.0, 9.0, 11.0, 10.0, 12.0, 9.0, 11.0, 0.0, 30.0, 10.0,
        ];
        let flags = find_anomalies("calls", day("2026-01-01"), &series);
        let days: Vec<(String, &str)> = flags
            .iter()
            .map(|a| (a.day.to_string(), a.direction.as_str()))
            .collect();
        assert_eq!(
            days,
            [
                ("2026-01-09".to_owned(), "low"),
                ("2026-01-10".to_owned(), "high")
            ]
        );
        let spike = &flags[1];
        assert!((spike.trailing_mean - 62.0 / 7.0).abs() < 1e-9);
    }

    #[test]
    fn no_baseline_no_flag() {
        assert!(find_anomalies("cost", day("2026-01-01"), &[0.0; 7]).is_empty());
        let mut fresh = vec![0.0; 7];
        fresh.push(100.0);
        assert!(find_anomalies("cost", day("2026-01-01"), &fresh).is_empty());
        let mut flat = vec![5.0; 7];
        flat.push(6.0);
        assert_eq!(find_anomalies("cost", day("2026-01-01"), &flat).len(), 1);
    }
}
