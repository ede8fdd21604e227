use super::*;
use protocol::sources::SeriesConfig;
use serde_json::json;

fn view(chart_type: &str, rows: Value, keys: &[&str]) -> ChartView {
    let rows: Vec<serde_json::Map<String, Value>> =
        serde_json::from_value(rows).unwrap_or_default();
    ChartView {
        widget_id: 1,
        source_id: 2,
        title: "Stars of rust-lang/rust".into(),
        chart_type: chart_type.into(),
        chart_data: rows,
        chart_config: [(
            "value".to_owned(),
            SeriesConfig {
                label: "Stars".into(),
                color: "#123456".into(),
            },
        )]
        .into_iter()
        .collect(),
        x_axis_key: "date".into(),
        data_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        ..ChartView::default()
    }
}

#[test]
fn rows_become_categories_and_series_with_the_hubs_labels_and_colours() {
    let v = view(
        "line",
        json!([
            {"date": "2026-11-01", "value": 10, "deletions": 3},
            {"date": "2026-11-02T00:00:00Z", "value": "12.5"},
            {"date": "2026-11-03T14:30:00Z", "value": null, "deletions": 1}
        ]),
        &["value", "deletions"],
    );
    let c = from_view(&v, false);
    assert_eq!(
        c.categories,
        ["2026-11-01", "2026-11-02", "2026-11-03 14:30"]
    );
    assert_eq!(c.series[0].label, "Stars");
    assert_eq!(c.series[0].color, "#123456");
    assert_eq!(c.series[0].values, [Some(10.0), Some(12.5), None]);
    // No config for a dimension: its key and a palette colour.
    assert_eq!(c.series[1].label, "deletions");
    assert_eq!(c.series[1].values, [Some(3.0), None, Some(1.0)]);
    assert!(c.show_legend, "two keys need a legend");
    let j = to_json(&c);
    assert_eq!(j["series"][0]["type"], "line");
    assert_eq!(j["series"][0]["data"], json!([10.0, 12.5, null]));
    assert_eq!(j["xAxis"]["data"][2], "2026-11-03 14:30");
    assert!(j["series"][0]["areaStyle"].is_null());
    assert!(j["legend"].is_object());
}

#[test]
fn each_chart_type_draws_its_own_series() {
    let rows = json!([{"date": "2026-11-01", "value": 1}, {"date": "2026-11-02", "value": 2}]);
    let bar = to_json(&from_view(&view("bar", rows.clone(), &["value"]), false));
    assert_eq!(bar["series"][0]["type"], "bar");
    assert_eq!(bar["yAxis"]["name"], "Stars");
    assert!(bar["legend"].is_null(), "one series needs no legend");
    let area = to_json(&from_view(&view("area", rows.clone(), &["value"]), true));
    assert_eq!(area["series"][0]["type"], "line");
    assert!(area["series"][0]["areaStyle"].is_object());
    let pie = to_json(&from_view(&view("pie", rows, &["value"]), false));
    assert_eq!(pie["series"][0]["type"], "pie");
    assert_eq!(pie["series"][0]["data"][1]["name"], "2026-11-02");
    assert_eq!(pie["series"][0]["data"][1]["value"], 2.0);
    assert_eq!(pie["tooltip"]["trigger"], "item");
    assert_eq!(
        pie["series"][0]["label"]["show"], true,
        "two slices are labelled"
    );
    assert_eq!(pie["legend"]["type"], "scroll");
    assert!(pie["xAxis"].is_null());
    assert_eq!(Kind::parse("kpi"), Kind::Kpi);
    assert_eq!(Kind::parse("something new"), Kind::Line);
    assert!(Kind::ALL.iter().all(|k| Kind::parse(k.as_str()) == *k));
}

#[test]
fn a_pie_of_many_days_leaves_the_labels_to_the_legend() {
    let rows: Vec<Value> = (1..=12)
        .map(|d| json!({"date": format!("2026-11-{d:02}"), "value": d}))
        .collect();
    let j = to_json(&from_view(
        &view("pie", Value::Array(rows), &["value"]),
        false,
    ));
    assert_eq!(j["series"][0]["data"].as_array().map(Vec::len), Some(12));
    assert_eq!(j["series"][0]["label"]["show"], false);
}

#[test]
fn a_pie_of_one_row_has_a_slice_per_key() {
    let v = view(
        "pie",
        json!([{"date": "2026-11-01", "value": 5, "likes": 2}]),
        &["value", "likes"],
    );
    let j = to_json(&from_view(&v, false));
    assert_eq!(j["series"][0]["data"][0]["name"], "Stars");
    assert_eq!(j["series"][0]["data"][1]["name"], "likes");
    assert_eq!(j["series"][0]["data"][1]["value"], 2.0);
}

#[test]
fn kpis_show_the_value_and_a_signed_change() {
    let kpi = |value, change| KpiView {
        value,
        change,
        at: None,
    };
    assert_eq!(
        kpi_text(&kpi(12_345.0, Some(120.0))),
        ("12.3k".to_owned(), Some("+120".to_owned()))
    );
    assert_eq!(
        kpi_text(&kpi(3.5, Some(-0.25))),
        ("3.5".to_owned(), Some("−0.25".to_owned()))
    );
    assert_eq!(kpi_text(&kpi(7.0, None)), ("7".to_owned(), None));
    assert_eq!(x_label(&json!(42)), "42");
    assert_eq!(x_label(&json!("Q3")), "Q3");
}
