//! The price table in force: for each model, the latest price whose `effective_from` has
//! passed, and the next one if a change is scheduled. [`in_force`] is pure and tested.

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

/// Per model (by name), what is in force at `now`.
pub fn in_force(prices: &[PriceView], now: DateTime<Utc>) -> Vec<(String, ModelPrices)> {
    let mut models: Vec<String> = prices.iter().map(|p| p.model.clone()).collect();
    models.sort();
    models.dedup();
    models
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

#[derive(Properties, PartialEq)]
pub struct PriceTableProps {
    pub prices: Vec<PriceView>,
}

/// The table of prices in force.
#[component]
pub fn PriceTable(props: &PriceTableProps) -> Html {
    let rows = in_force(&props.prices, Utc::now());
    let price = |p: &PriceView| {
        format!(
            "{} in · {} out",
            format::usd(p.input_per_mtok),
            format::usd(p.output_per_mtok)
        )
    };
    html! {
        <section class="card" data-testid="price-table">
            <h3>{ "Prices in force (per million tokens)" }</h3>
            if rows.is_empty() {
                <p class="muted">{ "No prices yet: events that send tokens but no cost are stored at $0 until an administrator adds prices (POST /api/v1/prices)." }</p>
            } else {
                <div class="table-wrap"><table class="table">
                    <thead><tr><th scope="col">{ "Model" }</th><th scope="col">{ "Price" }</th><th scope="col">{ "Since" }</th><th scope="col">{ "Next change" }</th></tr></thead>
                    <tbody>{ for rows.iter().map(|(model, p)| html! {
                        <tr data-testid="price-row" data-model={model.clone()}
                            data-input={p.current.as_ref().map(|c| c.input_per_mtok.to_string()).unwrap_or_default()}>
                            <th scope="row">{ model.clone() }</th>
                            <td>{ p.current.as_ref().map_or_else(|| "not yet in force".to_owned(), price) }</td>
                            <td>{ p.current.as_ref().map_or_else(String::new, |c| c.effective_from.format("%Y-%m-%d %H:%M UTC").to_string()) }</td>
                            <td>{ p.next.as_ref().map_or_else(|| "–".to_owned(), |n| format!("{} from {}", price(n), n.effective_from.format("%Y-%m-%d"))) }</td>
                        </tr>
                    }) }</tbody>
                </table></div>
            }
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
}
