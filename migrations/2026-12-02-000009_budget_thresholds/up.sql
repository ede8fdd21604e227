-- Budget thresholds and domain budgets (issue #13).
--
-- thresholds: the percentages of the limit at which a budget raises an alert, sorted and
-- without repeats (the application sorts and de-duplicates; 1 to 10 values, each 1..=1000).
-- Budgets made before this migration get the default, 50/80/100 %, so in their current period
-- they may still raise the 50 % and 80 % alerts.
-- domain: a budget counting only the calls sent with that `domain` (label_rollups), or NULL for
-- all of the spend.
ALTER TABLE budgets
    ADD COLUMN thresholds INTEGER[] NOT NULL DEFAULT '{50,80,100}'
        CHECK (cardinality(thresholds) BETWEEN 1 AND 10
               AND array_position(thresholds, NULL) IS NULL
               AND 1 <= ALL (thresholds) AND 1000 >= ALL (thresholds)),
    ADD COLUMN domain TEXT CHECK (domain IS NULL OR char_length(domain) BETWEEN 1 AND 100);

-- One alert per budget, period and threshold: the unique key is what makes two hub nodes
-- checking the same budget at once raise it exactly once. Alerts stored before were raised at
-- the limit itself, i.e. at 100 %.
ALTER TABLE budget_alerts
    ADD COLUMN threshold INTEGER NOT NULL DEFAULT 100 CHECK (threshold BETWEEN 1 AND 1000);
ALTER TABLE budget_alerts ALTER COLUMN threshold DROP DEFAULT;
ALTER TABLE budget_alerts DROP CONSTRAINT budget_alerts_budget_id_period_start_key;
ALTER TABLE budget_alerts
    ADD CONSTRAINT budget_alerts_budget_id_period_start_threshold_key
        UNIQUE (budget_id, period_start, threshold);
