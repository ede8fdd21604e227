//! The analytics page's view in its URL: the detail page's [`Filters`] (range, status, model)
//! plus the assistant (`?assistant=3`, absent for all of yours) and the domain, so a link
//! reproduces the view. Parsing never fails: broken parameters fall back to the defaults.

use crate::filters::{query_param, Filters, RangeChoice};

/// What the analytics page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnalyticsQuery {
    pub filters: Filters,
    /// One assistant, or all of the user's.
    pub assistant: Option<i64>,
    /// Only the calls of this domain (the dashboard endpoints only: runs and daily metrics
    /// are not filtered by domain).
    pub domain: Option<String>,
    /// Only the calls of this session (the runs list only).
    pub session: Option<String>,
}

impl AnalyticsQuery {
    /// Reads a query string (with or without the leading `?`).
    pub fn parse(query: &str) -> Self {
        Self {
            filters: Filters::parse(query),
            assistant: query_param(query, "assistant")
                .and_then(|a| a.parse().ok())
                .filter(|a| *a > 0),
            domain: query_param(query, "domain")
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty() && d.chars().count() <= 100),
            session: query_param(query, "session")
                .filter(|s| !s.is_empty() && s.chars().count() <= 128),
        }
    }

    /// The URL parameters, leaving out defaults.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.filters.to_pairs();
        if let Some(a) = self.assistant {
            pairs.push(("assistant", a.to_string()));
        }
        if let Some(d) = &self.domain {
            pairs.push(("domain", d.clone()));
        }
        if let Some(s) = &self.session {
            pairs.push(("session", s.clone()));
        }
        pairs
    }

    /// The parameters of `GET /dashboard` for this view. A custom range is sent as its days;
    /// the presets by name, so the hub picks their buckets (hours for 24h).
    pub fn dashboard_params(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![("range", self.filters.range.key().to_owned())];
        if let RangeChoice::Custom { start, end } = self.filters.range {
            params.push(("start", start.to_string()));
            params.push(("end", end.to_string()));
        }
        if let Some(a) = self.assistant {
            params.push(("assistant", a.to_string()));
        }
        params.extend(self.filters.api_params());
        if let Some(d) = &self.domain {
            params.push(("domain", d.clone()));
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::StatusFilter;

    #[test]
    fn round_trips_through_the_url() {
        let q =
            AnalyticsQuery::parse("?range=1m&assistant=3&status=error&model=gpt-4o&domain=sales");
        assert_eq!(q.assistant, Some(3));
        assert_eq!(q.domain.as_deref(), Some("sales"));
        assert_eq!(q.filters.range, RangeChoice::Month);
        assert_eq!(q.filters.status, Some(StatusFilter::Error));
        let again = q.to_pairs();
        assert!(again.contains(&("assistant", "3".to_owned())));
        assert!(again.contains(&("range", "1m".to_owned())));
        let query: Vec<String> = again
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::filters::encode(v)))
            .collect();
        assert_eq!(AnalyticsQuery::parse(&query.join("&")), q);
    }

    #[test]
    fn dashboard_params_name_presets_and_spell_out_custom_days() {
        let q = AnalyticsQuery::parse("range=24h");
        assert_eq!(q.dashboard_params(), vec![("range", "24h".to_owned())]);
        let q = AnalyticsQuery::parse("range=custom&start=2026-10-01&end=2026-10-31&model=m");
        assert_eq!(
            q.dashboard_params(),
            vec![
                ("range", "custom".to_owned()),
                ("start", "2026-10-01".to_owned()),
                ("end", "2026-10-31".to_owned()),
                ("model", "m".to_owned()),
            ]
        );
    }

    #[test]
    fn broken_parameters_fall_back() {
        let q = AnalyticsQuery::parse("assistant=-4&range=forever");
        assert_eq!(q, AnalyticsQuery::default());
    }
}
