-- Agent metrics (issue #13, seed 003): a call may report how many LLM calls and tool calls the
-- run made and how many of its input tokens were read from the provider's prompt cache. Each is
-- optional, so the rollups keep, next to each sum, how many runs reported it: averages are over
-- the runs that did, and the cache hit rate is cache_read_tokens over the input tokens of the
-- runs that reported cache reads (cache_read_tokens_in). Older samples report none of them.
--
-- price_id: the model_prices row that priced the call when the hub computed its cost from its
-- tokens (NULL: the client sent the cost, or no price applied). Not a foreign key: a removed
-- user override must not be blocked by, nor rewrite, the calls it once priced, and the ingest
-- path should not pay a key check per row.
ALTER TABLE usage_samples
    ADD COLUMN llm_calls INTEGER CHECK (llm_calls >= 0),
    ADD COLUMN tool_calls INTEGER CHECK (tool_calls >= 0),
    ADD COLUMN cache_read_tokens BIGINT
        CHECK (cache_read_tokens >= 0 AND cache_read_tokens <= tokens_in),
    ADD COLUMN price_id BIGINT;

ALTER TABLE time_rollups
    ADD COLUMN llm_calls BIGINT NOT NULL DEFAULT 0 CHECK (llm_calls >= 0),
    ADD COLUMN llm_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (llm_call_runs >= 0),
    ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0 CHECK (tool_calls >= 0),
    ADD COLUMN tool_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (tool_call_runs >= 0),
    ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
    ADD COLUMN cache_read_tokens_in BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens_in >= 0);

ALTER TABLE day_rollups
    ADD COLUMN llm_calls BIGINT NOT NULL DEFAULT 0 CHECK (llm_calls >= 0),
    ADD COLUMN llm_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (llm_call_runs >= 0),
    ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0 CHECK (tool_calls >= 0),
    ADD COLUMN tool_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (tool_call_runs >= 0),
    ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
    ADD COLUMN cache_read_tokens_in BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens_in >= 0),
    -- The same storable limit as the other counters (see the storable_limits migration).
    ADD CONSTRAINT day_rollups_agent_storable CHECK (
        llm_calls <= 576460752303423488 AND llm_call_runs <= 576460752303423488
        AND tool_calls <= 576460752303423488 AND tool_call_runs <= 576460752303423488
        AND cache_read_tokens <= 576460752303423488
        AND cache_read_tokens_in <= 576460752303423488
    );

ALTER TABLE breakdown_rollups
    ADD COLUMN llm_calls BIGINT NOT NULL DEFAULT 0 CHECK (llm_calls >= 0),
    ADD COLUMN llm_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (llm_call_runs >= 0),
    ADD COLUMN tool_calls BIGINT NOT NULL DEFAULT 0 CHECK (tool_calls >= 0),
    ADD COLUMN tool_call_runs BIGINT NOT NULL DEFAULT 0 CHECK (tool_call_runs >= 0),
    ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
    ADD COLUMN cache_read_tokens_in BIGINT NOT NULL DEFAULT 0 CHECK (cache_read_tokens_in >= 0);
