ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_one_alert;
ALTER TABLE webhook_deliveries DROP COLUMN rule_alert_id;
DROP TABLE rule_alerts;
DROP TABLE alert_rules;
