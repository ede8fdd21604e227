-- Minute rollups are kept for a limited time (retention, `APP_RETENTION__MINUTE_ROLLUP_DAYS`):
-- the cleanup deletes the minute rows older than a cutoff, which this index finds without
-- scanning the hour rows or the whole table.
CREATE INDEX time_rollups_minute_bucket ON time_rollups (bucket) WHERE width_seconds = 60;
