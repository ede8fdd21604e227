DROP TABLE day_rollups;
DROP TABLE sample_client_ids;
DROP TABLE usage_samples;
