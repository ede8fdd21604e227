//! Cost by model and by domain: a table sortable by any column, with a search box. The rows
//! come from the dashboard payload (its top models and domains); [`view`] sorts and filters
//! them and is tested natively.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::format;

/// One row: a model or a domain.
#[derive(Clone, Debug, PartialEq)]
pub struct CostRow {
    pub name: String,
    pub calls: i64,
    pub cost: f64,
}

/// A column to sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    Calls,
    Cost,
    PerCall,
}

fn per_call(r: &CostRow) -> f64 {
    if r.calls > 0 {
        r.cost / r.calls as f64
    } else {
        0.0
    }
}

/// The rows whose name contains `search` (any case), sorted by `column` (names ascending,
/// numbers descending; `flip` reverses).
pub fn view(rows: &[CostRow], search: &str, column: Column, flip: bool) -> Vec<CostRow> {
    let needle = search.trim().to_lowercase();
    let mut out: Vec<CostRow> = rows
        .iter()
        .filter(|r| needle.is_empty() || r.name.to_lowercase().contains(&needle))
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        let order = match column {
            Column::Name => a.name.cmp(&b.name),
            Column::Calls => b.calls.cmp(&a.calls),
            Column::Cost => b.cost.total_cmp(&a.cost),
            Column::PerCall => per_call(b).total_cmp(&per_call(a)),
        };
        if flip {
            order.reverse()
        } else {
            order
        }
    });
    out
}

#[derive(Properties, PartialEq)]
pub struct CostTableProps {
    /// `models` or `domains` (test ids).
    pub name: AttrValue,
    pub title: AttrValue,
    pub rows: Vec<CostRow>,
}

/// The table with its search box and sortable headers.
#[component]
pub fn CostTable(props: &CostTableProps) -> Html {
    let search = use_state(String::new);
    let sort = use_state(|| (Column::Cost, false));
    let total: f64 = props.rows.iter().map(|r| r.cost).sum();
    let rows = view(&props.rows, &search, sort.0, sort.1);
    let header = |column: Column, label: &'static str| {
        let (current, flipped) = *sort;
        let active = current == column;
        let onclick = {
            let sort = sort.clone();
            Callback::from(move |_| sort.set((column, active && !flipped)))
        };
        let aria = match (active, flipped) {
            (false, _) => "none",
            (true, false) if column == Column::Name => "ascending",
            (true, false) => "descending",
            (true, true) if column == Column::Name => "descending",
            (true, true) => "ascending",
        };
        html! { <th scope="col" aria-sort={aria}><button class="sort" {onclick}>{ label }</button></th> }
    };
    let oninput = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| {
            search.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let body = rows.iter().map(|r| {
        let share = (total > 0.0).then(|| r.cost / total);
        html! {
            <tr data-testid={format!("{}-row", props.name)} data-name={r.name.clone()} data-cost={r.cost.to_string()}>
                <th scope="row">{ r.name.clone() }</th>
                <td>{ format::count(r.calls) }</td>
                <td>{ format::usd(r.cost) }</td>
                <td>{ share.map_or("–".into(), format::percent) }</td>
                <td>{ if r.calls > 0 { format::usd(per_call(r)) } else { "–".to_owned() } }</td>
            </tr>
        }
    });
    html! {
        <section class="card" data-testid={format!("{}-costs", props.name)}>
            <div class="card-head">
                <h3>{ props.title.clone() }</h3>
                <input type="search" placeholder="Search" aria-label={format!("Search {}", props.title)} {oninput} value={(*search).clone()} />
            </div>
            <div class="table-wrap"><table class="table">
                <thead><tr>
                    { header(Column::Name, "Name") }{ header(Column::Calls, "Calls") }{ header(Column::Cost, "Cost") }
                    <th scope="col">{ "Share" }</th>{ header(Column::PerCall, "Cost / call") }
                </tr></thead>
                <tbody>{ for body }</tbody>
            </table></div>
            if rows.is_empty() {
                <p class="muted">{ if search.is_empty() { "No spend in this range yet." } else { "Nothing matches the search." } }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<CostRow> {
        [
            ("gpt-4o", 10, 2.0),
            ("claude", 40, 1.0),
            ("gpt-4o-mini", 100, 0.5),
        ]
        .map(|(n, calls, cost)| CostRow {
            name: n.into(),
            calls,
            cost,
        })
        .to_vec()
    }

    fn names(v: Vec<CostRow>) -> Vec<String> {
        v.into_iter().map(|r| r.name).collect()
    }

    #[test]
    fn sorts_by_each_column_and_flips() {
        assert_eq!(
            names(view(&rows(), "", Column::Cost, false)),
            ["gpt-4o", "claude", "gpt-4o-mini"]
        );
        assert_eq!(
            names(view(&rows(), "", Column::Calls, false)),
            ["gpt-4o-mini", "claude", "gpt-4o"]
        );
        assert_eq!(
            names(view(&rows(), "", Column::Name, false)),
            ["claude", "gpt-4o", "gpt-4o-mini"]
        );
        assert_eq!(
            names(view(&rows(), "", Column::PerCall, true)),
            ["gpt-4o-mini", "claude", "gpt-4o"]
        );
    }

    #[test]
    fn searches_names_in_any_case() {
        assert_eq!(
            names(view(&rows(), " GPT ", Column::Cost, false)),
            ["gpt-4o", "gpt-4o-mini"]
        );
        assert!(view(&rows(), "llama", Column::Cost, false).is_empty());
    }
}
