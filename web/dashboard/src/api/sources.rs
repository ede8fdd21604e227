//! The calls of the Metrics area (`/templates`, `/connections`, `/sources`, `/transformers`,
//! `/widgets`, docs/sources.md): metrics pulled on a schedule from external APIs, their
//! credentials, the jq transformers that turn responses into points, and the charts of them.
//! Only the wire types of `protocol::sources` cross this boundary.

use gloo_net::http::Request;
use protocol::sources::{
    ChartView, ConnectionView, CreateConnection, CreateSource, CreateWidget, PollResult,
    SourceView, TemplateView, TransformerPreview, TransformerView, UpdateSource, UpdateWidget,
    WidgetView, WriteTransformer,
};
use serde::Serialize;
use serde_json::json;

use super::client::{with_query, Api};
use super::error::ApiError;

impl Api {
    async fn patch_json<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let builder = self.authorised(Request::patch(&Self::url(path)));
        Self::decode(Self::send(builder.json(body)).await?).await
    }

    async fn delete_path(&self, path: &str) -> Result<(), ApiError> {
        let builder = self.authorised(Request::delete(&Self::url(path)));
        Self::send(builder.build()).await.map(|_| ())
    }

    /// `GET /templates`.
    pub async fn templates(&self) -> Result<Vec<TemplateView>, ApiError> {
        self.get("/templates").await
    }

    /// `GET /connections` (never with secrets: only their hints).
    pub async fn connections(&self) -> Result<Vec<ConnectionView>, ApiError> {
        self.get("/connections").await
    }

    /// `POST /connections`.
    pub async fn create_connection(
        &self,
        connection: &CreateConnection,
    ) -> Result<ConnectionView, ApiError> {
        self.post("/connections", connection).await
    }

    /// `GET /sources`.
    pub async fn sources(&self) -> Result<Vec<SourceView>, ApiError> {
        self.get("/sources").await
    }

    /// `POST /sources`: fetches a sample, makes sure a transformer exists and backfills; the
    /// answer is what that first poll did.
    pub async fn create_source(&self, source: &CreateSource) -> Result<PollResult, ApiError> {
        let answer: serde_json::Value = self.post("/sources", source).await?;
        created_source(answer)
    }

    /// `PATCH /sources/{id}`.
    pub async fn update_source(
        &self,
        id: i64,
        change: &UpdateSource,
    ) -> Result<SourceView, ApiError> {
        self.patch_json(&format!("/sources/{id}"), change).await
    }

    /// `DELETE /sources/{id}` (its points and widgets go with it).
    pub async fn delete_source(&self, id: i64) -> Result<(), ApiError> {
        self.delete_path(&format!("/sources/{id}")).await
    }

    /// `POST /sources/{id}/refresh`: polls it now.
    pub async fn refresh_source(&self, id: i64) -> Result<PollResult, ApiError> {
        self.post(&format!("/sources/{id}/refresh"), &json!({}))
            .await
    }

    /// `GET /transformers?templateId=…` (and `sourceId` for the generic template's own).
    pub async fn transformers(
        &self,
        template_id: &str,
        source_id: Option<i64>,
    ) -> Result<Vec<TransformerView>, ApiError> {
        let mut params = vec![("templateId", template_id.to_owned())];
        if let Some(id) = source_id {
            params.push(("sourceId", id.to_string()));
        }
        self.get(&with_query("/transformers", &params)).await
    }

    /// `POST /transformers/preview`: what a program makes of the source's sample.
    pub async fn preview_transformer(
        &self,
        program: &WriteTransformer,
    ) -> Result<TransformerPreview, ApiError> {
        self.post("/transformers/preview", program).await
    }

    /// `POST /transformers`: stores the program as the active transformer.
    pub async fn save_transformer(
        &self,
        program: &WriteTransformer,
    ) -> Result<TransformerView, ApiError> {
        self.post("/transformers", program).await
    }

    /// `GET /widgets`.
    pub async fn widgets(&self) -> Result<Vec<WidgetView>, ApiError> {
        self.get("/widgets").await
    }

    /// `POST /widgets`.
    pub async fn create_widget(&self, widget: &CreateWidget) -> Result<WidgetView, ApiError> {
        self.post("/widgets", widget).await
    }

    /// `PATCH /widgets/{id}`.
    pub async fn update_widget(
        &self,
        id: i64,
        change: &UpdateWidget,
    ) -> Result<WidgetView, ApiError> {
        self.patch_json(&format!("/widgets/{id}"), change).await
    }

    /// `DELETE /widgets/{id}`.
    pub async fn delete_widget(&self, id: i64) -> Result<(), ApiError> {
        self.delete_path(&format!("/widgets/{id}")).await
    }

    /// `GET /widgets/{id}/chart`: the chart the hub computed.
    pub async fn widget_chart(&self, id: i64) -> Result<ChartView, ApiError> {
        self.get(&format!("/widgets/{id}/chart")).await
    }
}

/// Reads the answer of `POST /sources`: a [`PollResult`] (the source and what its first poll
/// wrote); a bare [`SourceView`] is taken too, so the dashboard does not hinge on the wrapper.
pub fn created_source(answer: serde_json::Value) -> Result<PollResult, ApiError> {
    let wrapped = answer
        .get("source")
        .is_some_and(serde_json::Value::is_object);
    let result = if wrapped {
        serde_json::from_value::<PollResult>(answer)
    } else {
        serde_json::from_value::<SourceView>(answer).map(|source| PollResult {
            source,
            points_written: 0,
        })
    };
    match result {
        Ok(r) if r.source.id > 0 => Ok(r),
        Ok(_) => Err(ApiError::Decode("the created source has no id".to_owned())),
        Err(e) => Err(ApiError::Decode(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_source_is_read_from_its_poll_result() {
        let r = created_source(
            json!({"source": {"id": 7, "templateId": "github-repo-stars"}, "pointsWritten": 31}),
        );
        assert!(matches!(r, Ok(ref p) if p.source.id == 7 && p.points_written == 31));
        let bare = created_source(json!({"id": 8, "templateId": "http-json"}));
        assert!(matches!(bare, Ok(ref p) if p.source.id == 8));
        assert!(matches!(
            created_source(json!({"pointsWritten": 1})),
            Err(ApiError::Decode(_))
        ));
    }
}
