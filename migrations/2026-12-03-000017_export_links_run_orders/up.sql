-- Signed export download links (issue #13) work once: a download records its link's id here.
-- A row is needed only while its link could still verify (60 s); the download that records a
-- use also deletes the rows of links long expired, so the table stays a few rows small.
CREATE TABLE export_link_uses (
    id TEXT PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The runs list's other orders (issue #13): slowest and most expensive first. Without these, a
-- page of one assistant's calls in those orders sorts every call of the range (on 2M calls,
-- 90 days: 265-350 ms against 0.3 ms with the index; newest first already has
-- usage_samples_assistant_ts). Each ends with the id, as the keyset cursor does. Partial: only
-- calls are listed. Views over several assistants scan either way (in every order, newest
-- first included): the ownership join does not let PostgreSQL merge per-assistant index scans.
CREATE INDEX usage_samples_assistant_latency ON usage_samples
    (assistant_id, (COALESCE(latency_ms, -1)) DESC, id DESC) WHERE kind = 'call';
CREATE INDEX usage_samples_assistant_cost ON usage_samples
    (assistant_id, cost_nanos DESC, id DESC) WHERE kind = 'call';
