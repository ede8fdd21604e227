//! A widget's chart as the hub computed it ([`ChartView`]: rows keyed by `xAxisKey` and each of
//! `dataKeys`, with labels and colours per key) turned into an ECharts option with `charming`:
//! line, bar, area or pie, with the same axes, tooltips and sizes as the dashboard's other
//! charts, or the headline of a KPI tile. Pure, so it is tested natively; drawing is
//! `components::EChart` (its `metric` property).

use charming::component::{Axis, Grid, Legend, LegendType};
use charming::element::{
    AreaStyle, AxisLabel, AxisPointer, AxisPointerType, AxisType, Formatter, ItemStyle, JsFunction,
    Label, LineStyle, NameLocation, SplitLine, TextStyle, Tooltip, Trigger,
};
use charming::series::{Bar, Line, Pie};
use charming::Chart;
use chrono::{DateTime, Timelike, Utc};
use protocol::sources::{ChartView, KpiView};
use serde_json::Value;

/// How a widget is drawn (`chartType` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Line,
    Bar,
    Area,
    Pie,
    Kpi,
}

impl Kind {
    /// Every kind, in the order the settings offer them.
    pub const ALL: [Kind; 5] = [Kind::Line, Kind::Bar, Kind::Area, Kind::Pie, Kind::Kpi];

    /// Reads `chartType`; an unknown one draws as a line.
    pub fn parse(text: &str) -> Self {
        match text {
            "bar" => Self::Bar,
            "area" => Self::Area,
            "pie" => Self::Pie,
            "kpi" => Self::Kpi,
            _ => Self::Line,
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Line => "line",
            Self::Bar => "bar",
            Self::Area => "area",
            Self::Pie => "pie",
            Self::Kpi => "kpi",
        }
    }

    /// What the settings call it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Line => "Line",
            Self::Bar => "Bars",
            Self::Area => "Area",
            Self::Pie => "Pie",
            Self::Kpi => "KPI tile",
        }
    }
}

/// Colours used when the hub gives none for a key (the dashboard's palette).
const FALLBACK_COLOURS: [&str; 6] = [
    "#3b82f6", "#14b8a6", "#f59e0b", "#8b5cf6", "#e11d48", "#22c55e",
];

/// One plotted key.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSeries {
    pub key: String,
    pub label: String,
    pub color: String,
    /// One per row; `None` where the row has no number for the key.
    pub values: Vec<Option<f64>>,
}

/// A widget's chart, ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricChart {
    pub kind: Kind,
    /// One per row: its x value as shown (`2026-11-01`, or `2026-11-01 14:00`).
    pub categories: Vec<String>,
    pub series: Vec<MetricSeries>,
    pub show_legend: bool,
    pub dark: bool,
    /// What it shows, for screen readers.
    pub description: String,
}

/// An x value as shown: a date stays a date, a time at midnight UTC becomes its date, any other
/// time `YYYY-MM-DD HH:MM`; other values are shown as they are.
pub fn x_label(value: &Value) -> String {
    match value {
        Value::String(text) => match DateTime::parse_from_rfc3339(text) {
            Ok(at) => {
                let at = at.with_timezone(&Utc);
                if at.hour() == 0 && at.minute() == 0 && at.second() == 0 {
                    at.format("%Y-%m-%d").to_string()
                } else {
                    at.format("%Y-%m-%d %H:%M").to_string()
                }
            }
            Err(_) => text.clone(),
        },
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A row's number for `key` (numbers, or numeric text).
fn number(row: &serde_json::Map<String, Value>, key: &str) -> Option<f64> {
    match row.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// The chart of a hub answer.
pub fn from_view(view: &ChartView, dark: bool) -> MetricChart {
    let x_key = if view.x_axis_key.is_empty() {
        "date"
    } else {
        view.x_axis_key.as_str()
    };
    let categories = view
        .chart_data
        .iter()
        .map(|row| x_label(row.get(x_key).unwrap_or(&Value::Null)))
        .collect();
    let keys: Vec<String> = if view.data_keys.is_empty() {
        vec!["value".to_owned()]
    } else {
        view.data_keys.clone()
    };
    let series = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let config = view.chart_config.get(key);
            let pick = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).cloned();
            MetricSeries {
                key: key.clone(),
                label: pick(config.map(|c| &c.label)).unwrap_or_else(|| key.clone()),
                color: pick(config.map(|c| &c.color))
                    .unwrap_or_else(|| FALLBACK_COLOURS[i % FALLBACK_COLOURS.len()].to_owned()),
                values: view.chart_data.iter().map(|row| number(row, key)).collect(),
            }
        })
        .collect();
    MetricChart {
        kind: Kind::parse(&view.chart_type),
        categories,
        series,
        show_legend: view.show_legend || keys.len() > 1,
        dark,
        description: format!(
            "{}: {} points, {}",
            view.title,
            view.chart_data.len(),
            view.chart_type
        ),
    }
}

fn js(args: &str, body: &str) -> Formatter {
    Formatter::Function(JsFunction::new_with_args(args, body))
}

const VALUE_JS: &str = "if (v == null || isNaN(v)) return '–'; \
     return v.toLocaleString('en-US', {maximumFractionDigits: 2});";

/// The ECharts option of a chart (a KPI tile has none: it is drawn as text).
pub fn build(chart: &MetricChart) -> Chart {
    let text = if chart.dark { "#e5e7eb" } else { "#374151" };
    let base = Chart::new()
        .background_color("transparent")
        .animation_duration_update(300);
    let legend = Legend::new()
        .bottom(0)
        .left("center")
        .text_style(TextStyle::new().color(text).font_size(13));
    if chart.kind == Kind::Pie {
        return pie(base, chart, legend);
    }
    let mut out = base
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Axis)
                .axis_pointer(AxisPointer::new().type_(AxisPointerType::Shadow))
                .value_formatter(js("v", VALUE_JS)),
        )
        .grid(
            Grid::new()
                .left(8)
                .right(16)
                .top(24)
                .bottom(if chart.show_legend { 32 } else { 8 })
                .contain_label(true),
        )
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(chart.categories.clone())
                .boundary_gap(chart.kind == Kind::Bar)
                .axis_label(AxisLabel::new().color(text).font_size(12).formatter(js(
                    "v",
                    "return /^\\d{4}-/.test(String(v)) ? String(v).slice(5) : String(v);",
                ))),
        )
        .y_axis(y_axis(chart));
    if chart.show_legend {
        out = out.legend(legend);
    }
    for s in &chart.series {
        out = match chart.kind {
            Kind::Bar => out.series(
                Bar::new()
                    .name(s.label.as_str())
                    .item_style(ItemStyle::new().color(s.color.as_str()).border_radius(3))
                    .data(s.values.clone()),
            ),
            _ => {
                let mut line = Line::new()
                    .name(s.label.as_str())
                    .show_symbol(chart.categories.len() <= 60)
                    .symbol_size(6.0)
                    .connect_nulls(false)
                    .item_style(ItemStyle::new().color(s.color.as_str()))
                    .line_style(LineStyle::new().color(s.color.as_str()).width(2.5))
                    .data(s.values.clone());
                if chart.kind == Kind::Area {
                    line = line.area_style(AreaStyle::new().color(s.color.as_str()).opacity(0.25));
                }
                out.series(line)
            }
        };
    }
    out
}

/// The value axis: named after the first series, not forced to start at 0 (a star count of
/// 12,000 that grows by 10 a day should show the growth).
fn y_axis(chart: &MetricChart) -> Axis {
    let text = if chart.dark { "#e5e7eb" } else { "#374151" };
    let grid_line = if chart.dark { "#374151" } else { "#e5e7eb" };
    let name = match chart.series.as_slice() {
        [only] => only.label.clone(),
        _ => String::new(),
    };
    Axis::new()
        .type_(AxisType::Value)
        .name(name)
        .name_location(NameLocation::End)
        .name_text_style(TextStyle::new().color(text).font_size(12).align("left"))
        .scale(true)
        .axis_label(
            AxisLabel::new()
                .color(text)
                .font_size(12)
                .formatter(js("v", "return v.toLocaleString('en-US');")),
        )
        .split_line(SplitLine::new().line_style(LineStyle::new().color(grid_line)))
}

/// Slices of a pie that are labelled around it (more get only the legend).
const MAX_PIE_LABELS: usize = 8;

/// A pie: one slice per row of the first key (its x value names the slice), or with several
/// keys and one row, one slice per key.
fn pie(base: Chart, chart: &MetricChart, legend: Legend) -> Chart {
    let slices: Vec<(f64, String, String)> = match chart.series.as_slice() {
        [first, ..] if chart.series.len() == 1 || chart.categories.len() != 1 => chart
            .categories
            .iter()
            .zip(&first.values)
            .enumerate()
            .filter_map(|(i, (name, v))| {
                let colour = FALLBACK_COLOURS[i % FALLBACK_COLOURS.len()].to_owned();
                v.map(|v| (v, name.clone(), colour))
            })
            .collect(),
        many => many
            .iter()
            .filter_map(|s| {
                s.values
                    .first()
                    .copied()
                    .flatten()
                    .map(|v| (v, s.label.clone(), s.color.clone()))
            })
            .collect(),
    };
    let colours: Vec<charming::element::Color> = slices
        .iter()
        .map(|(_, _, c)| charming::element::Color::from(c.as_str()))
        .collect();
    // Many slices (a day each): no labels around the pie, a legend that scrolls below it.
    let labelled = slices.len() <= MAX_PIE_LABELS;
    let data: Vec<(f64, String)> = slices.into_iter().map(|(v, n, _)| (v, n)).collect();
    base.color(colours)
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Item)
                .value_formatter(js("v", VALUE_JS)),
        )
        .legend(legend.type_(LegendType::Scroll))
        .series(
            Pie::new()
                .radius(vec!["35%", "65%"])
                .center(vec!["50%", "45%"])
                .label(Label::new().show(labelled))
                .data(data),
        )
}

/// The serialised option, for tests.
pub fn to_json(chart: &MetricChart) -> Value {
    serde_json::to_value(build(chart)).unwrap_or(Value::Null)
}

/// A KPI tile's number and its change over the range (`+12`, `−3.5`, or `None`).
pub fn kpi_text(kpi: &KpiView) -> (String, Option<String>) {
    let value = number_text(kpi.value);
    let change = kpi.change.map(|c| {
        let sign = if c > 0.0 {
            "+"
        } else if c < 0.0 {
            "−"
        } else {
            "±"
        };
        format!("{sign}{}", number_text(c.abs()))
    });
    (value, change)
}

/// A metric's number: large ones compact (`12.3k`), small fractions with up to two decimals.
pub fn number_text(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e4 && v.fract() != 0.0 {
        let text = format!("{v:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        crate::format::compact(v)
    }
}

#[cfg(test)]
mod tests;
