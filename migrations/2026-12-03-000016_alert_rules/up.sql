-- Error-rate and latency alert rules (issue #13).
--
-- A rule watches one assistant (or, assistant_id NULL, all of the owner's assistants together):
-- metric error_rate (errors × 100 / calls, in percent) or latency_p95 (ms, of the calls that
-- carry a latency) over the last window_minutes minutes; it fires when the value is above
-- threshold with at least min_calls calls in the window.
CREATE TABLE alert_rules (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    assistant_id BIGINT REFERENCES assistants (id) ON DELETE CASCADE,
    metric TEXT NOT NULL CHECK (metric IN ('error_rate', 'latency_p95')),
    threshold DOUBLE PRECISION NOT NULL CHECK (threshold >= 0 AND threshold <= 1e9),
    window_minutes INTEGER NOT NULL CHECK (window_minutes BETWEEN 1 AND 60),
    min_calls INTEGER NOT NULL CHECK (min_calls BETWEEN 1 AND 1000000),
    webhook_id BIGINT REFERENCES webhooks (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_owner ON alert_rules (owner_id);
CREATE INDEX alert_rules_assistant ON alert_rules (assistant_id);
CREATE INDEX alert_rules_webhook ON alert_rules (webhook_id);

-- One row per firing of a rule: raised when the value goes above the threshold, resolved
-- (resolved_at) when a later evaluation finds it at or under. At most one open firing per rule:
-- the partial unique index is what makes two hub nodes evaluating at once raise it exactly once.
-- The values are those of the evaluation that raised it (the rule may change later).
CREATE TABLE rule_alerts (
    id BIGSERIAL PRIMARY KEY,
    rule_id BIGINT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    assistant_id BIGINT NOT NULL REFERENCES assistants (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    threshold DOUBLE PRECISION NOT NULL,
    window_minutes INTEGER NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    calls BIGINT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    triggered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    resolved_at TIMESTAMPTZ,
    resolved_value DOUBLE PRECISION
);
CREATE UNIQUE INDEX rule_alerts_one_open ON rule_alerts (rule_id) WHERE resolved_at IS NULL;
CREATE INDEX rule_alerts_rule ON rule_alerts (rule_id, triggered_at DESC);

-- A delivery is of a budget alert or of a rule alert, never both.
ALTER TABLE webhook_deliveries
    ADD COLUMN rule_alert_id BIGINT UNIQUE REFERENCES rule_alerts (id) ON DELETE CASCADE,
    ADD CONSTRAINT webhook_deliveries_one_alert CHECK (num_nonnulls(budget_alert_id, rule_alert_id) = 1);
