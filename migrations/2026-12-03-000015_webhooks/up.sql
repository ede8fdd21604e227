-- Webhooks (issue #13): URLs the hub POSTs an alert to, signed with a per-webhook secret, and
-- the durable queue of those deliveries.
--
-- webhooks.secret: the HMAC-SHA256 key of the signature header. The hub must sign with it, so
-- it is stored as generated (not hashed); answers never show it except on creation and rotation.
CREATE TABLE webhooks (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url TEXT NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
    secret TEXT NOT NULL CHECK (char_length(secret) BETWEEN 32 AND 200),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    secret_rotated_at TIMESTAMPTZ
);
CREATE INDEX webhooks_owner ON webhooks (owner_id);

-- A budget's alerts go to this webhook too (deleting the webhook leaves the budget without one).
ALTER TABLE budgets ADD COLUMN webhook_id BIGINT REFERENCES webhooks (id) ON DELETE SET NULL;
CREATE INDEX budgets_webhook ON budgets (webhook_id);

-- One row per alert sent to a webhook, inserted in the transaction that raised the alert, so a
-- raised alert is never without its delivery and a restart (or another node) finishes it.
-- state: pending (to be tried at next_attempt_at), delivered (a 2xx answer), failed (every
-- attempt failed), dropped (not queued: the webhook had too many pending deliveries).
-- lease_until: a node trying the delivery holds it until then; others skip it (one node at a
-- time). payload: the exact body sent (and signed), the same on every attempt.
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    budget_alert_id BIGINT UNIQUE REFERENCES budget_alerts (id) ON DELETE CASCADE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ,
    lease_until TIMESTAMPTZ,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, state);
