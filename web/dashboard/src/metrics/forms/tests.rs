use super::*;
use chrono::TimeZone;
use protocol::sources::TemplateParameter;

fn stars() -> TemplateView {
    let p = |name: &str| TemplateParameter {
        name: name.into(),
        label: name.to_lowercase(),
        description: String::new(),
        example: "rust-lang".into(),
    };
    TemplateView {
        id: "github-repo-stars".into(),
        integration: "github".into(),
        name: "GitHub stars".into(),
        parameters: vec![p("OWNER"), p("REPO")],
        default_poll_frequency: "daily".into(),
        needs_connection: true,
        ..TemplateView::default()
    }
}

#[test]
fn a_filled_form_becomes_the_source_to_create() {
    let form = NewMetric {
        parameters: [("OWNER", " rust-lang "), ("REPO", "rust"), ("EXTRA", "x")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        connection_id: Some(4),
        frequency: String::new(),
    };
    let source = new_source(&stars(), &form);
    let Ok(source) = source else {
        panic!("refused: {source:?}");
    };
    assert_eq!(source.template_id, "github-repo-stars");
    assert_eq!(
        source.parameters.get("OWNER").map(String::as_str),
        Some("rust-lang")
    );
    assert!(
        !source.parameters.contains_key("EXTRA"),
        "only the template's parameters"
    );
    assert_eq!(source.connection_id, Some(4));
    assert_eq!(source.frequency, None, "empty: the template's default");
    assert_eq!(new_widget(9).source_id, 9);
}

#[test]
fn missing_parameters_and_connection_are_named() {
    let form = NewMetric {
        parameters: [("OWNER".to_owned(), "  ".to_owned())]
            .into_iter()
            .collect(),
        connection_id: None,
        frequency: "sometimes".into(),
    };
    let Err(e) = new_source(&stars(), &form) else {
        panic!("accepted an empty form");
    };
    assert_eq!(e.field("parameters.OWNER"), Some("is required"));
    assert_eq!(e.field("parameters.REPO"), Some("is required"));
    assert!(e.field("connectionId").is_some());
    assert_eq!(e.field("frequency"), Some("is not a known frequency"));
    // The generic template needs no connection, and never sends one.
    let generic = TemplateView {
        needs_connection: false,
        parameters: Vec::new(),
        ..stars()
    };
    let form = NewMetric {
        connection_id: Some(3),
        frequency: "manual".into(),
        ..NewMetric::default()
    };
    let made = new_source(&generic, &form);
    assert!(
        matches!(made, Ok(ref s) if s.connection_id.is_none() && s.frequency.as_deref() == Some("manual"))
    );
}

#[test]
fn connections_need_a_name_and_a_secret() {
    let Err(e) = new_connection("github", " ", "") else {
        panic!("accepted");
    };
    assert!(e.field("name").is_some() && e.field("secret").is_some());
    assert!(new_connection("github", &"n".repeat(101), "s").is_err());
    let made = new_connection("github", " CI token ", " ghp_1 ");
    assert!(
        matches!(made, Ok(ref c) if c.name == "CI token" && c.secret == "ghp_1" && c.integration == "github")
    );
    let list = vec![
        ConnectionView {
            id: 1,
            integration: "github".into(),
            ..ConnectionView::default()
        },
        ConnectionView {
            id: 2,
            integration: "youtube".into(),
            ..ConnectionView::default()
        },
    ];
    assert_eq!(connections_for(&list, "youtube").len(), 1);
    assert_eq!(frequency_label("frequent"), "Every 15 minutes");
    assert_eq!(frequency_label("odd"), "odd");
}

#[test]
fn widget_settings_send_only_what_changed() {
    let widget = WidgetView {
        id: 1,
        title: "Stars".into(),
        chart_type: "line".into(),
        date_range: "30d".into(),
        aggregation: "none".into(),
        bucket: "day".into(),
        dimensions: vec!["deletions".into()],
        ..WidgetView::default()
    };
    let same = WidgetSettings::of(&widget);
    assert_eq!(widget_change(&widget, &same).ok(), Some(None));
    let edited = WidgetSettings {
        chart_type: "bar".into(),
        aggregation: "avg".into(),
        bucket: "week".into(),
        dimensions: "deletions, additions,, deletions".into(),
        ..same.clone()
    };
    let change = widget_change(&widget, &edited)
        .ok()
        .flatten()
        .unwrap_or_default();
    assert_eq!(change.chart_type.as_deref(), Some("bar"));
    assert_eq!(change.aggregation.as_deref(), Some("avg"));
    assert_eq!(change.bucket.as_deref(), Some("week"));
    assert_eq!(change.title, None);
    assert_eq!(change.date_range, None);
    assert_eq!(
        change.dimensions,
        Some(vec!["deletions".to_owned(), "additions".to_owned()])
    );
    let blank = WidgetSettings {
        title: " ".into(),
        ..same
    };
    assert!(widget_change(&widget, &blank).is_err_and(|e| e.field("title").is_some()));
}

#[test]
fn transformers_pick_the_active_one_and_say_who_may_write() {
    let t = |id, endpoint: &str, version, status: &str, source_id| TransformerView {
        id,
        endpoint: endpoint.into(),
        version,
        status: status.into(),
        source_id,
        ..TransformerView::default()
    };
    let list = vec![
        t(1, "polling", 1, "deprecated", None),
        t(2, "polling", 2, "active", None),
        t(3, "historical", 3, "failed", None),
    ];
    assert_eq!(current_transformer(&list, "polling").map(|t| t.id), Some(2));
    assert_eq!(
        current_transformer(&list, "historical").map(|t| t.id),
        Some(3)
    );
    assert!(!may_write(current_transformer(&list, "polling")));
    assert!(may_write(current_transformer(&list, "historical")));
    assert!(may_write(None));
    assert!(may_write(Some(&t(4, "polling", 1, "active", Some(7)))));
    assert!(transformer_request(7, "polling", "  ").is_err_and(|e| e.field("program").is_some()));
    let ok = transformer_request(7, "historical", ".[]");
    assert!(
        matches!(ok, Ok(ref w) if w.source_id == 7 && w.endpoint.as_deref() == Some("historical"))
    );
}

#[test]
fn the_last_update_reads_as_an_age() {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 3, 12, 0, 0)
        .single()
        .unwrap_or_default();
    assert_eq!(updated_text(None, now), "Not fetched yet");
    assert_eq!(
        updated_text(Some(now - chrono::Duration::minutes(3)), now),
        "Updated 3 min ago"
    );
    assert_eq!(
        updated_text(Some(now + chrono::Duration::seconds(9)), now),
        "Updated just now"
    );
    assert_eq!(parse_dimensions(" a ,b"), ["a", "b"]);
    assert_eq!(points_text(1), "1 point");
    assert_eq!(points_text(0), "0 points");
}

#[test]
fn refusals_of_fields_the_form_lacks_are_still_said() {
    let invalid = |field: &str| ApiError::Invalid {
        detail: format!("invalid input: {field}: is wrong"),
        fields: vec![FieldError {
            field: field.into(),
            message: "is wrong".into(),
        }],
    };
    let shown = vec!["parameters.OWNER".to_owned()];
    assert_eq!(
        form_message(Some(&invalid("parameters.OWNER")), &shown),
        None
    );
    assert_eq!(
        form_message(Some(&invalid("templateId")), &shown).as_deref(),
        Some("Invalid input: templateId: is wrong")
    );
    let upstream = ApiError::Status {
        status: 502,
        detail: "GitHub answered 404".into(),
    };
    assert!(
        form_message(Some(&upstream), &shown).is_some_and(|m| m.contains("GitHub answered 404"))
    );
    assert_eq!(form_message(None, &shown), None);
}
