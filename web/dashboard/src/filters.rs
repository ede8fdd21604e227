//! The detail page's filters (date range and metric type) and their place in the URL, so a
//! link reproduces exactly what its sender saw: `?range=1m&status=error&model=gpt-4o`, or
//! `?range=custom&start=2026-10-01&end=2026-10-31`. Parsing never fails: unknown or broken
//! parameters fall back to the defaults. Pure, unit-tested natively.

use chrono::{Days, NaiveDate};

/// Longest custom range accepted, in days (the server's limit).
pub const MAX_RANGE_DAYS: i64 = 3660;

/// A date-range choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeChoice {
    /// The last 24 hours: at daily resolution, yesterday and today.
    Day,
    /// The 7 days ending today (the default).
    Week,
    /// The 30 days ending today.
    Month,
    /// The 90 days ending today.
    Quarter,
    /// Explicit first and last day, inclusive.
    Custom { start: NaiveDate, end: NaiveDate },
}

impl RangeChoice {
    /// The presets, in the order the filter bar shows them.
    pub const PRESETS: [RangeChoice; 4] = [Self::Day, Self::Week, Self::Month, Self::Quarter];

    /// The `range=` value.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "1m",
            Self::Quarter => "3m",
            Self::Custom { .. } => "custom",
        }
    }

    /// A short label for buttons.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7 days",
            Self::Month => "1 month",
            Self::Quarter => "3 months",
            Self::Custom { .. } => "Custom",
        }
    }

    /// First and last UTC day covered, given today's UTC date.
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let back = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
        match *self {
            Self::Day => (back(1), today),
            Self::Week => (back(6), today),
            Self::Month => (back(29), today),
            Self::Quarter => (back(89), today),
            Self::Custom { start, end } => (start, end),
        }
    }

    fn same_kind(&self, other: &RangeChoice) -> bool {
        self.key() == other.key()
    }
}

/// Which calls to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Success,
    Error,
}

impl StatusFilter {
    pub fn key(&self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Self::Success),
            "error" => Some(Self::Error),
            _ => None,
        }
    }
}

/// Everything the detail page can be filtered by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filters {
    pub range: RangeChoice,
    pub status: Option<StatusFilter>,
    /// Exact model name, e.g. `gpt-4o`.
    pub model: Option<String>,
}

impl Default for Filters {
    fn default() -> Self {
        Self {
            range: RangeChoice::Week,
            status: None,
            model: None,
        }
    }
}

impl Filters {
    /// Reads a query string (with or without the leading `?`). Never fails.
    pub fn parse(query: &str) -> Self {
        let mut range_key = None;
        let (mut start, mut end) = (None, None);
        let mut filters = Self::default();
        for (key, value) in pairs(query) {
            match key.as_str() {
                "range" => range_key = Some(value),
                "start" => start = NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok(),
                "end" => end = NaiveDate::parse_from_str(&value, "%Y-%m-%d").ok(),
                "status" => filters.status = StatusFilter::parse(&value),
                "model" => {
                    let model = value.trim();
                    if !model.is_empty() && model.chars().count() <= 100 {
                        filters.model = Some(model.to_owned());
                    }
                }
                _ => {}
            }
        }
        filters.range = match range_key.as_deref() {
            Some("24h") => RangeChoice::Day,
            Some("1m") => RangeChoice::Month,
            Some("3m") => RangeChoice::Quarter,
            Some("custom") => match (start, end) {
                (Some(a), Some(b)) => custom(a, b),
                _ => RangeChoice::Week,
            },
            _ => RangeChoice::Week,
        };
        filters
    }

    /// The URL parameters, leaving out defaults (for the router's `push_with_query`).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.range.same_kind(&RangeChoice::Week) {
            pairs.push(("range", self.range.key().to_owned()));
        }
        if let RangeChoice::Custom { start, end } = self.range {
            pairs.push(("start", start.to_string()));
            pairs.push(("end", end.to_string()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.key().to_owned()));
        }
        if let Some(model) = &self.model {
            pairs.push(("model", model.clone()));
        }
        pairs
    }

    /// The query string (without `?`), leaving out defaults; empty when everything is default.
    pub fn to_query(&self) -> String {
        self.to_pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Whether a metric-type filter is set (live totals are unfiltered, so they do not apply).
    pub fn narrows_calls(&self) -> bool {
        self.status.is_some() || self.model.is_some()
    }

    /// Query parameters for the REST API: the metric-type filters only (the range is passed
    /// as `start`/`end` by the caller).
    pub fn api_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(status) = self.status {
            params.push(("status", status.key().to_owned()));
        }
        if let Some(model) = &self.model {
            params.push(("model", model.clone()));
        }
        params
    }
}

/// A custom range with its ends in order and at most [`MAX_RANGE_DAYS`] long (keeping `end`).
pub fn custom(a: NaiveDate, b: NaiveDate) -> RangeChoice {
    let (start, end) = if a <= b { (a, b) } else { (b, a) };
    let longest = end
        .checked_sub_days(Days::new((MAX_RANGE_DAYS - 1) as u64))
        .unwrap_or(start);
    RangeChoice::Custom {
        start: start.max(longest),
        end,
    }
}

/// The decoded `key=value` pairs of a query string, in order.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    pairs(query).collect()
}

/// The first value of `key` in a query string.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    pairs(query).find(|(k, _)| k == key).map(|(_, v)| v)
}

/// A `next=` target that is safe to go to after logging in: a path on this site (no scheme,
/// no `//host`), else `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs.
fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (form encoding); invalid escapes are kept as they are.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn empty_query_is_the_default_week() {
        assert_eq!(Filters::parse(""), Filters::default());
        assert_eq!(Filters::parse("?"), Filters::default());
        assert_eq!(Filters::default().to_query(), "");
    }

    #[test]
    fn presets_round_trip() {
        for preset in RangeChoice::PRESETS {
            let f = Filters {
                range: preset,
                ..Filters::default()
            };
            assert_eq!(Filters::parse(&f.to_query()), f, "{preset:?}");
        }
        assert_eq!(Filters::parse("range=3m").range, RangeChoice::Quarter);
        assert_eq!(Filters::parse("?range=24h").range, RangeChoice::Day);
    }

    #[test]
    fn custom_ranges_keep_their_dates_in_the_url() {
        let f = Filters::parse("range=custom&start=2026-10-01&end=2026-10-31&status=error");
        assert_eq!(
            f.range,
            RangeChoice::Custom {
                start: d("2026-10-01"),
                end: d("2026-10-31")
            }
        );
        assert_eq!(f.status, Some(StatusFilter::Error));
        assert_eq!(
            f.to_query(),
            "range=custom&start=2026-10-01&end=2026-10-31&status=error"
        );
        assert_eq!(Filters::parse(&f.to_query()), f);
    }

    #[test]
    fn custom_ranges_are_put_in_order_and_capped() {
        let f = Filters::parse("range=custom&start=2026-10-31&end=2026-10-01");
        assert_eq!(
            f.range.days(d("2027-01-01")),
            (d("2026-10-01"), d("2026-10-31"))
        );
        let long = custom(d("1990-01-01"), d("2026-01-01"));
        let (start, end) = long.days(d("2026-01-01"));
        assert_eq!(end, d("2026-01-01"));
        assert_eq!((end - start).num_days() + 1, MAX_RANGE_DAYS);
    }

    #[test]
    fn broken_parameters_fall_back_to_defaults() {
        let f = Filters::parse("range=custom&start=yesterday&end=2026-10-01&status=meh&x=1&&=");
        assert_eq!(f, Filters::default());
        assert_eq!(Filters::parse("range=5y").range, RangeChoice::Week);
        assert_eq!(Filters::parse("model=%20%20").model, None);
    }

    #[test]
    fn model_names_are_encoded_and_decoded() {
        let f = Filters {
            model: Some("claude 3.5/sonnet&co".to_owned()),
            ..Filters::default()
        };
        let q = f.to_query();
        assert_eq!(q, "model=claude%203.5%2Fsonnet%26co");
        assert_eq!(Filters::parse(&q), f);
        assert_eq!(
            Filters::parse("model=gpt+4o").model.as_deref(),
            Some("gpt 4o")
        );
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("caf%C3%A9"), "café");
    }

    #[test]
    fn preset_days_end_today() {
        let today = d("2026-03-01");
        assert_eq!(RangeChoice::Day.days(today), (d("2026-02-28"), today));
        assert_eq!(RangeChoice::Week.days(today), (d("2026-02-23"), today));
        assert_eq!(RangeChoice::Month.days(today), (d("2026-01-31"), today));
        assert_eq!(RangeChoice::Quarter.days(today), (d("2025-12-02"), today));
    }

    #[test]
    fn query_helpers() {
        assert_eq!(
            query_param("?next=%2Fwall&email=a%40b.c", "next").as_deref(),
            Some("/wall")
        );
        assert_eq!(
            query_param("email=a%40b.c", "email").as_deref(),
            Some("a@b.c")
        );
        assert_eq!(query_param("a=1", "b"), None);
        assert_eq!(
            query_pairs("?range=1m&model=x+y"),
            vec![
                ("range".to_owned(), "1m".to_owned()),
                ("model".to_owned(), "x y".to_owned())
            ]
        );
        assert_eq!(
            safe_next(Some("/assistants/3?range=1m")),
            "/assistants/3?range=1m"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn api_params_carry_only_the_metric_filters() {
        let f = Filters::parse("range=1m&status=success&model=gpt-4o");
        assert_eq!(
            f.api_params(),
            vec![
                ("status", "success".to_owned()),
                ("model", "gpt-4o".to_owned())
            ]
        );
        assert!(f.narrows_calls());
        assert!(!Filters::parse("range=1m").narrows_calls());
    }
}
