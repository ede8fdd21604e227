ALTER TABLE day_rollups DROP CONSTRAINT day_rollups_storable;
