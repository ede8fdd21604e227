//! Chart options, built with `charming` (typed ECharts options) from a plain description, so
//! every chart of the dashboard has the same axes with units, tooltips that say what a value
//! is, and sizes readable on a phone or a TV. One family for every chart: bars and lines,
//! stacked or not, a second axis for a ratio next to its volume (cost per run beside cost), and
//! shaded bands with their reason for anomalies. Building an option is pure Rust (tested
//! natively); drawing it is `components::chart`.

use charming::component::{Axis, Grid, Legend};
use charming::element::{
    AreaStyle, AxisLabel, AxisPointer, AxisPointerType, AxisType, Formatter, ItemStyle, JsFunction,
    Label, LabelPosition, LineStyle, MarkArea, MarkAreaData, NameLocation, SplitLine, TextStyle,
    Tooltip, Trigger,
};
use charming::series::{Bar, Line};
use charming::Chart;

/// What the values of a chart measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    #[default]
    Calls,
    Minutes,
    Usd,
    /// Milliseconds (latency, durations).
    Ms,
    Tokens,
}

impl Unit {
    /// The y axis name.
    pub fn axis_name(&self) -> &'static str {
        match self {
            Self::Calls => "calls / day",
            Self::Minutes => "minutes / day",
            Self::Usd => "USD",
            Self::Ms => "ms",
            Self::Tokens => "tokens",
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
            Self::Ms => {
                "if (v == null || isNaN(v)) return '–'; \
                 return v.toLocaleString('en-US', {maximumFractionDigits: 0}) + ' ms';"
            }
            Self::Tokens => {
                "if (v == null || isNaN(v)) return '–'; \
                 return v.toLocaleString('en-US', {maximumFractionDigits: 0}) + ' tokens';"
            }
        }
    }

    /// JavaScript body formatting an axis tick `v`.
    fn axis_js(&self) -> &'static str {
        match self {
            Self::Calls | Self::Tokens => "return v.toLocaleString('en-US');",
            Self::Minutes => "return v.toLocaleString('en-US') + ' min';",
            Self::Usd => "return '$' + v.toLocaleString('en-US');",
            Self::Ms => "return v.toLocaleString('en-US') + ' ms';",
        }
    }
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SeriesKind {
    #[default]
    Bar,
    Line,
    /// A line with a filled area (sparklines).
    Area,
}

/// One series of a chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeriesSpec {
    pub name: String,
    pub kind: SeriesKind,
    /// One value per category; `None` draws nothing for that day.
    pub values: Vec<Option<f64>>,
    pub color: &'static str,
    /// A dashed line (rolling averages).
    pub dashed: bool,
    /// Series with the same stack name are drawn on top of each other.
    pub stack: Option<&'static str>,
    /// Drawn against the second y axis ([`ChartSpec::secondary`]).
    pub secondary: bool,
}

/// A highlighted category (an anomaly), with the reason shown on the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// The category it covers (one of [`ChartSpec::categories`]).
    pub category: String,
    pub label: String,
}

/// A chart over categories (days, hours or names).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSpec {
    pub unit: Unit,
    /// The y axis name, when the unit's default does not say it (e.g. `calls / hour`).
    pub y_name: Option<String>,
    /// A second y axis on the right, for the series marked `secondary`.
    pub secondary: Option<Unit>,
    /// One per value: `YYYY-MM-DD` (or `YYYY-MM-DD HH:00`) for time, else labels.
    pub categories: Vec<String>,
    pub series: Vec<SeriesSpec>,
    /// Highlighted categories (drawn as shaded bands with their reason).
    pub marks: Vec<Mark>,
    /// Dark background (wallboard, dark mode).
    pub dark: bool,
    /// A sparkline: no axes, legend or grid lines.
    pub compact: bool,
    /// Categories are names, not dates: shown whole.
    pub labels: bool,
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
    pub const SUCCESS: &str = "#22c55e";
    pub const ERROR: &str = "#ef4444";
    pub const P50: &str = "#3b82f6";
    pub const P95: &str = "#f59e0b";
    pub const P99: &str = "#e11d48";
    pub const TOKENS_IN: &str = "#8b5cf6";
    pub const TOKENS_OUT: &str = "#14b8a6";
    pub const ANOMALY: &str = "rgba(239, 68, 68, 0.15)";
}

fn js(args: &str, body: &str) -> Formatter {
    Formatter::Function(JsFunction::new_with_args(args, body))
}

/// The ECharts option of a spec.
pub fn build(spec: &ChartSpec) -> Chart {
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
    chart = if spec.compact {
        let x = Axis::new()
            .type_(AxisType::Category)
            .data(spec.categories.clone())
            .boundary_gap(false);
        chart
            .grid(Grid::new().left(2).right(2).top(4).bottom(2))
            .x_axis(x.show(false))
            .y_axis(Axis::new().type_(AxisType::Value).show(false).min(0))
    } else {
        with_axes(chart, spec)
    };
    for s in &spec.series {
        chart = chart.series_for(spec, s);
    }
    if !spec.marks.is_empty() {
        chart = chart.series(marks_series(spec));
    }
    chart
}

/// Legend, grid and axes of a full chart.
fn with_axes(chart: Chart, spec: &ChartSpec) -> Chart {
    let text = if spec.dark { "#e5e7eb" } else { "#374151" };
    let grid_line = if spec.dark { "#374151" } else { "#e5e7eb" };
    // `YYYY-MM-DD` → `MM-DD`; the tooltip shows the full date. Names are shown whole.
    let x_label = if spec.labels {
        "return String(v).length > 18 ? String(v).slice(0, 17) + '…' : String(v);"
    } else {
        "return String(v).slice(5);"
    };
    let y_axis = |unit: Unit, name: String, align: &str| {
        Axis::new()
            .type_(AxisType::Value)
            .name(name)
            .name_location(NameLocation::End)
            // Aligned on the axis, so the unit stays inside the chart even before there are
            // tick labels to make room for it.
            .name_text_style(TextStyle::new().color(text).font_size(12).align(align))
            .min(0)
            .axis_label(
                AxisLabel::new()
                    .color(text)
                    .font_size(12)
                    .formatter(js("v", unit.axis_js())),
            )
            .split_line(SplitLine::new().line_style(LineStyle::new().color(grid_line)))
    };
    let name = spec
        .y_name
        .clone()
        .unwrap_or_else(|| spec.unit.axis_name().to_owned());
    let mut chart = chart
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
            Axis::new()
                .type_(AxisType::Category)
                .data(spec.categories.clone())
                .boundary_gap(true)
                .axis_label({
                    let label = AxisLabel::new()
                        .color(text)
                        .font_size(12)
                        .formatter(js("v", x_label));
                    // Every name is shown (ECharts would skip some); dates thin out by themselves.
                    if spec.labels {
                        label
                            .interval(0)
                            .rotate(if spec.categories.len() > 6 { 30 } else { 0 })
                    } else {
                        label
                    }
                }),
        )
        .y_axis(y_axis(spec.unit, name, "left"));
    if let Some(unit) = spec.secondary {
        chart = chart.y_axis(
            y_axis(unit, unit.axis_name().to_owned(), "right")
                .split_line(SplitLine::new().show(false)),
        );
    }
    chart
}

/// Adding one series of a spec to a chart.
trait SeriesFor {
    fn series_for(self, spec: &ChartSpec, s: &SeriesSpec) -> Self;
}

impl SeriesFor for Chart {
    fn series_for(self, spec: &ChartSpec, s: &SeriesSpec) -> Self {
        let axis = if s.secondary && spec.secondary.is_some() {
            1.0
        } else {
            0.0
        };
        match s.kind {
            SeriesKind::Bar => {
                let mut bar = Bar::new()
                    .name(s.name.as_str())
                    .y_axis_index(axis)
                    .item_style(ItemStyle::new().color(s.color).border_radius(3))
                    .data(s.values.clone());
                if let Some(stack) = s.stack {
                    bar = bar.stack(stack);
                }
                self.series(bar)
            }
            SeriesKind::Line | SeriesKind::Area => {
                // Full charts mark each point, so one between two empty ones still shows;
                // ECharts drops the marks by itself when the points get dense.
                let mut line = Line::new()
                    .name(s.name.as_str())
                    .y_axis_index(axis)
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
                    .data(s.values.clone());
                if let Some(stack) = s.stack {
                    line = line.stack(stack);
                }
                if s.kind == SeriesKind::Area {
                    line = line.area_style(AreaStyle::new().color(s.color).opacity(0.25));
                }
                self.series(line)
            }
        }
    }
}

/// An empty series carrying the marks as shaded bands labelled with their reason (its legend
/// entry, "Anomalies", explains the bands).
fn marks_series(spec: &ChartSpec) -> Line {
    let text = if spec.dark { "#fca5a5" } else { "#b91c1c" };
    let bands: Vec<(MarkAreaData, MarkAreaData)> = spec
        .marks
        .iter()
        .map(|m| {
            (
                MarkAreaData::new()
                    .name(m.label.as_str())
                    .x_axis(m.category.as_str()),
                MarkAreaData::new().x_axis(m.category.as_str()),
            )
        })
        .collect();
    Line::new()
        .name("Anomalies")
        .item_style(ItemStyle::new().color(palette::ERROR))
        .data(Vec::<Option<f64>>::new())
        .mark_area(
            MarkArea::new()
                .item_style(ItemStyle::new().color(palette::ANOMALY))
                .label(
                    Label::new()
                        .position(LabelPosition::InsideTop)
                        .color(text)
                        .font_size(11),
                )
                .data(bands),
        )
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
                    stack: None,
                    secondary: false,
                },
                SeriesSpec {
                    name: "7-day average".into(),
                    kind: SeriesKind::Line,
                    values: vec![None, Some(1.5)],
                    color: palette::ROLLING,
                    dashed: true,
                    stack: None,
                    secondary: false,
                },
            ],
            dark: false,
            y_name: None,
            secondary: None,
            marks: Vec::new(),
            labels: false,
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
