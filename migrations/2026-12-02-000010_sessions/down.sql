DROP INDEX IF EXISTS usage_samples_sessions;
ALTER TABLE usage_samples DROP COLUMN session_id;
