//! Request and answer bodies of the REST API (camelCase JSON), as documented in the README and
//! `/api/v1/openapi.json`. Answers ignore fields they do not know, so the hub can grow.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Log in.
#[derive(Clone, Debug, Serialize)]
pub struct Credentials<'a> {
    pub email: &'a str,
    pub password: &'a str,
}

/// Register: credentials and an optional display name.
#[derive(Clone, Debug, Serialize)]
pub struct Registration<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub email: &'a str,
    pub password: &'a str,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    /// The display name given at registration, if any.
    #[serde(default)]
    pub name: Option<String>,
    pub email: String,
    #[serde(default)]
    pub role: String,
}

/// `POST /auth/login`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginResponse {
    pub access_token: String,
    /// RFC 3339.
    pub expires_at: String,
    pub user: User,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assistant {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub model_type: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAssistant<'a> {
    pub name: &'a str,
    pub model_type: &'a str,
}

/// One day of usage.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyMetrics {
    pub date: NaiveDate,
    pub call_count: i64,
    #[serde(default)]
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    pub avg_call_cost: f64,
}

/// `GET /assistants/{id}/metrics`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyMetricsRange {
    pub assistant_id: i64,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub metrics: Vec<DailyMetrics>,
}

/// One day of `GET /assistants/{id}/metrics/rolling-avg`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingPoint {
    pub date: NaiveDate,
    pub call_count: i64,
    pub avg_call_count: f64,
    pub avg_total_minutes: f64,
    pub avg_total_cost: f64,
    pub avg_call_cost: f64,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingAverage {
    pub assistant_id: i64,
    pub window_days: u32,
    pub points: Vec<RollingPoint>,
}

/// Sums over a range.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeTotals {
    pub call_count: i64,
    #[serde(default)]
    pub error_count: i64,
    pub total_minutes: f64,
    pub total_cost: f64,
    pub avg_call_cost: f64,
}

/// Totals and daily averages of one assistant over a range.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub assistant_id: i64,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub days: i64,
    pub days_with_data: i64,
    pub totals: RangeTotals,
}

/// `GET /metrics/totals`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TotalsPerAssistant {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub assistants: Vec<Summary>,
}

/// An ingestion key as listed (the secret is never listed).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub created_at: String,
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// A key just created: `key` is shown once and never again.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub key: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documented_answers() {
        let login: Result<LoginResponse, _> = serde_json::from_str(
            r#"{"accessToken":"t","tokenType":"Bearer","expiresIn":86400,
                "expiresAt":"2026-11-24T10:00:00Z",
                "user":{"id":7,"email":"ada@example.com","role":"user","createdAt":"2026-11-23T10:00:00Z"}}"#,
        );
        assert!(matches!(login, Ok(ref l) if l.user.id == 7 && l.access_token == "t"));

        let range: Result<DailyMetricsRange, _> = serde_json::from_str(
            r#"{"assistantId":1,"start":"2026-11-01","end":"2026-11-30","metrics":[
                {"date":"2026-11-20","callCount":120,"errorCount":2,"totalMinutes":95.5,"totalCost":4.2,"avgCallCost":0.035}]}"#,
        );
        assert!(matches!(range, Ok(ref r) if r.metrics[0].call_count == 120));

        let keys: Result<Vec<ApiKey>, _> = serde_json::from_str(
            r#"[{"id":1,"name":"ci","prefix":"mh_abc","createdAt":"2026-11-23T10:00:00Z","lastUsedAt":null}]"#,
        );
        assert!(matches!(keys, Ok(ref k) if k[0].last_used_at.is_none()));
    }
}
