-- Prices (issue #13): a version may price cache-read input tokens on their own (NULL: they are
-- billed as the input tokens they are part of), and a version may be one user's override of a
-- model's price (owner_id set: a custom contract; it prices that user's assistants' calls ahead
-- of the table, version by version like the table). owner_id NULL is the shared table.
ALTER TABLE model_prices
    ADD COLUMN cache_read_nanos_per_mtok BIGINT CHECK (cache_read_nanos_per_mtok >= 0),
    ADD COLUMN owner_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    DROP CONSTRAINT model_prices_model_effective_from_key,
    ADD CONSTRAINT model_prices_version UNIQUE NULLS NOT DISTINCT (owner_id, model, effective_from);
