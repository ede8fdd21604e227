ALTER TABLE breakdown_rollups
    DROP COLUMN llm_calls, DROP COLUMN llm_call_runs, DROP COLUMN tool_calls,
    DROP COLUMN tool_call_runs, DROP COLUMN cache_read_tokens, DROP COLUMN cache_read_tokens_in;
ALTER TABLE day_rollups
    DROP CONSTRAINT day_rollups_agent_storable,
    DROP COLUMN llm_calls, DROP COLUMN llm_call_runs, DROP COLUMN tool_calls,
    DROP COLUMN tool_call_runs, DROP COLUMN cache_read_tokens, DROP COLUMN cache_read_tokens_in;
ALTER TABLE time_rollups
    DROP COLUMN llm_calls, DROP COLUMN llm_call_runs, DROP COLUMN tool_calls,
    DROP COLUMN tool_call_runs, DROP COLUMN cache_read_tokens, DROP COLUMN cache_read_tokens_in;
ALTER TABLE usage_samples
    DROP COLUMN llm_calls, DROP COLUMN tool_calls, DROP COLUMN cache_read_tokens,
    DROP COLUMN price_id;
