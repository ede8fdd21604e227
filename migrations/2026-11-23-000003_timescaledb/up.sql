-- Turn usage_samples into a TimescaleDB hypertable when the extension can be loaded.
-- On plain PostgreSQL (no extension, or not in shared_preload_libraries) nothing changes
-- and usage_samples stays an ordinary table: both paths are valid deployments.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
       AND coalesce(current_setting('shared_preload_libraries', true), '') LIKE '%timescaledb%'
    THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        PERFORM create_hypertable('usage_samples', 'ts',
                                  chunk_time_interval => INTERVAL '1 day',
                                  migrate_data => true,
                                  if_not_exists => true);
    ELSE
        RAISE NOTICE 'timescaledb is not available: usage_samples stays a plain table';
    END IF;
END
$$;
