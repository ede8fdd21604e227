DROP TABLE budget_alerts;
DROP TABLE budgets;
DROP TABLE model_prices;
DROP TABLE label_rollups;
DROP TABLE breakdown_rollups;
DROP FUNCTION hist_first(INTEGER, BIGINT[], INTEGER, BIGINT[]);
DROP FUNCTION hist_add(INTEGER, BIGINT[], INTEGER, BIGINT[]);
DROP FUNCTION latency_bin(INTEGER);
