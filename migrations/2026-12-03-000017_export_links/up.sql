-- Signed export download links (issue #13) work once: a download records its link's id here.
-- A row is needed only while its link could still verify (60 s); the download that records a
-- use also deletes the rows of links long expired, so the table stays a few rows small.
CREATE TABLE export_link_uses (
    id TEXT PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 64),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
