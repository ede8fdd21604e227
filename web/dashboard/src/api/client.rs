//! The REST calls. Every call sends the session's bearer token (when there is one), turns a
//! failure status into an [`ApiError`] and decodes the documented answer. Same-origin only:
//! the hub serves both the dashboard and the API.

use chrono::NaiveDate;
use gloo_net::http::{Request, RequestBuilder, Response};
use protocol::alert_rules::{AlertRuleView, CreateAlertRule, RuleAlertView};
use protocol::budgets::{AlertView, BudgetView, CreateBudget, UpdateBudget};
use protocol::webhooks::{CreateWebhook, WebhookSecret, WebhookView};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::ApiError;
use super::types::{
    ApiKey, Assistant, CreatedApiKey, Credentials, DailyMetricsRange, LoginResponse, NewApiKey,
    NewAssistant, Registration, RollingAverage, Summary, TotalsPerAssistant, User,
};
use crate::filters::encode;
use protocol::analytics::{Dashboard, ModelCalls};
use protocol::prices::{AddPrice, PriceView};
use protocol::runs::{ExportLink, ExportLinkRequest, RunsPage};
use protocol::sessions::{LiveSessions, SessionHistory};

/// Calls per page of the runs list.
pub const RUNS_PAGE: usize = 50;

/// Where the API lives on the serving origin.
pub const API_PREFIX: &str = "/api/v1";

/// A handle for API calls, with the bearer token of the session (if any).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Api {
    token: Option<String>,
}

/// Builds `path?k=v&...` with every value percent-encoded.
pub fn with_query(path: &str, params: &[(&str, String)]) -> String {
    if params.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

impl Api {
    /// Calls made without a session (register, log in).
    pub fn anonymous() -> Self {
        Self { token: None }
    }

    /// Calls made with a session's token.
    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            token: Some(token.into()),
        }
    }

    pub(super) fn url(path: &str) -> String {
        format!("{API_PREFIX}{path}")
    }

    pub(super) fn authorised(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("accept", "application/json");
        match &self.token {
            Some(token) => builder.header("authorization", &format!("Bearer {token}")),
            None => builder,
        }
    }

    pub(super) async fn send(
        request: Result<Request, gloo_net::Error>,
    ) -> Result<Response, ApiError> {
        let request = request.map_err(|e| ApiError::Network(e.to_string()))?;
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        if response.ok() {
            Ok(response)
        } else {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            Err(ApiError::from_response(status, &body))
        }
    }

    pub(super) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
        let text = response
            .text()
            .await
            .map_err(|e| ApiError::Network(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub(super) async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let builder = self.authorised(Request::get(&Self::url(path)));
        Self::decode(Self::send(builder.build()).await?).await
    }

    pub(super) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let builder = self.authorised(Request::post(&Self::url(path)));
        Self::decode(Self::send(builder.json(body)).await?).await
    }

    /// `POST /users`; `name` is optional (an empty one is not sent).
    pub async fn register(
        &self,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<User, ApiError> {
        let name = (!name.is_empty()).then_some(name);
        self.post(
            "/users",
            &Registration {
                name: name.map(str::to_owned),
                email: email.to_owned(),
                password: password.to_owned(),
            },
        )
        .await
    }

    /// `POST /auth/login`.
    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse, ApiError> {
        self.post(
            "/auth/login",
            &Credentials {
                email: email.to_owned(),
                password: password.to_owned(),
            },
        )
        .await
    }

    /// `GET /users/{id}/assistants`.
    pub async fn assistants(&self, user_id: i64) -> Result<Vec<Assistant>, ApiError> {
        self.get(&format!("/users/{user_id}/assistants")).await
    }

    /// `GET /dashboard` with `params` (`range`, `start`, `end`, `assistant`, `status`,
    /// `model`).
    pub async fn dashboard(&self, params: &[(&str, String)]) -> Result<Dashboard, ApiError> {
        self.get(&with_query("/dashboard", params)).await
    }

    /// `GET /models` of one assistant, or of all of yours.
    pub async fn models(&self, assistant: Option<i64>) -> Result<Vec<ModelCalls>, ApiError> {
        let params: Vec<(&str, String)> = assistant
            .map(|a| vec![("assistant", a.to_string())])
            .unwrap_or_default();
        self.get(&with_query("/models", &params)).await
    }

    /// `GET /sessions/live`: the active sessions of one assistant, or of all of yours.
    pub async fn live_sessions(&self, assistant: Option<i64>) -> Result<LiveSessions, ApiError> {
        let params: Vec<(&str, String)> = assistant
            .map(|a| vec![("assistant", a.to_string())])
            .unwrap_or_default();
        self.get(&with_query("/sessions/live", &params)).await
    }

    /// `GET /sessions`: the stored sessions of a date range.
    pub async fn session_history(
        &self,
        start: NaiveDate,
        end: NaiveDate,
        assistant: Option<i64>,
    ) -> Result<SessionHistory, ApiError> {
        let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
        if let Some(a) = assistant {
            params.push(("assistant", a.to_string()));
        }
        self.get(&with_query("/sessions", &params)).await
    }

    /// `GET /runs`: a page of calls under `params` (`assistant`, `status`, `model`, `start`,
    /// `end`), after `cursor` (the previous page's `nextCursor`).
    pub async fn runs(
        &self,
        params: &[(&'static str, String)],
        cursor: Option<&str>,
    ) -> Result<RunsPage, ApiError> {
        let mut params = params.to_vec();
        params.push(("limit", RUNS_PAGE.to_string()));
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        self.get(&with_query("/runs", &params)).await
    }

    /// `POST /export/links`: a signed, single-use download link for the export of `params`
    /// (the `/runs` filters, `sort` and `format`).
    pub async fn export_link(
        &self,
        params: &[(&'static str, String)],
    ) -> Result<ExportLink, ApiError> {
        let query = with_query("", params);
        let query = query.trim_start_matches('?').to_owned();
        self.post("/export/links", &ExportLinkRequest { query })
            .await
    }

    /// `GET /prices`: every version of the shared price table.
    pub async fn prices(&self) -> Result<Vec<PriceView>, ApiError> {
        self.get("/prices").await
    }

    /// `POST /prices` (admins): a version of the shared table.
    pub async fn add_price(&self, price: &AddPrice) -> Result<PriceView, ApiError> {
        self.post("/prices", price).await
    }

    /// `GET /prices/overrides`: your own price overrides.
    pub async fn price_overrides(&self) -> Result<Vec<PriceView>, ApiError> {
        self.get("/prices/overrides").await
    }

    /// `POST /prices/overrides`: a version of your override of a model's price.
    pub async fn add_override(&self, price: &AddPrice) -> Result<PriceView, ApiError> {
        self.post("/prices/overrides", price).await
    }

    /// `DELETE /prices/overrides/{id}` (204).
    pub async fn delete_override(&self, id: i64) -> Result<(), ApiError> {
        let path = format!("/prices/overrides/{id}");
        let builder = self.authorised(Request::delete(&Self::url(&path)));
        Self::send(builder.build()).await.map(|_| ())
    }

    /// `GET /assistants/{id}`.
    pub async fn assistant(&self, id: i64) -> Result<Assistant, ApiError> {
        self.get(&format!("/assistants/{id}")).await
    }

    /// `POST /users/{id}/assistants`.
    pub async fn create_assistant(
        &self,
        user_id: i64,
        name: &str,
        model_type: &str,
    ) -> Result<Assistant, ApiError> {
        self.post(
            &format!("/users/{user_id}/assistants"),
            &NewAssistant {
                name: name.to_owned(),
                model_type: model_type.to_owned(),
            },
        )
        .await
    }

    /// `GET /assistants/{id}/metrics?start&end` plus metric-type filters.
    pub async fn daily_metrics(
        &self,
        id: i64,
        start: NaiveDate,
        end: NaiveDate,
        filters: &[(&'static str, String)],
    ) -> Result<DailyMetricsRange, ApiError> {
        self.get(&with_query(
            &format!("/assistants/{id}/metrics"),
            &range_params(start, end, filters),
        ))
        .await
    }

    /// `GET /assistants/{id}/metrics/rolling-avg?days&start&end` plus metric-type filters.
    pub async fn rolling_average(
        &self,
        id: i64,
        days: u32,
        start: NaiveDate,
        end: NaiveDate,
        filters: &[(&'static str, String)],
    ) -> Result<RollingAverage, ApiError> {
        let mut params = vec![("days", days.to_string())];
        params.extend(range_params(start, end, filters));
        self.get(&with_query(
            &format!("/assistants/{id}/metrics/rolling-avg"),
            &params,
        ))
        .await
    }

    /// `GET /assistants/{id}/metrics/summary?start&end` plus metric-type filters.
    pub async fn summary(
        &self,
        id: i64,
        start: NaiveDate,
        end: NaiveDate,
        filters: &[(&'static str, String)],
    ) -> Result<Summary, ApiError> {
        self.get(&with_query(
            &format!("/assistants/{id}/metrics/summary"),
            &range_params(start, end, filters),
        ))
        .await
    }

    /// `GET /metrics/totals?start&end`: every assistant of the caller.
    pub async fn totals(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<TotalsPerAssistant, ApiError> {
        self.get(&with_query(
            "/metrics/totals",
            &range_params(start, end, &[]),
        ))
        .await
    }

    /// `GET /assistants/{id}/keys`.
    pub async fn keys(&self, assistant_id: i64) -> Result<Vec<ApiKey>, ApiError> {
        self.get(&format!("/assistants/{assistant_id}/keys")).await
    }

    /// `POST /assistants/{id}/keys`.
    pub async fn create_key(
        &self,
        assistant_id: i64,
        name: &str,
    ) -> Result<CreatedApiKey, ApiError> {
        self.post(
            &format!("/assistants/{assistant_id}/keys"),
            &NewApiKey {
                name: name.to_owned(),
            },
        )
        .await
    }

    /// `DELETE /keys/{id}` (204).
    pub async fn delete_key(&self, key_id: i64) -> Result<(), ApiError> {
        let builder = self.authorised(Request::delete(&Self::url(&format!("/keys/{key_id}"))));
        Self::send(builder.build()).await.map(|_| ())
    }

    /// `GET /budgets`: each with its spend in the current period.
    pub async fn budgets(&self) -> Result<Vec<BudgetView>, ApiError> {
        self.get("/budgets").await
    }

    /// `POST /budgets`.
    pub async fn create_budget(&self, budget: &CreateBudget) -> Result<BudgetView, ApiError> {
        self.post("/budgets", budget).await
    }

    /// `PATCH /budgets/{id}`.
    pub async fn update_budget(
        &self,
        id: i64,
        change: &UpdateBudget,
    ) -> Result<BudgetView, ApiError> {
        let builder = self.authorised(Request::patch(&Self::url(&format!("/budgets/{id}"))));
        Self::decode(Self::send(builder.json(change)).await?).await
    }

    /// `DELETE /budgets/{id}` (204).
    pub async fn delete_budget(&self, id: i64) -> Result<(), ApiError> {
        let builder = self.authorised(Request::delete(&Self::url(&format!("/budgets/{id}"))));
        Self::send(builder.build()).await.map(|_| ())
    }

    /// `GET /budgets/alerts`, newest first.
    pub async fn budget_alerts(&self) -> Result<Vec<AlertView>, ApiError> {
        self.get("/budgets/alerts").await
    }

    /// `DELETE` of an API path.
    async fn delete(&self, path: &str) -> Result<(), ApiError> {
        let builder = self.authorised(Request::delete(&Self::url(path)));
        Self::send(builder.build()).await.map(|_| ())
    }

    /// `GET /webhooks` (never with secrets).
    pub async fn webhooks(&self) -> Result<Vec<WebhookView>, ApiError> {
        self.get("/webhooks").await
    }

    /// `POST /webhooks`: the answer holds the secret, shown only now.
    pub async fn create_webhook(&self, url: &str) -> Result<WebhookSecret, ApiError> {
        let body = CreateWebhook {
            url: url.to_owned(),
        };
        self.post("/webhooks", &body).await
    }

    /// `POST /webhooks/{id}/secret`: a new secret, shown only now.
    pub async fn rotate_webhook_secret(&self, id: i64) -> Result<WebhookSecret, ApiError> {
        self.post(&format!("/webhooks/{id}/secret"), &serde_json::json!({}))
            .await
    }

    /// `DELETE /webhooks/{id}`.
    pub async fn delete_webhook(&self, id: i64) -> Result<(), ApiError> {
        self.delete(&format!("/webhooks/{id}")).await
    }

    /// `GET /alert-rules`.
    pub async fn alert_rules(&self) -> Result<Vec<AlertRuleView>, ApiError> {
        self.get("/alert-rules").await
    }

    /// `POST /alert-rules`.
    pub async fn create_alert_rule(
        &self,
        rule: &CreateAlertRule,
    ) -> Result<AlertRuleView, ApiError> {
        self.post("/alert-rules", rule).await
    }

    /// `DELETE /alert-rules/{id}`.
    pub async fn delete_alert_rule(&self, id: i64) -> Result<(), ApiError> {
        self.delete(&format!("/alert-rules/{id}")).await
    }

    /// `GET /alert-rules/alerts`, newest first.
    pub async fn rule_alerts(&self) -> Result<Vec<RuleAlertView>, ApiError> {
        self.get("/alert-rules/alerts").await
    }
}

fn range_params(
    start: NaiveDate,
    end: NaiveDate,
    filters: &[(&'static str, String)],
) -> Vec<(&'static str, String)> {
    let mut params = vec![("start", start.to_string()), ("end", end.to_string())];
    params.extend(filters.iter().cloned());
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_encoded() {
        assert_eq!(with_query("/x", &[]), "/x");
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let params = range_params(
            d("2026-11-01"),
            d("2026-11-07"),
            &[("model", "gpt 4o/mini".to_owned())],
        );
        assert_eq!(
            with_query("/assistants/1/metrics", &params),
            "/assistants/1/metrics?start=2026-11-01&end=2026-11-07&model=gpt%204o%2Fmini"
        );
    }
}
