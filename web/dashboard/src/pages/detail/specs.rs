//! The detail page's three chart specs (daily calls, daily minutes, average call cost), each
//! with its rolling average as a dashed line, built from the page's [`DetailSeries`].

use std::rc::Rc;

use crate::charts::{palette, ChartSpec, SeriesKind, SeriesSpec, Unit};
use crate::series::DetailSeries;

/// The calls, minutes and cost chart specs of a series (`dark` for the dark theme).
pub fn chart_specs(s: &DetailSeries, dark: bool) -> [Rc<ChartSpec>; 3] {
    let categories: Vec<String> = s.days.iter().map(ToString::to_string).collect();
    let rolling_name = format!("{}-day average", s.window);
    let make = |unit, description: String, daily: SeriesSpec, rolling: Vec<Option<f64>>| {
        Rc::new(ChartSpec {
            unit,
            categories: categories.clone(),
            series: vec![
                daily,
                SeriesSpec {
                    name: rolling_name.clone(),
                    kind: SeriesKind::Line,
                    values: rolling,
                    color: palette::ROLLING,
                    dashed: true,
                    stack: None,
                    secondary: false,
                },
            ],
            dark,
            y_name: None,
            secondary: None,
            marks: Vec::new(),
            labels: false,
            compact: false,
            description,
        })
    };
    let some = |v: &[f64]| v.iter().copied().map(Some).collect::<Vec<_>>();
    [
        make(
            Unit::Calls,
            format!("Calls per day, with the rolling {}-day average", s.window),
            SeriesSpec {
                name: "Calls".to_owned(),
                kind: SeriesKind::Bar,
                values: some(&s.calls),
                color: palette::CALLS,
                dashed: false,
                stack: None,
                secondary: false,
            },
            s.rolling_calls.clone(),
        ),
        make(
            Unit::Minutes,
            format!(
                "Total call minutes per day, with the rolling {}-day average",
                s.window
            ),
            SeriesSpec {
                name: "Minutes".to_owned(),
                kind: SeriesKind::Bar,
                values: some(&s.minutes),
                color: palette::MINUTES,
                dashed: false,
                stack: None,
                secondary: false,
            },
            s.rolling_minutes.clone(),
        ),
        make(
            Unit::Usd,
            format!(
                "Average cost of a call per day, with the rolling {}-day average",
                s.window
            ),
            SeriesSpec {
                name: "Average call cost".to_owned(),
                kind: SeriesKind::Line,
                values: s.avg_call_cost.clone(),
                color: palette::COST,
                dashed: false,
                stack: None,
                secondary: false,
            },
            s.rolling_avg_call_cost.clone(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn each_chart_pairs_its_daily_series_with_the_rolling_average() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let series = DetailSeries {
            days: vec![day],
            calls: vec![4.0],
            minutes: vec![2.5],
            avg_call_cost: vec![Some(0.5)],
            rolling_calls: vec![Some(3.0)],
            rolling_minutes: vec![None],
            rolling_avg_call_cost: vec![Some(0.4)],
            window: 7,
            ..DetailSeries::default()
        };
        let [calls, minutes, cost] = chart_specs(&series, false);
        for spec in [&calls, &minutes, &cost] {
            assert_eq!(spec.categories, vec!["2026-11-23".to_owned()]);
            assert_eq!(spec.series.len(), 2);
            assert!(spec.series[1].dashed);
            assert_eq!(spec.series[1].name, "7-day average");
        }
        assert_eq!(calls.series[0].values, vec![Some(4.0)]);
        assert_eq!(calls.series[1].values, vec![Some(3.0)]);
        assert_eq!(minutes.series[1].values, vec![None]);
        assert_eq!(cost.series[0].values, vec![Some(0.5)]);
    }
}
