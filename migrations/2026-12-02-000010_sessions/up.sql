-- Sessions (issue #12): a call may name the session (conversation) it belongs to. The assistant
-- actors track active sessions in memory from what they commit; this column lets them seed that
-- state after a restart and lets GET /sessions summarise stored sessions over a date range.
ALTER TABLE usage_samples
    ADD COLUMN session_id TEXT
        CHECK (session_id IS NULL OR (char_length(session_id) BETWEEN 1 AND 128));

-- The samples of one assistant's sessions, by session then time: the actors' seed reads the
-- sessions active in the last idle timeout, the history groups a date range by session.
CREATE INDEX usage_samples_sessions ON usage_samples (assistant_id, session_id, ts)
    WHERE session_id IS NOT NULL;
