//! The runs page's view as `GET /runs` parameters: the analytics page's URL view (range,
//! assistant, status, model, domain) with the range spelled out as days, plus the runs page's
//! own filters ([`RunsFilters`]: country, minimum latency and cost, the order, and a chart
//! bucket's time range), which keep the API's names in the URL too. Pure, unit-tested natively.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::filters::query_param;
use crate::pages::analytics::query::AnalyticsQuery;

/// The order of the list (`sort=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Slowest,
    Costliest,
}

impl Sort {
    /// Every order, as the select shows them.
    pub const ALL: [Sort; 4] = [Self::Newest, Self::Oldest, Self::Slowest, Self::Costliest];

    /// The `sort=` value.
    pub fn key(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Slowest => "slowest",
            Self::Costliest => "costliest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Slowest => "Slowest first",
            Self::Costliest => "Most expensive first",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == text)
    }
}

/// The runs page's filters beyond the analytics ones. Broken values in the URL are dropped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunsFilters {
    /// Two letters, upper case.
    pub country: Option<String>,
    pub min_latency_ms: Option<u32>,
    /// US dollars.
    pub min_cost: Option<f64>,
    pub sort: Sort,
    /// A chart bucket's start (inclusive) and end (exclusive).
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// `country` as the API takes it, if it is a two-letter code.
pub fn parse_country(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

/// A minimum cost, if it is a finite amount of at least 0.
pub fn parse_cost(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|c| c.is_finite() && (0.0..=1.0e6).contains(c))
}

/// A minimum latency in ms (at most an hour, as the API).
pub fn parse_latency(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|ms| *ms <= 3_600_000)
}

impl RunsFilters {
    /// Reads a query string (with or without the leading `?`). Never fails.
    pub fn parse(query: &str) -> Self {
        let instant =
            |key| query_param(query, key).and_then(|t| DateTime::parse_from_rfc3339(&t).ok());
        Self {
            country: query_param(query, "country").and_then(|c| parse_country(&c)),
            min_latency_ms: query_param(query, "minLatencyMs").and_then(|t| parse_latency(&t)),
            min_cost: query_param(query, "minCost").and_then(|t| parse_cost(&t)),
            sort: query_param(query, "sort")
                .and_then(|s| Sort::parse(&s))
                .unwrap_or_default(),
            from: instant("from").map(|t| t.with_timezone(&Utc)),
            until: instant("until").map(|t| t.with_timezone(&Utc)),
        }
    }

    /// The URL (and API) parameters, leaving out defaults.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(c) = &self.country {
            pairs.push(("country", c.clone()));
        }
        if let Some(ms) = self.min_latency_ms {
            pairs.push(("minLatencyMs", ms.to_string()));
        }
        if let Some(usd) = self.min_cost {
            pairs.push(("minCost", usd.to_string()));
        }
        if self.sort != Sort::Newest {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if let Some(t) = self.from {
            pairs.push(("from", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        }
        if let Some(t) = self.until {
            pairs.push(("until", t.to_rfc3339_opts(SecondsFormat::AutoSi, true)));
        }
        pairs
    }

    /// Whether the view is one chart bucket.
    pub fn is_bucket(&self) -> bool {
        self.from.is_some() || self.until.is_some()
    }
}

/// The `/runs` (and export) parameters of a view, as of `today`.
pub fn runs_params(
    q: &AnalyticsQuery,
    extra: &RunsFilters,
    today: NaiveDate,
) -> Vec<(&'static str, String)> {
    let (start, end) = q.filters.range.days(today);
    let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
    if let Some(a) = q.assistant {
        params.push(("assistant", a.to_string()));
    }
    params.extend(q.filters.api_params());
    if let Some(d) = &q.domain {
        params.push(("domain", d.clone()));
    }
    if let Some(s) = &q.session {
        params.push(("session", s.clone()));
    }
    params.extend(extra.to_pairs());
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
        let query = "range=24h&assistant=4&status=error&model=gpt-4o&domain=sales&country=de&minLatencyMs=250&minCost=0.5&sort=slowest";
        let q = AnalyticsQuery::parse(query);
        assert_eq!(
            runs_params(&q, &RunsFilters::parse(query), today),
            vec![
                ("start", "2026-12-01".to_owned()),
                ("end", "2026-12-02".to_owned()),
                ("assistant", "4".to_owned()),
                ("status", "error".to_owned()),
                ("model", "gpt-4o".to_owned()),
                ("domain", "sales".to_owned()),
                ("country", "DE".to_owned()),
                ("minLatencyMs", "250".to_owned()),
                ("minCost", "0.5".to_owned()),
                ("sort", "slowest".to_owned()),
            ]
        );
    }

    #[test]
    fn runs_filters_round_trip_and_drop_broken_values() {
        let f = RunsFilters::parse(
            "country=us&minLatencyMs=100&minCost=0.25&sort=costliest&from=2026-08-01T10:00:00Z&until=2026-08-01T11:00:00%2B00:00",
        );
        assert_eq!(f.country.as_deref(), Some("US"));
        assert_eq!(f.sort, Sort::Costliest);
        assert!(f.is_bucket());
        let query: Vec<String> = f
            .to_pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::filters::encode(v)))
            .collect();
        assert_eq!(RunsFilters::parse(&query.join("&")), f);
        let broken =
            RunsFilters::parse("country=Germany&minLatencyMs=-3&minCost=NaN&sort=loud&from=today");
        assert_eq!(broken, RunsFilters::default());
        assert!(broken.to_pairs().is_empty());
    }

    #[test]
    fn new_calls_count_from_the_baseline() {
        assert_eq!(new_calls(None, 10), None);
        assert_eq!(new_calls(Some(10), 13), Some(3));
        assert_eq!(new_calls(Some(10), 9), Some(0));
    }
}
