//! Chart options, built with `charming` (typed ECharts options) from a plain description, so
//! every chart of the dashboard has the same axes with units, tooltips that say what a value
//! is, and sizes readable on a phone or a TV. Building an option is pure Rust (tested
//! natively); drawing it is `components::chart`.

use charming::component::{Axis, Grid, Legend};
use charming::element::{
    AreaStyle, AxisLabel, AxisPointer, AxisPointerType, AxisType, Formatter, ItemStyle, JsFunction,
    LineStyle, NameLocation, SplitLine, TextStyle, Tooltip, Trigger,
};
use charming::series::{Bar, Line};
use charming::Chart;

/// What the values of a chart measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Calls,
    Minutes,
    Usd,
}

impl Unit {
    /// The y axis name.
    pub fn axis_name(&self) -> &'static str {
        match self {
            Self::Calls => "calls / day",
            Self::Minutes => "minutes / day",
            Self::Usd => "USD",
        }
    }

    /// JavaScript body formatting a value `v` with its unit (tooltips).
    fn tooltip_js(&self) -> &'static str {
        match self {
            Self::Calls => {
                "if (v == null || isNaN(v)) return '–'; \
                 return v.toLocaleString('en-US', {maximumFractionDigits: 1}) + ' calls';"
            }
            Self::Minutes => {
                "if (v == null || isNaN(v)) return '–'; \
                 return v.toLocaleString('en-US', {maximumFractionDigits: 1}) + ' min';"
            }
            Self::Usd => {
                "if (v == null || isNaN(v)) return '–'; \
                 if (Math.abs(v) >= 1) return v.toLocaleString('en-US', {style: 'currency', currency: 'USD'}); \
                 if (v === 0) return '$0.00'; \
                 return '$' + Number(v.toPrecision(2));"
            }
        }
    }

    /// JavaScript body formatting an axis tick `v`.
    fn axis_js(&self) -> &'static str {
        match self {
            Self::Calls => "return v.toLocaleString('en-US');",
            Self::Minutes => "return v.toLocaleString('en-US') + ' min';",
            Self::Usd => "return '$' + v.toLocaleString('en-US');",
        }
    }
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesKind {
    Bar,
    Line,
    /// A line with a filled area (sparklines).
    Area,
}

/// One series of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    pub name: String,
    pub kind: SeriesKind,
    /// One value per category; `None` draws nothing for that day.
    pub values: Vec<Option<f64>>,
    pub color: &'static str,
    /// A dashed line (rolling averages).
    pub dashed: bool,
}

/// A chart over days.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    pub unit: Unit,
    /// `YYYY-MM-DD`, one per value.
    pub categories: Vec<String>,
    pub series: Vec<SeriesSpec>,
    /// Dark background (wallboard).
    pub dark: bool,
    /// A sparkline: no axes, legend or grid lines.
    pub compact: bool,
    /// What the chart shows, for screen readers.
    pub description: String,
}

/// Series colours (colour-blind safe, readable on light and dark).
pub mod palette {
    pub const CALLS: &str = "#3b82f6";
    pub const MINUTES: &str = "#14b8a6";
    pub const COST: &str = "#f59e0b";
    pub const ROLLING: &str = "#e11d48";
    pub const SPARK: &str = "#60a5fa";
}

fn js(args: &str, body: &str) -> Formatter {
    Formatter::Function(JsFunction::new_with_args(args, body))
}

/// The ECharts option of a spec.
pub fn build(spec: &ChartSpec) -> Chart {
    let text = if spec.dark { "#e5e7eb" } else { "#374151" };
    let grid_line = if spec.dark { "#374151" } else { "#e5e7eb" };
    let mut chart = Chart::new()
        .background_color("transparent")
        .animation_duration_update(300)
        .tooltip(
            Tooltip::new()
                .trigger(Trigger::Axis)
                .axis_pointer(AxisPointer::new().type_(if spec.compact {
                    AxisPointerType::Line
                } else {
                    AxisPointerType::Shadow
                }))
                .value_formatter(js("v", spec.unit.tooltip_js())),
        );
    let x = Axis::new()
        .type_(AxisType::Category)
        .data(spec.categories.clone())
        .boundary_gap(!spec.compact);
    let y = Axis::new().type_(AxisType::Value);
    if spec.compact {
        chart = chart
            .grid(Grid::new().left(2).right(2).top(4).bottom(2))
            .x_axis(x.show(false))
            .y_axis(y.show(false).min(0));
    } else {
        chart = chart
            .legend(
                Legend::new()
                    .bottom(0)
                    .left("center")
                    .text_style(TextStyle::new().color(text).font_size(13)),
            )
            .grid(
                Grid::new()
                    .left(8)
                    .right(16)
                    .top(32)
                    .bottom(32)
                    .contain_label(true),
            )
            .x_axis(
                x.axis_label(
                    AxisLabel::new()
                        .color(text)
                        .font_size(12)
                        // `YYYY-MM-DD` → `MM-DD`; the tooltip shows the full date.
                        .formatter(js("v", "return String(v).slice(5);")),
                ),
            )
            .y_axis(
                y.name(spec.unit.axis_name())
                    .name_location(NameLocation::End)
                    .name_text_style(
                        // Left-aligned on the axis, so the unit stays inside the chart even
                        // before there are tick labels to make room for it.
                        TextStyle::new().color(text).font_size(12).align("left"),
                    )
                    .min(0)
                    .axis_label(
                        AxisLabel::new()
                            .color(text)
                            .font_size(12)
                            .formatter(js("v", spec.unit.axis_js())),
                    )
                    .split_line(SplitLine::new().line_style(LineStyle::new().color(grid_line))),
            );
    }
    for s in &spec.series {
        let data: Vec<Option<f64>> = s.values.clone();
        chart = match s.kind {
            SeriesKind::Bar => chart.series(
                Bar::new()
                    .name(s.name.as_str())
                    .item_style(ItemStyle::new().color(s.color).border_radius(3))
                    .data(data),
            ),
            SeriesKind::Line | SeriesKind::Area => {
                // Full charts mark each day, so a day between two empty ones still shows;
                // ECharts drops the marks by itself when the days get dense.
                let mut line = Line::new()
                    .name(s.name.as_str())
                    .show_symbol(!spec.compact)
                    .symbol_size(if s.dashed { 3.0 } else { 6.0 })
                    .connect_nulls(false)
                    .item_style(ItemStyle::new().color(s.color))
                    .line_style(
                        LineStyle::new()
                            .color(s.color)
                            .width(if spec.compact { 2.0 } else { 2.5 })
                            .type_(if s.dashed {
                                charming::element::LineStyleType::Dashed
                            } else {
                                charming::element::LineStyleType::Solid
                            }),
                    )
                    .data(data);
                if s.kind == SeriesKind::Area {
                    line = line.area_style(AreaStyle::new().color(s.color).opacity(0.25));
                }
                chart.series(line)
            }
        };
    }
    chart
}

/// The serialised option (what `setOption` receives), for tests and debugging.
pub fn to_json(spec: &ChartSpec) -> serde_json::Value {
    serde_json::to_value(build(spec)).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(unit: Unit, compact: bool) -> ChartSpec {
        ChartSpec {
            unit,
            categories: vec!["2026-11-01".into(), "2026-11-02".into()],
            series: vec![
                SeriesSpec {
                    name: "Calls".into(),
                    kind: SeriesKind::Bar,
                    values: vec![Some(3.0), Some(0.0)],
                    color: palette::CALLS,
                    dashed: false,
                },
                SeriesSpec {
                    name: "7-day average".into(),
                    kind: SeriesKind::Line,
                    values: vec![None, Some(1.5)],
                    color: palette::ROLLING,
                    dashed: true,
                },
            ],
            dark: false,
            compact,
            description: "calls per day".into(),
        }
    }

    #[test]
    fn full_charts_have_named_axes_tooltips_and_legend() {
        let j = to_json(&spec(Unit::Minutes, false));
        assert_eq!(j["yAxis"]["name"], "minutes / day");
        assert_eq!(j["xAxis"]["data"][1], "2026-11-02");
        assert_eq!(j["tooltip"]["trigger"], "axis");
        assert!(j["tooltip"]["valueFormatter"].to_string().contains("min"));
        assert!(j["legend"].is_object());
        assert_eq!(j["series"][1]["showSymbol"], true);
        assert_eq!(j["series"][0]["type"], "bar");
        assert_eq!(j["series"][0]["data"], serde_json::json!([3.0, 0.0]));
        assert_eq!(j["series"][1]["type"], "line");
        assert_eq!(j["series"][1]["data"], serde_json::json!([null, 1.5]));
        assert_eq!(j["series"][1]["lineStyle"]["type"], "dashed");
    }

    #[test]
    fn sparklines_hide_axes_and_legend() {
        let j = to_json(&spec(Unit::Calls, true));
        assert_eq!(j["xAxis"]["show"], false);
        assert_eq!(j["yAxis"]["show"], false);
        assert!(j["legend"].is_null());
    }

    #[test]
    fn units_format_their_values() {
        assert!(Unit::Usd.tooltip_js().contains("USD"));
        assert!(Unit::Calls.tooltip_js().contains("calls"));
        assert_eq!(Unit::Usd.axis_name(), "USD");
    }
}
