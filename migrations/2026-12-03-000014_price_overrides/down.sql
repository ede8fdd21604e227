DELETE FROM model_prices WHERE owner_id IS NOT NULL;
ALTER TABLE model_prices
    DROP CONSTRAINT model_prices_version,
    DROP COLUMN owner_id,
    DROP COLUMN cache_read_nanos_per_mtok,
    ADD CONSTRAINT model_prices_model_effective_from_key UNIQUE (model, effective_from);
