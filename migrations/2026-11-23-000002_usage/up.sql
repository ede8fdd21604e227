-- Usage: every ingested item is a sample of one assistant at one instant, either a single
-- call (calls = 1) or a pre-aggregated daily record. Money is integer nano-dollars and time
-- integer milliseconds so that sums are exact and additive across hub nodes.
CREATE TABLE usage_samples (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    assistant_id BIGINT     NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    ts          TIMESTAMPTZ NOT NULL,
    kind        TEXT        NOT NULL CHECK (kind IN ('call', 'daily')),
    calls       BIGINT      NOT NULL CHECK (calls >= 0),
    errors      BIGINT      NOT NULL DEFAULT 0 CHECK (errors >= 0 AND errors <= calls),
    duration_ms BIGINT      NOT NULL CHECK (duration_ms >= 0),
    cost_nanos  BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    tokens_in   BIGINT      NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out  BIGINT      NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    model       TEXT,
    status      TEXT,
    status_code SMALLINT,
    latency_ms  INTEGER CHECK (latency_ms >= 0),
    country     TEXT,
    domain      TEXT,
    metadata    JSONB,
    client_id   TEXT,
    ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The partitioning column must be part of every unique index of a hypertable.
    PRIMARY KEY (id, ts)
);
CREATE INDEX usage_samples_assistant_ts ON usage_samples (assistant_id, ts DESC);

-- Client ids of samples already stored, so a retried sample is stored once. A table of its
-- own because a hypertable cannot carry a unique index without the time column.
CREATE TABLE sample_client_ids (
    assistant_id BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    client_id    TEXT        NOT NULL CHECK (char_length(client_id) BETWEEN 1 AND 128),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (assistant_id, client_id)
);

-- Per-assistant, per-UTC-day totals, maintained with additive upserts
-- (ON CONFLICT ... DO UPDATE SET calls = day_rollups.calls + EXCLUDED.calls, ...).
CREATE TABLE day_rollups (
    assistant_id BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    day          DATE        NOT NULL,
    samples      BIGINT      NOT NULL CHECK (samples >= 0),
    calls        BIGINT      NOT NULL CHECK (calls >= 0),
    errors       BIGINT      NOT NULL CHECK (errors >= 0),
    duration_ms  BIGINT      NOT NULL CHECK (duration_ms >= 0),
    cost_nanos   BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    tokens_in    BIGINT      NOT NULL CHECK (tokens_in >= 0),
    tokens_out   BIGINT      NOT NULL CHECK (tokens_out >= 0),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (assistant_id, day)
);
