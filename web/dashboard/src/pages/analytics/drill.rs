//! Drill-down from a chart bucket to its calls: the `/runs` URL of one bucket of the time
//! charts under the page's filters (assistant, status, model, domain). A bucket runs from its
//! start to the next bucket's (the last one to the window's end), whatever the granularity;
//! the days in the URL cover it and `from`/`until` narrow the list to it. Pure, unit-tested.

use chrono::Duration;
use protocol::analytics::Dashboard;

use super::query::AnalyticsQuery;
use crate::filters::custom;
use crate::pages::runs::query::RunsFilters;

/// The `/runs` URL parameters of bucket `index` of `d`, or `None` past the last bucket.
pub fn bucket_runs_pairs(
    d: &Dashboard,
    q: &AnalyticsQuery,
    index: usize,
) -> Option<Vec<(&'static str, String)>> {
    let buckets = &d.requests_over_time;
    let start = buckets.get(index)?.bucket;
    let end = buckets
        .get(index + 1)
        .map_or(d.window.end, |next| next.bucket);
    let last_day = (end - Duration::microseconds(1)).date_naive();
    let view = AnalyticsQuery {
        filters: crate::filters::Filters {
            range: custom(start.date_naive(), last_day.max(start.date_naive())),
            ..q.filters.clone()
        },
        session: None,
        ..q.clone()
    };
    let mut pairs = view.to_pairs();
    pairs.extend(
        RunsFilters {
            from: Some(start),
            until: Some(end),
            ..RunsFilters::default()
        }
        .to_pairs(),
    );
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::analytics::testing::payload;
    use chrono::SecondsFormat;

    #[test]
    fn a_bucket_opens_its_own_time_range_under_the_page_filters() {
        let d = payload();
        let q =
            AnalyticsQuery::parse("range=7d&assistant=3&status=error&model=gpt-4o&domain=sales");
        let first = bucket_runs_pairs(&d, &q, 0).unwrap_or_default();
        let start = d.requests_over_time[0].bucket;
        let next = d.requests_over_time[1].bucket;
        for pair in [
            ("range", "custom".to_owned()),
            ("start", start.date_naive().to_string()),
            ("end", start.date_naive().to_string()),
            ("assistant", "3".to_owned()),
            ("status", "error".to_owned()),
            ("model", "gpt-4o".to_owned()),
            ("domain", "sales".to_owned()),
            ("from", start.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            ("until", next.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        ] {
            assert!(first.contains(&pair), "{pair:?} missing from {first:?}");
        }
        let last = bucket_runs_pairs(&d, &q, d.requests_over_time.len() - 1).unwrap_or_default();
        assert!(
            last.contains(&(
                "until",
                d.window.end.to_rfc3339_opts(SecondsFormat::AutoSi, true)
            )),
            "{last:?}"
        );
        assert_eq!(bucket_runs_pairs(&d, &q, d.requests_over_time.len()), None);
    }
}
