//! Model prices: when a call reports tokens but no cost, its cost comes from the price of its
//! model in force at the call's time. Prices are versioned (a new version takes effect at its
//! `effective_from`; older samples keep the older price).

use chrono::{DateTime, Utc};

use crate::units::{usd_to_nanos, MAX_SAMPLE_COST_USD};
use crate::Sample;

/// One version of one model's price, in nano-dollars per million tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub model: String,
    pub effective_from: DateTime<Utc>,
    pub input_nanos_per_mtok: i64,
    pub output_nanos_per_mtok: i64,
}

impl Price {
    /// The cost of a call with these token counts, rounded to the nearest nano-dollar and at
    /// most the largest cost a client may send for one call.
    pub fn cost_nanos(&self, tokens_in: i64, tokens_out: i64) -> i64 {
        let micro = i128::from(tokens_in) * i128::from(self.input_nanos_per_mtok)
            + i128::from(tokens_out) * i128::from(self.output_nanos_per_mtok);
        let nanos = (micro + 500_000) / 1_000_000;
        let max = i128::from(usd_to_nanos(MAX_SAMPLE_COST_USD));
        i64::try_from(nanos.min(max)).unwrap_or(i64::MAX)
    }
}

/// The version of `model`'s price in force at `at`, if any.
pub fn price_at<'a>(prices: &'a [Price], model: &str, at: DateTime<Utc>) -> Option<&'a Price> {
    prices
        .iter()
        .filter(|p| p.model == model && p.effective_from <= at)
        .max_by_key(|p| p.effective_from)
}

/// Prices every sample that asks for it (see [`Sample::needs_price`]) and has a known price;
/// returns how many were priced. Samples of models without a price keep a cost of zero.
pub fn apply_prices(samples: &mut [Sample], prices: &[Price]) -> usize {
    let mut priced = 0;
    for sample in samples.iter_mut().filter(|s| s.needs_price) {
        let Some(model) = sample.model.as_deref() else {
            continue;
        };
        if let Some(price) = price_at(prices, model, sample.ts) {
            sample.cost_nanos = price.cost_nanos(sample.tokens_in, sample.tokens_out);
            sample.needs_price = false;
            priced += 1;
        }
    }
    priced
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::validate_events;
    use chrono::TimeZone;
    use protocol::ingest::Event;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn price(day: u32, input: i64, output: i64) -> Price {
        Price {
            model: "gpt-x".into(),
            effective_from: at(day),
            input_nanos_per_mtok: input,
            output_nanos_per_mtok: output,
        }
    }

    fn event(day: u32, cost: Option<f64>) -> Event {
        Event {
            ts: Some(at(day)),
            model: Some("gpt-x".into()),
            tokens_in: Some(1_000),
            tokens_out: Some(500),
            cost,
            ..Event::default()
        }
    }

    #[test]
    fn tokens_are_priced_by_the_version_in_force() {
        // $2.50 / $10 per million tokens from the 1st, $1 / $4 from the 10th.
        let prices = [
            price(1, 2_500_000_000, 10_000_000_000),
            price(10, 1_000_000_000, 4_000_000_000),
        ];
        let events = vec![event(5, None), event(12, None), event(12, Some(0.5))];
        let Ok(mut samples) = validate_events(events, at(20)) else {
            panic!("valid events rejected");
        };
        assert_eq!(apply_prices(&mut samples, &prices), 2);
        // 1000 × 2500 + 500 × 10000 nanos = $0.0075.
        assert_eq!(samples[0].cost_nanos, 7_500_000);
        assert_eq!(samples[1].cost_nanos, 3_000_000);
        // A cost the client sent is kept.
        assert_eq!(samples[2].cost_nanos, 500_000_000);
    }

    #[test]
    fn unknown_models_and_calls_before_the_first_price_stay_unpriced() {
        let prices = [price(10, 1_000_000_000, 1_000_000_000)];
        let Ok(mut samples) = validate_events(vec![event(5, None)], at(20)) else {
            panic!("valid event rejected");
        };
        assert_eq!(apply_prices(&mut samples, &prices), 0);
        assert_eq!(samples[0].cost_nanos, 0);
        assert!(samples[0].needs_price);
    }

    #[test]
    fn huge_token_counts_are_capped_like_sent_costs() {
        let p = price(1, i64::MAX, i64::MAX);
        assert_eq!(
            p.cost_nanos(1_000_000_000, 1_000_000_000),
            usd_to_nanos(MAX_SAMPLE_COST_USD)
        );
    }
}
