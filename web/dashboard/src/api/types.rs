//! Request and answer bodies of the REST API (camelCase JSON), as documented in the README and
//! `/api/v1/openapi.json`: the wire types of the shared `protocol` crate, which the hub
//! serialises too, under the names the dashboard uses. Answers ignore fields they do not know,
//! so the hub can grow; a change that breaks the dashboard breaks its build.

pub use protocol::accounts::{
    Credentials, Registration, TokenResponse as LoginResponse, UserResponse as User,
};
pub use protocol::assistants::{
    AssistantResponse as Assistant, CreateAssistant as NewAssistant, CreateKey as NewApiKey,
    CreatedKey as CreatedApiKey, KeyResponse as ApiKey,
};
pub use protocol::metrics::{
    DailyMetrics, DailyMetricsRange, RollingAverage, RollingPoint, Summary, Totals as RangeTotals,
    TotalsPerAssistant,
};

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
            r#"[{"id":1,"assistantId":3,"name":"ci","prefix":"mh_abc","createdAt":"2026-11-23T10:00:00Z","lastUsedAt":null}]"#,
        );
        assert!(matches!(keys, Ok(ref k) if k[0].last_used_at.is_none()));

        let created: Result<CreatedApiKey, _> = serde_json::from_str(
            r#"{"id":2,"assistantId":3,"name":"ci","prefix":"mh_abc","createdAt":"2026-11-23T10:00:00Z","key":"mh_abc123"}"#,
        );
        assert!(matches!(created, Ok(ref c) if c.listed.name == "ci" && c.key == "mh_abc123"));
    }
}
