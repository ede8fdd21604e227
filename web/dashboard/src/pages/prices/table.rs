//! The price table in force: for each model, the latest price whose `effective_from` has
//! passed, and the next one if a change is scheduled; and each model's full history. Shown on
//! `/prices` and `/costs`. [`in_force`] and [`history`] are pure and tested.

use chrono::{DateTime, Utc};
use protocol::prices::PriceView;
use yew::prelude::*;

use crate::format;

/// A model's current price and, if any, the scheduled next one.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelPrices {
    pub current: Option<PriceView>,
    pub next: Option<PriceView>,
}

fn models(prices: &[PriceView]) -> Vec<String> {
    let mut models: Vec<String> = prices.iter().map(|p| p.model.clone()).collect();
    models.sort();
    models.dedup();
    models
}

/// Per model (by name), what is in force at `now`.
pub fn in_force(prices: &[PriceView], now: DateTime<Utc>) -> Vec<(String, ModelPrices)> {
    models(prices)
        .into_iter()
        .map(|model| {
            let of_model = prices.iter().filter(|p| p.model == model);
            let current = of_model
                .clone()
                .filter(|p| p.effective_from <= now)
                .max_by_key(|p| p.effective_from)
                .cloned();
            let next = of_model
                .filter(|p| p.effective_from > now)
                .min_by_key(|p| p.effective_from)
                .cloned();
            (model, ModelPrices { current, next })
        })
        .collect()
}

/// Per model (by name), every version, newest first.
pub fn history(prices: &[PriceView]) -> Vec<(String, Vec<PriceView>)> {
    models(prices)
        .into_iter()
        .map(|model| {
            let mut versions: Vec<PriceView> = prices
                .iter()
                .filter(|p| p.model == model)
                .cloned()
                .collect();
            versions.sort_by_key(|p| std::cmp::Reverse(p.effective_from));
            (model, versions)
        })
        .collect()
}

/// `$2.50 in · $10.00 out · $1.25 cache read` (per million tokens).
pub fn price_text(p: &PriceView) -> String {
    let cache = p.cache_read_per_mtok.map_or_else(
        || "cache reads at the input price".to_owned(),
        |c| format!("{} cache read", format::usd(c)),
    );
    format!(
        "{} in · {} out · {cache}",
        format::usd(p.input_per_mtok),
        format::usd(p.output_per_mtok)
    )
}

/// When a version takes effect, to the minute.
pub fn effective(p: &PriceView) -> String {
    p.effective_from.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A price's numbers as cells (with the raw values for the tests).
fn price_cells(p: &PriceView) -> Html {
    let cache = p
        .cache_read_per_mtok
        .map_or_else(|| "= input".to_owned(), format::usd);
    html! {
        <>
            <td data-field="input" data-value={p.input_per_mtok.to_string()}>{ format::usd(p.input_per_mtok) }</td>
            <td data-field="output" data-value={p.output_per_mtok.to_string()}>{ format::usd(p.output_per_mtok) }</td>
            <td data-field="cacheRead" data-value={p.cache_read_per_mtok.map(|c| c.to_string()).unwrap_or_default()}>{ cache }</td>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct PriceTableProps {
    pub prices: Vec<PriceView>,
}

/// The table of prices in force.
#[component]
pub fn PriceTable(props: &PriceTableProps) -> Html {
    let rows = in_force(&props.prices, Utc::now());
    html! {
        <section class="card" data-testid="price-table">
            <h3>{ "Prices in force (US$ per million tokens)" }</h3>
            if rows.is_empty() {
                <p class="muted">{ "No prices yet: events that send tokens but no cost are stored at $0 until an administrator adds prices (on the Prices page)." }</p>
            } else {
                <div class="table-wrap"><table class="table">
                    <thead><tr><th scope="col">{ "Model" }</th><th scope="col">{ "Input" }</th><th scope="col">{ "Output" }</th><th scope="col">{ "Cache read" }</th><th scope="col">{ "Since" }</th><th scope="col">{ "Next change" }</th></tr></thead>
                    <tbody>{ for rows.iter().map(|(model, p)| html! {
                        <tr data-testid="price-row" data-model={model.clone()} data-id={p.current.as_ref().map(|c| c.id.to_string()).unwrap_or_default()}
                            data-input={p.current.as_ref().map(|c| c.input_per_mtok.to_string()).unwrap_or_default()}>
                            <th scope="row">{ model.clone() }</th>
                            if let Some(current) = &p.current {
                                { price_cells(current) }
                                <td>{ effective(current) }</td>
                            } else {
                                <td colspan="4">{ "not yet in force" }</td>
                            }
                            <td>{ p.next.as_ref().map_or_else(|| "–".to_owned(), |n| format!("{} from {}", price_text(n), n.effective_from.format("%Y-%m-%d"))) }</td>
                        </tr>
                    }) }</tbody>
                </table></div>
            }
        </section>
    }
}

/// Every version of every model, newest first per model.
#[component]
pub fn PriceHistory(props: &PriceTableProps) -> Html {
    let models = history(&props.prices);
    html! {
        <section class="card" data-testid="price-history">
            <h3>{ "History" }</h3>
            <div class="table-wrap"><table class="table">
                <thead><tr><th scope="col">{ "Model" }</th><th scope="col">{ "Effective from" }</th><th scope="col">{ "Input" }</th><th scope="col">{ "Output" }</th><th scope="col">{ "Cache read" }</th></tr></thead>
                <tbody>{ for models.iter().flat_map(|(model, versions)| versions.iter().map(move |v| html! {
                    <tr data-testid="price-version" data-id={v.id.to_string()} data-model={model.clone()}>
                        <th scope="row">{ model.clone() }</th>
                        <td data-field="effectiveFrom" data-value={v.effective_from.to_rfc3339()}>{ effective(v) }</td>
                        { price_cells(v) }
                    </tr>
                })) }</tbody>
            </table></div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn price(id: i64, model: &str, month: u32, input: f64) -> PriceView {
        PriceView {
            id,
            model: model.into(),
            effective_from: Utc
                .with_ymd_and_hms(2026, month, 1, 0, 0, 0)
                .single()
                .unwrap_or_default(),
            input_per_mtok: input,
            output_per_mtok: input * 4.0,
            cache_read_per_mtok: None,
            owner_id: None,
        }
    }

    #[test]
    fn the_latest_past_price_is_in_force_and_the_next_is_shown() {
        let now = Utc
            .with_ymd_and_hms(2026, 6, 15, 0, 0, 0)
            .single()
            .unwrap_or_default();
        let prices = [
            price(1, "a", 1, 5.0),
            price(2, "a", 5, 2.5),
            price(3, "a", 9, 1.0),
            price(4, "b", 8, 3.0),
        ];
        let table = in_force(&prices, now);
        assert_eq!(table.len(), 2);
        assert_eq!(table[0].1.current.as_ref().map(|p| p.id), Some(2));
        assert_eq!(table[0].1.next.as_ref().map(|p| p.id), Some(3));
        assert_eq!(table[1].1.current, None);
        assert_eq!(table[1].1.next.as_ref().map(|p| p.id), Some(4));
    }

    #[test]
    fn history_lists_every_version_newest_first_per_model() {
        let prices = [
            price(1, "b", 1, 5.0),
            price(2, "a", 5, 2.5),
            price(3, "a", 9, 1.0),
        ];
        let ids: Vec<(String, Vec<i64>)> = history(&prices)
            .into_iter()
            .map(|(m, v)| (m, v.iter().map(|p| p.id).collect()))
            .collect();
        assert_eq!(
            ids,
            vec![("a".to_owned(), vec![3, 2]), ("b".to_owned(), vec![1])]
        );
    }

    #[test]
    fn a_price_says_how_cache_reads_are_billed() {
        let mut p = price(1, "a", 1, 2.5);
        assert_eq!(
            price_text(&p),
            "$2.50 in · $10.00 out · cache reads at the input price"
        );
        p.cache_read_per_mtok = Some(1.25);
        assert_eq!(price_text(&p), "$2.50 in · $10.00 out · $1.25 cache read");
    }
}
