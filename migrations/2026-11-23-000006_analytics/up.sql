-- Analytics rollups, prices and budgets.
--
-- breakdown_rollups: per assistant, hour or day, model and status, the additive totals plus a
-- latency histogram. Histograms add bin by bin, so percentiles stay correct when buckets,
-- models or assistants are combined. label_rollups: calls per status code, country and domain.
-- Both are maintained by the hub's actors with additive upserts, like day_rollups.

-- The histogram bin of a latency: bin 0 holds 0 ms, bin i holds [bound[i], bound[i+1]) with
-- bounds round(2^(j/4)) ms (85 bins, at most ~19% wide). hub::latency::BOUNDS is the same list.
CREATE FUNCTION latency_bin(ms INTEGER) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN width_bucket(ms, ARRAY[1,2,3,4,5,6,7,8,10,11,13,16,19,23,27,32,38,45,54,64,76,91,108,128,152,181,215,256,304,362,431,512,609,724,861,1024,1218,1448,1722,2048,2435,2896,3444,4096,4871,5793,6889,8192,9742,11585,13777,16384,19484,23170,27554,32768,38968,46341,55109,65536,77936,92682,110218,131072,155872,185364,220436,262144,311744,370728,440872,524288,623487,741455,881744,1048576,1246974,1482910,1763488,2097152,2493948,2965821,3526975,4194304]::integer[]);

-- Histograms are stored trimmed: the counts from the first to the last non-empty bin, and the
-- index of the first one (an empty histogram is '{}'). Most calls fall in a dozen bins, so rows
-- stay small and cheap to read. hist_add is the bin-by-bin sum of two such histograms,
-- hist_first the first bin of that sum.
CREATE FUNCTION hist_add(a_first INTEGER, a BIGINT[], b_first INTEGER, b BIGINT[]) RETURNS BIGINT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN cardinality(a) = 0 THEN b
    WHEN cardinality(b) = 0 THEN a
    ELSE (SELECT array_agg(coalesce(x.v, 0) + coalesce(y.v, 0) ORDER BY i)
          FROM generate_series(least(a_first, b_first),
                               greatest(a_first + cardinality(a), b_first + cardinality(b)) - 1) AS i
          LEFT JOIN unnest(a) WITH ORDINALITY AS x (v, o) ON x.o = i - a_first + 1
          LEFT JOIN unnest(b) WITH ORDINALITY AS y (v, o) ON y.o = i - b_first + 1)
END;

CREATE FUNCTION hist_first(a_first INTEGER, a BIGINT[], b_first INTEGER, b BIGINT[]) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN cardinality(a) = 0 THEN b_first
    WHEN cardinality(b) = 0 THEN a_first
    ELSE least(a_first, b_first)
END;

CREATE TABLE breakdown_rollups (
    assistant_id   BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    -- 3600 (per-call samples by hour) or 86400 (all samples by UTC day).
    width_seconds  INTEGER     NOT NULL CHECK (width_seconds IN (3600, 86400)),
    bucket         TIMESTAMPTZ NOT NULL,
    -- '' when the samples named no model / status (daily records).
    model          TEXT        NOT NULL,
    status         TEXT        NOT NULL CHECK (status IN ('', 'success', 'error')),
    samples        BIGINT      NOT NULL CHECK (samples >= 0),
    calls          BIGINT      NOT NULL CHECK (calls >= 0),
    errors         BIGINT      NOT NULL CHECK (errors >= 0),
    duration_ms    BIGINT      NOT NULL CHECK (duration_ms >= 0),
    cost_nanos     BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    tokens_in      BIGINT      NOT NULL CHECK (tokens_in >= 0),
    tokens_out     BIGINT      NOT NULL CHECK (tokens_out >= 0),
    -- Calls that reported a latency, the sum of those latencies, and their histogram: counts
    -- of bins latency_first_bin, latency_first_bin + 1, ... (trimmed, see hist_add).
    latency_calls     BIGINT      NOT NULL CHECK (latency_calls >= 0),
    latency_sum_ms    BIGINT      NOT NULL CHECK (latency_sum_ms >= 0),
    latency_first_bin INTEGER     NOT NULL CHECK (latency_first_bin >= 0),
    latency_bins      BIGINT[]    NOT NULL,
    PRIMARY KEY (assistant_id, width_seconds, bucket, model, status)
);

CREATE TABLE label_rollups (
    assistant_id  BIGINT      NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    width_seconds INTEGER     NOT NULL CHECK (width_seconds IN (3600, 86400)),
    bucket        TIMESTAMPTZ NOT NULL,
    dimension     TEXT        NOT NULL CHECK (dimension IN ('status_code', 'country', 'domain')),
    label         TEXT        NOT NULL,
    calls         BIGINT      NOT NULL CHECK (calls >= 0),
    errors        BIGINT      NOT NULL CHECK (errors >= 0),
    cost_nanos    BIGINT      NOT NULL CHECK (cost_nanos >= 0),
    PRIMARY KEY (assistant_id, width_seconds, bucket, dimension, label)
);

-- Rollups of the samples stored before this migration.
INSERT INTO breakdown_rollups
SELECT assistant_id, w.width, to_timestamp(floor(extract(epoch FROM ts) / w.width) * w.width),
       coalesce(model, ''), coalesce(status, ''), count(*), sum(calls), sum(errors),
       sum(duration_ms), sum(cost_nanos), sum(tokens_in), sum(tokens_out),
       count(latency_ms), coalesce(sum(latency_ms), 0), 0, '{}'
FROM usage_samples
CROSS JOIN (VALUES (3600), (86400)) AS w (width)
WHERE kind = 'call' OR w.width = 86400
GROUP BY 1, 2, 3, 4, 5;

WITH counted AS (
    SELECT assistant_id, w.width,
           to_timestamp(floor(extract(epoch FROM ts) / w.width) * w.width) AS bucket,
           coalesce(model, '') AS model, coalesce(status, '') AS status,
           latency_bin(latency_ms) AS bin, count(*) AS n
    FROM usage_samples CROSS JOIN (VALUES (3600), (86400)) AS w (width)
    WHERE latency_ms IS NOT NULL AND (kind = 'call' OR w.width = 86400)
    GROUP BY 1, 2, 3, 4, 5, 6
),
spans AS (
    SELECT assistant_id, width, bucket, model, status, min(bin) AS lo, max(bin) AS hi
    FROM counted GROUP BY 1, 2, 3, 4, 5
),
histograms AS (
    SELECT s.assistant_id, s.width, s.bucket, s.model, s.status, s.lo,
           array_agg(coalesce(c.n, 0) ORDER BY b.bin) AS bins
    FROM spans s
    CROSS JOIN LATERAL generate_series(s.lo, s.hi) AS b (bin)
    LEFT JOIN counted c ON (c.assistant_id, c.width, c.bucket, c.model, c.status, c.bin)
                         = (s.assistant_id, s.width, s.bucket, s.model, s.status, b.bin)
    GROUP BY 1, 2, 3, 4, 5, 6
)
UPDATE breakdown_rollups r
SET latency_first_bin = h.lo, latency_bins = h.bins
FROM histograms h
WHERE (r.assistant_id, r.width_seconds, r.bucket, r.model, r.status)
    = (h.assistant_id, h.width, h.bucket, h.model, h.status);

INSERT INTO label_rollups
SELECT assistant_id, w.width, to_timestamp(floor(extract(epoch FROM ts) / w.width) * w.width),
       l.dimension, l.label, sum(calls), sum(errors), sum(cost_nanos)
FROM usage_samples
CROSS JOIN (VALUES (3600), (86400)) AS w (width)
CROSS JOIN LATERAL (VALUES ('status_code', status_code::text), ('country', country),
                           ('domain', domain)) AS l (dimension, label)
WHERE kind = 'call' AND l.label IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

-- Model prices, versioned: the version in force at a sample's time prices it when the client
-- sent tokens but no cost. Nano-dollars per million tokens.
CREATE TABLE model_prices (
    id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model                  TEXT        NOT NULL CHECK (char_length(model) BETWEEN 1 AND 100),
    effective_from         TIMESTAMPTZ NOT NULL,
    input_nanos_per_mtok   BIGINT      NOT NULL CHECK (input_nanos_per_mtok >= 0),
    output_nanos_per_mtok  BIGINT      NOT NULL CHECK (output_nanos_per_mtok >= 0),
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (model, effective_from)
);

-- Spending limits of a user (all assistants, assistant_id NULL) or of one assistant.
CREATE TABLE budgets (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assistant_id BIGINT      REFERENCES assistants (id) ON DELETE CASCADE,
    period       TEXT        NOT NULL CHECK (period IN ('daily', 'monthly')),
    limit_nanos  BIGINT      NOT NULL CHECK (limit_nanos > 0),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX budgets_owner ON budgets (owner_id);
CREATE INDEX budgets_assistant ON budgets (assistant_id);

-- Every time a budget was exceeded: at most one alert per budget and period.
CREATE TABLE budget_alerts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    budget_id    BIGINT      NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
    period_start DATE        NOT NULL,
    spent_nanos  BIGINT      NOT NULL,
    limit_nanos  BIGINT      NOT NULL,
    triggered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (budget_id, period_start)
);
