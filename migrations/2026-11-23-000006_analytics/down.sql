DROP TABLE budget_alerts;
DROP TABLE budgets;
DROP TABLE model_prices;
DROP TABLE label_rollups;
DROP TABLE breakdown_rollups;
DROP FUNCTION hist_add(BIGINT[], BIGINT[]);
DROP FUNCTION latency_bin(INTEGER);
