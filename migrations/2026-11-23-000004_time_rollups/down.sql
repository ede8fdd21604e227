DROP TABLE time_rollups;
