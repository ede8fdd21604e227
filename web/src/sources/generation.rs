//! Transformers written by the configured LLM endpoint (off unless `APP_LLM__*` is set): when a
//! template has no transformer, and when one failed three polls in a row. The endpoint gets the
//! real sample; a program is stored only if it runs on the sample and yields valid points
//! (`::sources::generate` checks that), as a new active version with origin `generated`.

use ::sources::{EndpointKind, Template};
use persistence::postgres::models::{NewTransformer, Transformer};
use persistence::postgres::queries::transformers;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

/// Generates and stores a transformer for `template`'s `kind` responses (`scope`: the source
/// it belongs to, for the generic template); `None` without an endpoint or when generation
/// failed (logged).
pub async fn generate(
    state: &AppState,
    template: &Template,
    kind: EndpointKind,
    scope: Option<i64>,
    sample: &Value,
) -> Result<Option<Transformer>, ApiError> {
    let Some(llm) = state.sources.llm.as_ref() else {
        return Ok(None);
    };
    let limits = state.sources.limits();
    let (program, points) = match llm
        .generate_transformer(template, kind, sample, &limits)
        .await
    {
        Ok(generated) => generated,
        Err(error) => {
            tracing::warn!(template_id = %template.id, %error, "transformer generation failed");
            return Ok(None);
        }
    };
    let output: Vec<_> = points.iter().map(|p| p.view()).collect();
    let stored = transformers::insert_version(
        &mut *state.pool.get().await?,
        &NewTransformer {
            template_id: &template.id,
            endpoint: kind.as_str(),
            source_id: scope,
            program: &program,
            origin: "generated",
            input_example: Some(sample.clone()),
            output_example: Some(serde_json::json!(output)),
            created_by: None,
        },
    )
    .await?;
    tracing::info!(
        template_id = %template.id,
        transformer_id = stored.id,
        version = stored.version,
        "transformer generated"
    );
    Ok(Some(stored))
}

/// Replaces `failed` with a transformer generated from `sample`; whether one was stored.
pub async fn regenerate(
    state: &AppState,
    template: &Template,
    failed: &Transformer,
    sample: &Value,
) -> Result<bool, ApiError> {
    let Ok(kind) = EndpointKind::parse(&failed.endpoint) else {
        return Ok(false);
    };
    let generated = generate(state, template, kind, failed.source_id, sample).await?;
    Ok(generated.is_some())
}
