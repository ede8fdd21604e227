-- A hypertable cannot be turned back into a plain table in place; the previous
-- migration's down.sql drops it either way, so there is nothing to undo here.
SELECT 1;
