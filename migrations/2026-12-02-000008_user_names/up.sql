-- A display name for each user (seed 000's user model): optional, trimmed by the application,
-- 1 to 100 characters when present.
ALTER TABLE users
    ADD COLUMN name TEXT CHECK (name IS NULL OR char_length(name) BETWEEN 1 AND 100);
