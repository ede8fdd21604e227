-- Ingestion API keys: machine clients send usage for one assistant without a user password.
-- Only a SHA-256 digest of the key is stored (keys are 160-bit random, so a fast digest is
-- enough); the key itself is shown once, at creation.
CREATE TABLE ingest_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assistant_id BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    prefix       TEXT        NOT NULL,
    key_hash     TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX ingest_keys_assistant ON ingest_keys (assistant_id);
