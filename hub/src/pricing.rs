//! Model prices: when a call reports tokens but no cost, its cost comes from the price of its
//! model in force at the call's time. Prices are versioned (a new version takes effect at its
//! `effective_from`; older samples keep the older price). A user may hold overrides of a
//! model's price (custom contracts), versioned the same way: a call of one of that user's
//! assistants is priced with the override in force at its time, else with the table's.
//!
//! Cache reads: `cacheReadTokens` are part of `tokensIn` (OpenAI's `cached_tokens` is a subset
//! of `prompt_tokens`). A version with a cache-read price bills `tokensIn - cacheReadTokens` at
//! the input price and `cacheReadTokens` at the cache-read price; one without bills all of
//! `tokensIn` at the input price.

use chrono::{DateTime, Utc};

use crate::units::{usd_to_nanos, MAX_SAMPLE_COST_USD};
use crate::Sample;

/// One version of one model's price, in nano-dollars per million tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    /// The stored version's id (what a priced sample records as its `price_id`).
    pub id: i64,
    pub model: String,
    pub effective_from: DateTime<Utc>,
    pub input_nanos_per_mtok: i64,
    pub output_nanos_per_mtok: i64,
    /// `None`: cache reads are billed at the input price.
    pub cache_read_nanos_per_mtok: Option<i64>,
    /// The user whose override this is; `None` for the shared table.
    pub owner_id: Option<i64>,
}

impl Price {
    /// The cost of a call with these token counts (`cache_read` is part of `tokens_in`),
    /// rounded to the nearest nano-dollar and at most the largest cost a client may send for
    /// one call.
    pub fn cost_nanos(&self, tokens_in: i64, tokens_out: i64, cache_read: i64) -> i64 {
        let (billed_in, cached) = match self.cache_read_nanos_per_mtok {
            Some(price) => {
                let cache_read = cache_read.clamp(0, tokens_in.max(0));
                (
                    tokens_in - cache_read,
                    i128::from(cache_read) * i128::from(price),
                )
            }
            None => (tokens_in, 0),
        };
        let micro = i128::from(billed_in) * i128::from(self.input_nanos_per_mtok)
            + i128::from(tokens_out) * i128::from(self.output_nanos_per_mtok)
            + cached;
        let nanos = (micro + 500_000) / 1_000_000;
        let max = i128::from(usd_to_nanos(MAX_SAMPLE_COST_USD));
        i64::try_from(nanos.min(max)).unwrap_or(i64::MAX)
    }
}

/// The version of `model`'s price that prices a call of `owner`'s at `at`: `owner`'s override
/// in force then, else the table's version in force then, if any.
pub fn price_at<'a>(
    prices: &'a [Price],
    owner: i64,
    model: &str,
    at: DateTime<Utc>,
) -> Option<&'a Price> {
    let in_force = |owner_id: Option<i64>| {
        prices
            .iter()
            .filter(|p| p.owner_id == owner_id && p.model == model && p.effective_from <= at)
            .max_by_key(|p| p.effective_from)
    };
    in_force(Some(owner)).or_else(|| in_force(None))
}

/// Prices every sample of `owner`'s that asks for it (see [`Sample::needs_price`]) and has a
/// known price, recording the version in [`Sample::price_id`]; returns how many were priced.
/// Samples of models without a price keep a cost of zero.
pub fn apply_prices(samples: &mut [Sample], owner: i64, prices: &[Price]) -> usize {
    let mut priced = 0;
    for sample in samples.iter_mut().filter(|s| s.needs_price) {
        let Some(model) = sample.model.as_deref() else {
            continue;
        };
        if let Some(price) = price_at(prices, owner, model, sample.ts) {
            sample.cost_nanos = price.cost_nanos(
                sample.tokens_in,
                sample.tokens_out,
                sample.cache_read_tokens.unwrap_or(0),
            );
            sample.price_id = Some(price.id);
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

    const OWNER: i64 = 7;

    fn price(day: u32, input: i64, output: i64) -> Price {
        Price {
            id: i64::from(day),
            model: "gpt-x".into(),
            effective_from: at(day),
            input_nanos_per_mtok: input,
            output_nanos_per_mtok: output,
            cache_read_nanos_per_mtok: None,
            owner_id: None,
        }
    }

    fn override_of(owner: i64, day: u32, input: i64) -> Price {
        Price {
            id: 100 + i64::from(day),
            owner_id: Some(owner),
            ..price(day, input, 0)
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
        assert_eq!(apply_prices(&mut samples, OWNER, &prices), 2);
        // 1000 × 2500 + 500 × 10000 nanos = $0.0075.
        assert_eq!(samples[0].cost_nanos, 7_500_000);
        assert_eq!(samples[1].cost_nanos, 3_000_000);
        assert_eq!(
            (samples[0].price_id, samples[1].price_id),
            (Some(1), Some(10))
        );
        // A cost the client sent is kept, and no version is recorded for it.
        assert_eq!(samples[2].cost_nanos, 500_000_000);
        assert_eq!(samples[2].price_id, None);
    }

    #[test]
    fn cache_reads_are_billed_at_their_own_price_when_the_version_has_one() {
        // $2 in, $8 out, $0.50 cache read per million tokens.
        let with_cache = Price {
            cache_read_nanos_per_mtok: Some(500_000_000),
            ..price(1, 2_000_000_000, 8_000_000_000)
        };
        // (1000 − 400) × $2 + 400 × $0.50 + 100 × $8 per million = $0.0022.
        assert_eq!(with_cache.cost_nanos(1_000, 100, 400), 2_200_000);
        // Without a cache-read price all input tokens cost the input price.
        let without = price(1, 2_000_000_000, 8_000_000_000);
        assert_eq!(without.cost_nanos(1_000, 100, 400), 2_800_000);
        // Cache reads beyond the input (never stored) cannot make a cost negative.
        assert_eq!(with_cache.cost_nanos(10, 0, 50), 5_000);
    }

    #[test]
    fn an_owners_override_in_force_wins_over_the_table_and_only_for_that_owner() {
        let prices = [
            price(1, 1_000_000_000, 0),
            override_of(OWNER, 10, 500_000_000),
            override_of(99, 1, 3_000_000_000),
        ];
        let at_5 = price_at(&prices, OWNER, "gpt-x", at(5)).map(|p| p.id);
        let at_12 = price_at(&prices, OWNER, "gpt-x", at(12)).map(|p| p.id);
        let other = price_at(&prices, 42, "gpt-x", at(12)).map(|p| p.id);
        // Before the override takes effect the table prices the call.
        assert_eq!((at_5, at_12, other), (Some(1), Some(110), Some(1)));
        assert_eq!(price_at(&prices, OWNER, "other", at(12)), None);
    }

    #[test]
    fn unknown_models_and_calls_before_the_first_price_stay_unpriced() {
        let prices = [price(10, 1_000_000_000, 1_000_000_000)];
        let Ok(mut samples) = validate_events(vec![event(5, None)], at(20)) else {
            panic!("valid event rejected");
        };
        assert_eq!(apply_prices(&mut samples, OWNER, &prices), 0);
        assert_eq!(samples[0].cost_nanos, 0);
        assert!(samples[0].needs_price);
    }

    #[test]
    fn huge_token_counts_are_capped_like_sent_costs() {
        let p = price(1, i64::MAX, i64::MAX);
        assert_eq!(
            p.cost_nanos(1_000_000_000, 1_000_000_000, 0),
            usd_to_nanos(MAX_SAMPLE_COST_USD)
        );
    }
}
