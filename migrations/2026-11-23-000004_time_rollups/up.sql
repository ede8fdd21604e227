-- Per-assistant totals per minute and per hour of per-call samples, maintained by the hub's
-- actors with additive upserts (like day_rollups). Daily records only feed day_rollups.
CREATE TABLE time_rollups (
    assistant_id  BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    -- Bucket width: 60 (minute) or 3600 (hour).
    width_seconds INTEGER     NOT NULL CHECK (width_seconds IN (60, 3600)),
    bucket        TIMESTAMPTZ NOT NULL,
    samples       BIGINT      NOT NULL CHECK (samples >= 0),
    calls         BIGINT      NOT NULL CHECK (calls >= 0),
    errors        BIGINT      NOT NULL CHECK (errors >= 0),
    duration_ms   BIGINT      NOT NULL CHECK (duration_ms >= 0),
    cost_nanos    BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    tokens_in     BIGINT      NOT NULL CHECK (tokens_in >= 0),
    tokens_out    BIGINT      NOT NULL CHECK (tokens_out >= 0),
    PRIMARY KEY (assistant_id, width_seconds, bucket)
);
