//! A budget's progress bar: the share of the limit spent this period, with a mark at each
//! threshold (filled once reached), scaled so thresholds above 100 % fit.

use yew::prelude::*;

use crate::budgets::{bar_position, bar_scale, percent_text};

/// What the bar shows.
#[derive(Properties, PartialEq)]
pub struct BarProps {
    /// Spent, in percent of the limit.
    pub percent: f64,
    pub thresholds: Vec<i64>,
    /// The thresholds reached this period.
    pub crossed: Vec<i64>,
}

/// The bar, an ARIA progress bar (its value the percentage of the limit spent).
#[component]
pub fn BudgetBar(props: &BarProps) -> Html {
    let scale = bar_scale(&props.thresholds);
    let fill = bar_position(props.percent, scale);
    let over = props.percent >= 100.0;
    let fill_class = if over {
        "bar-fill bar-over"
    } else {
        "bar-fill"
    };
    html! {
        <div class="bar" role="progressbar" data-testid="budget-bar"
             aria-valuemin="0" aria-valuemax={format!("{scale}")}
             aria-valuenow={format!("{:.1}", props.percent.min(scale).max(0.0))}
             aria-valuetext={format!("{} of the limit spent", percent_text(props.percent))}>
            <div class={fill_class} style={format!("width: {fill:.2}%")}></div>
            { for props.thresholds.iter().map(|t| {
                let reached = props.crossed.contains(t);
                let class = if reached { "bar-mark bar-mark-reached" } else { "bar-mark" };
                html! {
                    <span {class} data-testid="threshold-mark" data-threshold={t.to_string()}
                          title={format!("{t}%")}
                          style={format!("left: {:.2}%", bar_position(*t as f64, scale))}></span>
                }
            }) }
        </div>
    }
}
