-- An administrator may disable a user: from `disabled_at` on, the user cannot log in, their
-- access tokens and their assistants' ingestion keys are refused. NULL: the account is active.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;
