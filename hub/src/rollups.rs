//! Rollup shaping: how a batch of samples becomes the additive rows of the rollup tables.
//!
//! The storage layer writes these rows with additive upserts in the batch's transaction; every
//! rule about which bucket, width and label a sample counts under lives here, as pure
//! arithmetic with unit tests, so the SQL side only writes what it is handed.
//!
//! - `time_rollups`: per-call samples by minute and hour ([`TIME_WIDTHS`]).
//! - `day_rollups`: every sample (calls and daily records) by UTC day.
//! - `breakdown_rollups`: totals and a latency histogram per hour or day, model and status;
//!   daily records only by day.
//! - `label_rollups`: calls per status code, country and domain (per-call samples only).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::latency::Histogram;
use crate::{Sample, SampleKind, Totals};

/// Bucket widths in seconds.
pub const MINUTE: i32 = 60;
pub const HOUR: i32 = 3600;
pub const DAY: i32 = 86_400;

/// The widths kept in `time_rollups`.
pub const TIME_WIDTHS: [i32; 2] = [MINUTE, HOUR];

/// The start of the `width`-second UTC bucket holding `ts` (buckets are aligned to the Unix
/// epoch, so hour and day buckets start on the hour and at midnight UTC).
pub fn bucket_start(ts: DateTime<Utc>, width: i32) -> DateTime<Utc> {
    let secs = ts.timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(i64::from(width.max(1))), 0).unwrap_or(ts)
}

/// Totals per `(width in seconds, bucket start)`.
pub type TimeBuckets = BTreeMap<(i32, DateTime<Utc>), Totals>;

/// The usage rollups of a batch.
#[derive(Debug, Default, PartialEq)]
pub struct UsageRollups {
    /// Per-call samples by minute and hour.
    pub times: TimeBuckets,
    /// Every sample by UTC day.
    pub days: BTreeMap<NaiveDate, Totals>,
}

/// Sums `samples` into their minute, hour and day buckets.
pub fn usage(samples: &[&Sample]) -> UsageRollups {
    let mut rollups = UsageRollups::default();
    for sample in samples {
        rollups
            .days
            .entry(sample.ts.date_naive())
            .or_default()
            .add_sample(sample);
        if sample.kind == SampleKind::Call {
            for width in TIME_WIDTHS {
                let key = (width, bucket_start(sample.ts, width));
                rollups.times.entry(key).or_default().add_sample(sample);
            }
        }
    }
    rollups
}

/// `(width, bucket, model, status)`; an absent model or status is the empty string.
pub type BreakdownKey = (i32, DateTime<Utc>, String, String);
/// `(width, bucket, dimension, label)`.
pub type LabelKey = (i32, DateTime<Utc>, &'static str, String);

/// One `breakdown_rollups` row's sums.
#[derive(Debug, Default, PartialEq)]
pub struct BreakdownSums {
    pub totals: Totals,
    /// Calls that reported a latency, and the sum of those latencies.
    pub latency_calls: i64,
    pub latency_sum_ms: i64,
    pub latency: Histogram,
}

/// One `label_rollups` row's sums (saturating like [`Totals`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LabelSums {
    pub calls: i64,
    pub errors: i64,
    pub cost_nanos: i64,
}

/// The analytics rollups of a batch.
#[derive(Debug, Default, PartialEq)]
pub struct Breakdowns {
    pub by_model_status: BTreeMap<BreakdownKey, BreakdownSums>,
    pub by_label: BTreeMap<LabelKey, LabelSums>,
}

/// The widths a sample is broken down at: calls by hour and day, daily records by day only.
fn breakdown_widths(sample: &Sample) -> &'static [i32] {
    match sample.kind {
        SampleKind::Call => &[HOUR, DAY],
        SampleKind::Daily => &[DAY],
    }
}

/// The labels a call is counted under.
fn labels(sample: &Sample) -> impl Iterator<Item = (&'static str, String)> + '_ {
    [
        ("status_code", sample.status_code.map(|c| c.to_string())),
        ("country", sample.country.clone()),
        ("domain", sample.domain.clone()),
    ]
    .into_iter()
    .filter_map(|(dimension, label)| label.map(|l| (dimension, l)))
}

/// Sums `samples` into their breakdown and label rows.
pub fn breakdowns(samples: &[&Sample]) -> Breakdowns {
    let mut out = Breakdowns::default();
    for sample in samples {
        for &width in breakdown_widths(sample) {
            let at = bucket_start(sample.ts, width);
            let key = (
                width,
                at,
                sample.model.clone().unwrap_or_default(),
                sample.status.clone().unwrap_or_default(),
            );
            let sums = out.by_model_status.entry(key).or_default();
            sums.totals.add_sample(sample);
            if let Some(ms) = sample.latency_ms {
                sums.latency_calls += 1;
                sums.latency_sum_ms += i64::from(ms);
                sums.latency.record(ms);
            }
            if sample.kind == SampleKind::Call {
                for (dimension, label) in labels(sample) {
                    let sums = out
                        .by_label
                        .entry((width, at, dimension, label))
                        .or_default();
                    // Saturating like `Totals`: the day row of the same batch is then refused.
                    sums.calls = sums.calls.saturating_add(sample.calls);
                    sums.errors = sums.errors.saturating_add(sample.errors);
                    sums.cost_nanos = sums.cost_nanos.saturating_add(sample.cost_nanos);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
