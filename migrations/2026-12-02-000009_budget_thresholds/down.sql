-- Back to one alert per budget and period: the alerts at the limit stay (those below it did
-- not exist before), then thresholds and domains go.
DELETE FROM budget_alerts a
WHERE EXISTS (SELECT 1 FROM budget_alerts b
              WHERE b.budget_id = a.budget_id AND b.period_start = a.period_start
                AND (abs(b.threshold - 100), b.threshold) < (abs(a.threshold - 100), a.threshold));
ALTER TABLE budget_alerts DROP CONSTRAINT budget_alerts_budget_id_period_start_threshold_key;
ALTER TABLE budget_alerts DROP COLUMN threshold;
ALTER TABLE budget_alerts ADD CONSTRAINT budget_alerts_budget_id_period_start_key
    UNIQUE (budget_id, period_start);
ALTER TABLE budgets DROP COLUMN domain, DROP COLUMN thresholds;
