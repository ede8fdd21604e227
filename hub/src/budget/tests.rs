//! Unit tests of budget parsing, periods, thresholds and projections.

use chrono::TimeZone;

use super::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap_or_else(|| panic!("no such time"))
}

fn fields(errors: &ValidationErrors) -> Vec<&str> {
    errors.errors().iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn periods() {
    let may17 = day("2026-05-17");
    assert_eq!(BudgetPeriod::Daily.start(may17), may17);
    assert_eq!(BudgetPeriod::Daily.end(may17), may17);
    assert_eq!(BudgetPeriod::Monthly.start(may17), day("2026-05-01"));
    assert_eq!(BudgetPeriod::Monthly.end(may17), day("2026-05-31"));
    assert_eq!(
        BudgetPeriod::Monthly.end(day("2028-02-03")),
        day("2028-02-29")
    );
    assert_eq!(
        BudgetPeriod::Monthly.next_start(day("2026-12-31")),
        day("2027-01-01")
    );
    assert_eq!(
        BudgetPeriod::parse("monthly").map(BudgetPeriod::as_str),
        Ok("monthly")
    );
    assert!(BudgetPeriod::parse("weekly").is_err());
}

#[test]
fn thresholds_are_sorted_deduplicated_and_bounded() {
    assert_eq!(
        Thresholds::parse(&[100, 50, 80, 50]).map(Thresholds::into_vec),
        Ok(vec![50, 80, 100])
    );
    assert_eq!(Thresholds::default().as_slice(), &[50, 80, 100]);
    assert_eq!(
        Thresholds::parse(&[1, 1000]).map(Thresholds::into_vec),
        Ok(vec![1, 1000])
    );
    let bad = Thresholds::parse(&[0, 50, 1001]).err().unwrap_or_default();
    assert_eq!(fields(&bad), ["thresholds[0]", "thresholds[2]"]);
    let empty = Thresholds::parse(&[]).err().unwrap_or_default();
    assert_eq!(fields(&empty), ["thresholds"]);
    let many: Vec<i64> = (1..=11).collect();
    assert!(Thresholds::parse(&many).is_err());
    assert!(Thresholds::parse(&many[..10]).is_ok());
}

#[test]
fn a_create_reports_every_bad_field() {
    let input = CreateBudget {
        assistant_id: None,
        period: "weekly".into(),
        limit: -1.0,
        thresholds: Some(vec![0]),
        domain: Some(String::new()),
        webhook_id: None,
    };
    let errors = BudgetSpec::parse(&input).err().unwrap_or_default();
    assert_eq!(
        fields(&errors),
        ["period", "limit", "thresholds[0]", "domain"]
    );
    let input = CreateBudget {
        period: "daily".into(),
        limit: 2.5,
        domain: Some("support".into()),
        ..input
    };
    let input = CreateBudget {
        thresholds: None,
        ..input
    };
    let spec = BudgetSpec::parse(&input).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(spec.limit_nanos, 2_500_000_000);
    assert_eq!(spec.thresholds, Thresholds::default());
    assert_eq!(spec.domain.as_deref(), Some("support"));
    for limit in [0.0, f64::NAN, f64::INFINITY, 1.0e6 + 1.0] {
        assert!(parse_limit(limit).is_err(), "{limit}");
    }
}

#[test]
fn a_change_keeps_what_it_does_not_name() {
    let change = BudgetChange::parse(&UpdateBudget::default()).unwrap_or_default();
    assert_eq!(change, BudgetChange::default());
    let change = BudgetChange::parse(&UpdateBudget {
        limit: Some(3.0),
        thresholds: Some(vec![90, 10]),
        webhook_id: None,
    })
    .unwrap_or_default();
    assert_eq!(change.limit_nanos, Some(3_000_000_000));
    assert_eq!(
        change.thresholds.map(Thresholds::into_vec),
        Some(vec![10, 90])
    );
    let errors = BudgetChange::parse(&UpdateBudget {
        limit: Some(0.0),
        thresholds: Some(vec![5000]),
        webhook_id: None,
    })
    .err()
    .unwrap_or_default();
    assert_eq!(fields(&errors), ["limit", "thresholds[0]"]);
}

#[test]
fn thresholds_are_reached_exactly() {
    assert!(reached(50, 100, 50));
    assert!(!reached(49, 100, 50));
    assert!(reached(i64::MAX, i64::MAX, 100));
    assert!(!reached(i64::MAX - 1, i64::MAX, 100));
    assert!(reached(3_000, 1_000, 300));
}

#[test]
fn projections_follow_the_run_rate_of_the_period() {
    // Noon: half the day gone, so the day ends at twice the spend.
    let noon = at(2026, 5, 17, 12, 0);
    assert_eq!(projected_nanos(BudgetPeriod::Daily, 1_000, noon), 2_000);
    // Day 11 00:00 of a 31-day month: 10 days gone.
    let may11 = at(2026, 5, 11, 0, 0);
    assert_eq!(projected_nanos(BudgetPeriod::Monthly, 1_000, may11), 3_100);
    // Right after midnight the elapsed time counts as one minute.
    let midnight = at(2026, 5, 17, 0, 0);
    assert_eq!(
        projected_nanos(BudgetPeriod::Daily, 1_000, midnight),
        1_440_000
    );
    assert_eq!(projected_nanos(BudgetPeriod::Daily, 0, noon), 0);
}

#[test]
fn progress_of_a_budget() {
    let noon = at(2026, 5, 17, 12, 0);
    let thresholds = Thresholds::default();
    let p = Progress::of(BudgetPeriod::Monthly, 10_000, &thresholds, 8_000, noon);
    assert_eq!(p.period_start, day("2026-05-01"));
    assert_eq!(p.period_end, day("2026-05-31"));
    assert_eq!(p.percent_used, 80.0);
    assert_eq!(p.crossed, [50, 80]);
    let over = Progress::of(BudgetPeriod::Daily, 10_000, &thresholds, 12_500, noon);
    assert_eq!(over.percent_used, 125.0);
    assert_eq!(over.crossed, [50, 80, 100]);
    assert_eq!(over.projected_nanos, 25_000);
}
