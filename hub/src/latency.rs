//! Latency histograms that merge exactly: fixed, shared bin bounds, so adding two histograms bin
//! by bin gives the histogram of the combined samples. Rollups store one per bucket, and any
//! range, model or set of assistants gets correct percentiles by adding them up (unlike averages
//! of per-bucket percentiles, which are wrong).
//!
//! Bin 0 holds 0 ms; bin `i` holds `[BOUNDS[i-1], BOUNDS[i])` ms. The bounds are
//! `round(2^(j/4))`: below 16 ms a bin is 1 to 3 ms wide, above at most 21% wide, so a
//! percentile read from it (the middle of its bin) is within 1 ms or 9.5% of the exact one.
//! The SQL function `latency_bin` (migration `analytics`) uses the same list.

/// Lower bounds (ms) of bins 1, 2, ...
pub const BOUNDS: [i32; 84] = [
    1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16, 19, 23, 27, 32, 38, 45, 54, 64, 76, 91, 108, 128, 152,
    181, 215, 256, 304, 362, 431, 512, 609, 724, 861, 1024, 1218, 1448, 1722, 2048, 2435, 2896,
    3444, 4096, 4871, 5793, 6889, 8192, 9742, 11585, 13777, 16384, 19484, 23170, 27554, 32768,
    38968, 46341, 55109, 65536, 77936, 92682, 110218, 131072, 155872, 185364, 220436, 262144,
    311744, 370728, 440872, 524288, 623487, 741455, 881744, 1048576, 1246974, 1482910, 1763488,
    2097152, 2493948, 2965821, 3526975, 4194304,
];

/// Number of bins.
pub const BINS: usize = BOUNDS.len() + 1;

/// The bin of a latency (negative latencies count as 0 ms).
pub fn bin(ms: i32) -> usize {
    BOUNDS.partition_point(|bound| *bound <= ms)
}

/// The value reported for a percentile that falls in `bin`: the middle of its range.
fn representative(bin: usize) -> i64 {
    let Some(low) = bin.checked_sub(1).and_then(|i| BOUNDS.get(i)) else {
        return 0;
    };
    let low = i64::from(*low);
    match BOUNDS.get(bin) {
        Some(high) => (low + i64::from(*high) - 1) / 2,
        None => low,
    }
}

/// Counts per bin. Shorter vectors count as zeros beyond their end (an empty histogram is
/// stored as an empty array).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<i64>,
}

impl Histogram {
    /// A histogram from stored counts.
    pub fn from_counts(counts: Vec<i64>) -> Self {
        Self { counts }
    }

    /// Counts one latency.
    pub fn record(&mut self, ms: i32) {
        if self.counts.len() < BINS {
            self.counts.resize(BINS, 0);
        }
        self.counts[bin(ms)] += 1;
    }

    /// Adds `other` bin by bin.
    pub fn merge(&mut self, other: &Histogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// A histogram as stored: the counts of bins `first_bin`, `first_bin + 1`, ...
    pub fn from_stored(first_bin: usize, counts: &[i64]) -> Self {
        if counts.is_empty() {
            return Self::default();
        }
        let mut all = vec![0; first_bin.saturating_add(counts.len()).max(BINS)];
        all[first_bin..first_bin + counts.len()].copy_from_slice(counts);
        Self { counts: all }
    }

    /// The histogram as stored: the index of its first non-empty bin and the counts from there
    /// to its last non-empty bin (`(0, [])` when empty).
    pub fn stored(&self) -> (usize, &[i64]) {
        let Some(first) = self.counts.iter().position(|c| *c != 0) else {
            return (0, &[]);
        };
        let last = self.counts.iter().rposition(|c| *c != 0).unwrap_or(first);
        (first, &self.counts[first..=last])
    }

    /// Counts per bin (empty when nothing was recorded).
    pub fn counts(&self) -> &[i64] {
        &self.counts
    }

    /// Number of latencies counted.
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// The nearest-rank `q`-quantile (0 < q ≤ 1): the value of the `ceil(q·n)`-th smallest
    /// latency, read as the middle of its bin. `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
        let mut seen = 0;
        for (bin, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(representative(bin));
            }
        }
        None
    }

    /// p50, p95 and p99.
    pub fn percentiles(&self) -> Percentiles {
        Percentiles {
            p50: self.quantile(0.50),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
        }
    }
}

pub use protocol::analytics::Percentiles;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_the_rounded_quarter_powers_of_two() {
        let mut expected: Vec<i32> = (0..=88)
            .map(|j| f64::from(j) / 4.0)
            .map(|e| 2f64.powf(e).round() as i32)
            .collect();
        expected.dedup();
        assert_eq!(BOUNDS.to_vec(), expected);
    }

    #[test]
    fn bins_match_sql_width_bucket() {
        assert_eq!(bin(0), 0);
        assert_eq!(bin(-5), 0);
        assert_eq!(bin(1), 1);
        assert_eq!(bin(9), 8);
        assert_eq!(bin(10), 9);
        assert_eq!(bin(i32::MAX), BINS - 1);
    }

    /// Exact nearest-rank quantile of a sorted list.
    fn exact(sorted: &[i32], q: f64) -> i64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        i64::from(sorted[rank - 1])
    }

    #[test]
    fn merged_histograms_give_the_percentiles_of_all_samples_within_a_bin() {
        // Two very different populations, recorded separately and merged.
        let fast: Vec<i32> = (0..900).map(|i| 20 + i % 50).collect();
        let slow: Vec<i32> = (0..100).map(|i| 2_000 + 37 * i).collect();
        let (mut a, mut b) = (Histogram::default(), Histogram::default());
        fast.iter().for_each(|ms| a.record(*ms));
        slow.iter().for_each(|ms| b.record(*ms));
        a.merge(&b);
        let mut all: Vec<i32> = fast.iter().chain(&slow).copied().collect();
        all.sort_unstable();
        assert_eq!(a.total(), 1000);
        for q in [0.5, 0.9, 0.95, 0.99, 1.0] {
            let got = a.quantile(q).unwrap_or_default();
            let want = exact(&all, q);
            assert_eq!(
                bin(got as i32),
                bin(want as i32),
                "q={q} got {got} want {want}"
            );
            assert!(
                (got - want).abs() as f64 <= 0.1 * want as f64 + 1.0,
                "q={q}"
            );
        }
    }

    #[test]
    fn stored_histograms_are_trimmed_and_round_trip() {
        let mut h = Histogram::default();
        [300, 301, 900, 900].iter().for_each(|ms| h.record(*ms));
        let (first, counts) = h.stored();
        assert_eq!(first, bin(300));
        assert_eq!(counts.len(), bin(900) - bin(300) + 1);
        assert_eq!((counts[0], counts[counts.len() - 1]), (2, 2));
        assert_eq!(Histogram::from_stored(first, counts), h);
        assert_eq!(Histogram::default().stored(), (0, &[][..]));
        assert_eq!(Histogram::from_stored(7, &[]), Histogram::default());
    }

    #[test]
    fn empty_and_short_histograms() {
        assert_eq!(Histogram::default().percentiles(), Percentiles::default());
        let mut h = Histogram::from_counts(vec![0, 2]);
        h.merge(&Histogram::from_counts(vec![]));
        assert_eq!(h.quantile(0.5), Some(1));
        h.record(0);
        assert_eq!(h.counts().len(), BINS);
        assert_eq!(h.quantile(0.01), Some(0));
    }
}
