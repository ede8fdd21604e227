-- Sources (issue #16): metrics pulled on a schedule from external APIs, transformed by a jq
-- program written once per template, stored as one generic series of points.
--
-- Templates are files in the repository (templates/*.toml); the database refers to them by id.

-- A user's credentials for one integration (github, youtube, posthog, sheets, http). The
-- secret is encrypted at rest with the key in settings (nonce || AES-256-GCM ciphertext) and is
-- never returned; secret_hint is its last characters, to tell connections apart.
CREATE TABLE connections (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    integration TEXT NOT NULL CHECK (integration ~ '^[a-z][a-z0-9_-]{0,39}$'),
    name TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    secret BYTEA NOT NULL,
    secret_hint TEXT NOT NULL CHECK (char_length(secret_hint) <= 8),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX connections_owner ON connections (owner_id);

-- A user's instance of a template: its parameters, its connection and how often it is polled.
-- next_poll_at: when the scheduler polls it next (NULL: manual, polled only on refresh).
-- lease_until: a node polling it holds it until then; others skip it (FOR UPDATE SKIP LOCKED
-- claims set it), so several nodes never poll one source twice.
-- consecutive_failures: polls failed in a row (a success resets it); retries wait now, 1 h, 6 h.
-- sample: the last raw response (bounded), shown when writing a transformer.
CREATE TABLE sources (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    template_id TEXT NOT NULL CHECK (template_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name TEXT NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    connection_id BIGINT REFERENCES connections (id) ON DELETE RESTRICT,
    frequency TEXT NOT NULL
        CHECK (frequency IN ('frequent', 'hourly', 'daily', 'weekly', 'manual')),
    is_time_series BOOLEAN NOT NULL,
    next_poll_at TIMESTAMPTZ,
    lease_until TIMESTAMPTZ,
    last_fetched_at TIMESTAMPTZ,
    last_error TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    backfilled_at TIMESTAMPTZ,
    sample JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sources_owner ON sources (owner_id);
CREATE INDEX sources_due ON sources (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX sources_connection ON sources (connection_id);

-- The jq program that turns a template's raw response into points, one per template and
-- endpoint (historical, polling), shared by every user of the template. The generic JSON
-- template's responses differ per URL, so its transformers belong to one source (source_id).
-- origin: template (from the template file), generated (by the configured LLM endpoint),
-- user (written in the UI). status: active (at most one per template, endpoint and source),
-- deprecated (replaced by a newer version), failed (broke three polls in a row and could not
-- be regenerated). input_example / output_example: the response it was written against and
-- what it made of it.
CREATE TABLE transformers (
    id BIGSERIAL PRIMARY KEY,
    template_id TEXT NOT NULL CHECK (template_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    endpoint TEXT NOT NULL CHECK (endpoint IN ('historical', 'polling')),
    source_id BIGINT REFERENCES sources (id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    program TEXT NOT NULL CHECK (char_length(program) BETWEEN 1 AND 20000),
    origin TEXT NOT NULL CHECK (origin IN ('template', 'generated', 'user')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deprecated', 'failed')),
    failure_count INTEGER NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
    input_example JSONB,
    output_example JSONB,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (template_id, endpoint, source_id, version)
);
CREATE UNIQUE INDEX transformers_one_active
    ON transformers (template_id, endpoint, coalesce(source_id, 0)) WHERE status = 'active';

-- Every source's history, one table for all of them: one primary value per source and time,
-- with optional dimensions (e.g. deletions next to additions). Time series accumulate (upsert
-- on the key); a snapshot source's points are replaced in one transaction.
CREATE TABLE points (
    source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    ts TIMESTAMPTZ NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    dimensions JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (source_id, ts)
);

-- A user's chart of a source. dimensions: the dimension keys plotted next to the value.
CREATE TABLE widgets (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_id BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    chart_type TEXT NOT NULL CHECK (chart_type IN ('line', 'bar', 'area', 'pie', 'kpi')),
    date_range TEXT NOT NULL CHECK (date_range IN ('7d', '30d', '90d', 'all')),
    aggregation TEXT NOT NULL CHECK (aggregation IN ('none', 'sum', 'avg', 'max')),
    bucket TEXT NOT NULL CHECK (bucket IN ('day', 'week', 'month')),
    dimensions JSONB NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(dimensions) = 'array'),
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX widgets_owner ON widgets (owner_id, position);
CREATE INDEX widgets_source ON widgets (source_id);

-- points becomes a TimescaleDB hypertable when the extension is loaded (as usage_samples does,
-- migration 000003); on plain PostgreSQL it stays an ordinary table.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        PERFORM create_hypertable('points', 'ts',
                                  chunk_time_interval => INTERVAL '30 days',
                                  migrate_data => true,
                                  if_not_exists => true);
    ELSE
        RAISE NOTICE 'timescaledb is not loaded: points stays a plain table';
    END IF;
END
$$;
