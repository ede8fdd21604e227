DROP INDEX usage_samples_assistant_cost;
DROP INDEX usage_samples_assistant_latency;
DROP TABLE export_link_uses;
