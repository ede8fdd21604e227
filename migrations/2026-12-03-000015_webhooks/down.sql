DROP TABLE webhook_deliveries;
ALTER TABLE budgets DROP COLUMN webhook_id;
DROP TABLE webhooks;
