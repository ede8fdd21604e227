//! When to try again after the live connection drops: exponential backoff with jitter, so a
//! hub restart is not met by every wallboard reconnecting in the same millisecond.

/// First retry delay, milliseconds.
pub const BASE_MS: u32 = 500;
/// Longest delay, milliseconds.
pub const MAX_MS: u32 = 30_000;

/// Delay before reconnect attempt `attempt` (0 for the first retry), given a random `jitter`
/// in `[0, 1)`: half of the exponential step is fixed and half random ("equal jitter"), so
/// the delay lies in `[step / 2, step)` with `step = min(MAX_MS, BASE_MS * 2^attempt)`.
pub fn delay_ms(attempt: u32, jitter: f64) -> u32 {
    let step = BASE_MS
        .checked_shl(attempt.min(16))
        .unwrap_or(MAX_MS)
        .min(MAX_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let half = step / 2;
    half + (f64::from(step - half) * jitter) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_then_caps() {
        let steps: Vec<u32> = (0..10).map(|a| delay_ms(a, 0.999_999)).collect();
        assert_eq!(
            steps,
            vec![499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]
        );
        assert_eq!(delay_ms(0, 0.0), 250);
        assert_eq!(delay_ms(3, 0.0), 2000);
    }

    #[test]
    fn stays_within_bounds_for_any_input() {
        for attempt in [0, 1, 5, 31, 32, 1000, u32::MAX] {
            for jitter in [0.0, 0.3, 0.99, 1.0, -5.0, 7.0, f64::NAN, f64::INFINITY] {
                let d = delay_ms(attempt, jitter);
                assert!(
                    (BASE_MS / 2..=MAX_MS).contains(&d),
                    "{attempt} {jitter} {d}"
                );
            }
        }
    }

    #[test]
    fn never_decreases_with_attempts() {
        let mut last = 0;
        for attempt in 0..40 {
            let d = delay_ms(attempt, 0.5);
            assert!(d >= last);
            last = d;
        }
    }
}
