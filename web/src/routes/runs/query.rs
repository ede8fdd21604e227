//! The query of the runs list and the export: its filters, its sort order and the keyset cursor
//! of that order, parsed once at the edge into [`RunFilter`], [`RunOrder`] and [`RunCursor`].
//! The same struct is the body of `POST /export/links` (a signed link carries it, canonical).

use chrono::{DateTime, Days, NaiveDate, Utc};
use hub::sample::{MAX_LABEL_CHARS, MAX_LATENCY_MS, MAX_SESSION_ID_CHARS};
use hub::units::{usd_to_nanos, MAX_SAMPLE_COST_USD};
use hub::ValidationErrors;
use persistence::postgres::queries::runs::{RunCursor, RunFilter, RunOrder, SortKey};
use persistence::PgPool;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::access::OwnerCache;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::routes::openapi::schemas::CallStatus;

/// Order of the runs list (`sort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
#[schema(as = RunSort, rename_all = "lowercase")]
pub enum Sort {
    /// Newest first (the default).
    Newest,
    /// Oldest first.
    Oldest,
    /// Highest latency first (calls without a latency last).
    Slowest,
    /// Most expensive first.
    Costliest,
}

impl Sort {
    const ALL: [(Sort, &'static str, RunOrder); 4] = [
        (Sort::Newest, "newest", RunOrder::Newest),
        (Sort::Oldest, "oldest", RunOrder::Oldest),
        (Sort::Slowest, "slowest", RunOrder::Slowest),
        (Sort::Costliest, "costliest", RunOrder::Costliest),
    ];

    fn parse(field: &str, text: &str) -> Result<Self, ValidationErrors> {
        Self::ALL
            .iter()
            .find(|(_, name, _)| *name == text)
            .map(|(sort, _, _)| *sort)
            .ok_or_else(|| {
                ValidationErrors::single(
                    field,
                    format!(
                        "{text:?} is not one of \"newest\", \"oldest\", \"slowest\", \"costliest\""
                    ),
                )
            })
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(sort, _, _)| *sort == self)
            .map_or("newest", |(_, name, _)| name)
    }

    /// The storage order.
    pub fn order(self) -> RunOrder {
        Self::ALL
            .iter()
            .find(|(sort, _, _)| *sort == self)
            .map_or(RunOrder::Newest, |(_, _, order)| *order)
    }
}

/// Filters shared by the runs list and the export (and the body of `POST /export/links`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RunsQuery {
    /// One of your assistants (default: all of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assistant: Option<i64>,
    /// Only calls with this status.
    #[param(inline, value_type = Option<CallStatus>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Only calls of this model (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Only calls labelled with this domain (1 to 100 characters, no control characters).
    #[param(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Only calls from this country: a two-letter code, any case.
    #[param(pattern = "^[A-Za-z]{2}$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Only calls with a latency of at least this many milliseconds (0 to 3,600,000); calls
    /// sent without a latency never match.
    #[param(minimum = 0, maximum = 3_600_000)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_latency_ms: Option<i64>,
    /// Only calls that cost at least this many US dollars (0 to 1,000,000).
    #[param(minimum = 0, maximum = 1_000_000)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_cost: Option<f64>,
    /// Only the calls of this session (its `sessionId`, 1 to 128 characters, no control
    /// characters).
    #[param(
        min_length = 1,
        max_length = 128,
        pattern = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// First UTC day, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<NaiveDate>,
    /// Last UTC day, inclusive; not before `start`, at most 3,660 days in all.
    #[param(value_type = Option<String>, format = Date, pattern = "^[2-9][0-9]{3}-[0-9]{2}-[0-9]{2}$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<NaiveDate>,
    /// Only calls at or after this instant (RFC 3339; a chart bucket's start). Narrows
    /// `start`/`end`, does not replace them.
    #[param(value_type = Option<String>, format = DateTime)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Only calls before this instant (RFC 3339, exclusive; a chart bucket's end).
    #[param(value_type = Option<String>, format = DateTime)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
    /// `newest` (default), `oldest`, `slowest` or `costliest`.
    #[param(inline, value_type = Option<Sort>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// Page size (runs list only; documented there).
    #[param(ignore)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// `nextCursor` of the previous page (runs list only; documented there).
    #[param(ignore)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// `csv` (default), `json` (one array) or `ndjson` (one object per line); export only,
    /// documented there.
    #[param(ignore)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl RunsQuery {
    /// The filter of this query for `user`, or every problem with it (400), or a 404 for an
    /// assistant that is not theirs.
    pub async fn filter(
        &self,
        user: &AuthUser,
        pool: &PgPool,
        owners: &OwnerCache,
    ) -> Result<RunFilter, ApiError> {
        if let Some(assistant) = self.assistant {
            owners.check(pool, user, assistant).await?;
        }
        let mut filter = self.parse_filter()?;
        filter.owner_id = user.id;
        Ok(filter)
    }

    /// The filter without its owner (0): every check that needs no database.
    pub fn parse_filter(&self) -> Result<RunFilter, ApiError> {
        let calls = hub::sample::CallFilter::parse(self.status.as_deref(), self.model.as_deref())?;
        let mut errors = ValidationErrors::default();
        if let Some(session) = &self.session {
            errors.check_text("session", session, MAX_SESSION_ID_CHARS);
        }
        if let Some(domain) = &self.domain {
            errors.check_text("domain", domain, MAX_LABEL_CHARS);
        }
        if let Some(country) = &self.country {
            if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
                errors.add("country", "must be a two-letter country code");
            }
        }
        if let Some(ms) = self.min_latency_ms {
            if !(0..=MAX_LATENCY_MS).contains(&ms) {
                errors.add("minLatencyMs", format!("must be 0 to {MAX_LATENCY_MS}"));
            }
        }
        if let Some(usd) = self.min_cost {
            if !usd.is_finite() || !(0.0..=MAX_SAMPLE_COST_USD).contains(&usd) {
                errors.add(
                    "minCost",
                    format!("must be 0 to {MAX_SAMPLE_COST_USD} US dollars"),
                );
            }
        }
        if let Some(sort) = &self.sort {
            if let Err(e) = Sort::parse("sort", sort) {
                errors.extend(e);
            }
        }
        for (field, at) in [("from", self.from), ("until", self.until)] {
            if let Some(at) = at {
                if let Err(e) = hub::range::check_instant(field, at) {
                    errors.extend(e);
                }
            }
        }
        errors.into_result(())?;
        match (self.start, self.end) {
            (Some(start), Some(end)) => drop(hub::DateRange::new(start, end)?),
            (start, end) => {
                start
                    .map(|day| hub::range::check_day("start", day))
                    .transpose()?;
                end.map(|day| hub::range::check_day("end", day))
                    .transpose()?;
            }
        }
        let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        let day_from = self.start.map(midnight);
        let day_until = self
            .end
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(midnight);
        Ok(RunFilter {
            owner_id: 0,
            assistant_id: self.assistant,
            status: calls.status,
            model: calls.model,
            session_id: self.session.clone(),
            domain: self.domain.clone(),
            country: self.country.as_ref().map(|c| c.to_ascii_uppercase()),
            min_latency_ms: self.min_latency_ms.and_then(|ms| i32::try_from(ms).ok()),
            min_cost_nanos: self.min_cost.map(usd_to_nanos),
            from: later(day_from, self.from),
            until: earlier(day_until, self.until),
        })
    }

    /// The sort order asked for (checked by [`Self::parse_filter`]; unknown names are a 400).
    pub fn sort(&self) -> Result<Sort, ApiError> {
        self.sort
            .as_deref()
            .map_or(Ok(Sort::Newest), |s| Sort::parse("sort", s))
            .map_err(ApiError::from)
    }
}

fn later(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    a.max(b)
}

fn earlier(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The `nextCursor` after `cursor` under `sort`: `<sort>.<key>_<id>`, the key being a time in
/// microseconds or a whole number (latency in ms, cost in nano-dollars).
pub fn encode_cursor(sort: Sort, cursor: RunCursor) -> String {
    let key = match cursor.key {
        SortKey::Time(ts) => ts.timestamp_micros(),
        SortKey::Value(value) => value,
    };
    format!("{}.{key}_{}", sort.name(), cursor.id)
}

/// The position a `nextCursor` of `sort` names. Anything else, a cursor of another sort
/// included (its key means something else), is a 400 naming `cursor`.
pub fn decode_cursor(sort: Sort, text: &str) -> Result<RunCursor, ApiError> {
    let bad = || ValidationErrors::single("cursor", "is not a nextCursor of this API");
    let (name, rest) = text.split_once('.').ok_or_else(bad)?;
    if Sort::parse("cursor", name)? != sort {
        return Err(ValidationErrors::single(
            "cursor",
            format!(
                "belongs to sort={name}, not sort={}: start again without a cursor",
                sort.name()
            ),
        )
        .into());
    }
    let (key, id) = rest.split_once('_').ok_or_else(bad)?;
    let key: i64 = key.parse().map_err(|_| bad())?;
    let id = id.parse().map_err(|_| bad())?;
    let key = match sort.order() {
        RunOrder::Newest | RunOrder::Oldest => {
            let ts = DateTime::from_timestamp_micros(key).ok_or_else(bad)?;
            SortKey::Time(hub::range::check_instant("cursor", ts)?)
        }
        // A latency is an `integer` (or -1 for none); anything else was never a cursor here.
        RunOrder::Slowest if !(-1..=i64::from(i32::MAX)).contains(&key) => return Err(bad().into()),
        RunOrder::Slowest | RunOrder::Costliest => SortKey::Value(key),
    };
    Ok(RunCursor { key, id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_in_their_own_sort_only() {
        let at = DateTime::from_timestamp(1_780_000_000, 5_000).unwrap_or_default();
        let newest = RunCursor {
            key: SortKey::Time(at),
            id: 7,
        };
        let text = encode_cursor(Sort::Newest, newest);
        assert_eq!(decode_cursor(Sort::Newest, &text).ok(), Some(newest));
        assert!(decode_cursor(Sort::Oldest, &text).is_err());
        let costly = RunCursor {
            key: SortKey::Value(1_500),
            id: 9,
        };
        let text = encode_cursor(Sort::Costliest, costly);
        assert_eq!(text, "costliest.1500_9");
        assert_eq!(decode_cursor(Sort::Costliest, &text).ok(), Some(costly));
        assert!(decode_cursor(Sort::Slowest, &text).is_err());
        for garbage in ["", "newest", "newest.x_1", "newest.1", "nope.1_1", "1_1"] {
            assert!(decode_cursor(Sort::Newest, garbage).is_err(), "{garbage:?}");
        }
        assert!(decode_cursor(Sort::Slowest, "slowest.4294967296_1").is_err());
        assert!(decode_cursor(Sort::Slowest, "slowest.-2_1").is_err());
    }

    #[test]
    fn bad_filters_are_each_named() {
        let query = RunsQuery {
            country: Some("DEU".into()),
            min_latency_ms: Some(-1),
            min_cost: Some(f64::NAN),
            sort: Some("loudest".into()),
            domain: Some(String::new()),
            ..RunsQuery::default()
        };
        let text = match query.parse_filter() {
            Err(ApiError::Validation(errors)) => format!("{errors:?}"),
            other => format!("not a validation error: {other:?}"),
        };
        for field in ["country", "minLatencyMs", "minCost", "sort", "domain"] {
            assert!(text.contains(field), "{field} missing from {text}");
        }
    }

    #[test]
    fn a_bucket_narrows_the_days() {
        let query = RunsQuery {
            start: NaiveDate::from_ymd_opt(2026, 8, 1),
            end: NaiveDate::from_ymd_opt(2026, 8, 2),
            from: "2026-08-01T10:00:00Z".parse().ok(),
            until: "2026-08-01T11:00:00Z".parse().ok(),
            country: Some("de".into()),
            ..RunsQuery::default()
        };
        let filter = query.parse_filter().ok().unwrap_or_default();
        assert_eq!(filter.from, query.from);
        assert_eq!(filter.until, query.until);
        assert_eq!(filter.country.as_deref(), Some("DE"));
    }
}
