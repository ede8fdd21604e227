//! The runs page's filters as `GET /runs` parameters: the analytics page's URL view (range,
//! assistant, status, model) with the range spelled out as days.

use chrono::NaiveDate;

use crate::pages::analytics::query::AnalyticsQuery;

/// The `/runs` parameters of a view, as of `today`.
pub fn runs_params(q: &AnalyticsQuery, today: NaiveDate) -> Vec<(&'static str, String)> {
    let (start, end) = q.filters.range.days(today);
    let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
    if let Some(a) = q.assistant {
        params.push(("assistant", a.to_string()));
    }
    params.extend(q.filters.api_params());
    if let Some(s) = &q.session {
        params.push(("session", s.clone()));
    }
    params
}

/// New calls since the list was loaded: how many more calls today the live feed counts now
/// than when the first page came (`None` before there is a baseline).
pub fn new_calls(baseline: Option<i64>, now: i64) -> Option<i64> {
    baseline.map(|b| (now - b).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_spell_out_the_range_and_the_filters() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
        let q = AnalyticsQuery::parse("range=24h&assistant=4&status=error&model=gpt-4o");
        assert_eq!(
            runs_params(&q, today),
            vec![
                ("start", "2026-12-01".to_owned()),
                ("end", "2026-12-02".to_owned()),
                ("assistant", "4".to_owned()),
                ("status", "error".to_owned()),
                ("model", "gpt-4o".to_owned()),
            ]
        );
    }

    #[test]
    fn new_calls_count_from_the_baseline() {
        assert_eq!(new_calls(None, 10), None);
        assert_eq!(new_calls(Some(10), 13), Some(3));
        assert_eq!(new_calls(Some(10), 9), Some(0));
    }
}
