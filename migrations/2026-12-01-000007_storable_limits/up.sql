-- The storable limit of one assistant's usage in one UTC day: every counter of its day row is at
-- most 2^59 (5.8e17: $576 million in nano-dollars, 5.8e17 tokens each way, 18 million years of
-- call time). A batch that would pass it is refused as a whole, and the hub answers the request
-- that carried it with 422 (the requests batched beside it are written on their own). The
-- minute, hour, breakdown and label rows of the day hold parts of the same samples, so they stay
-- below the same limit, and one assistant's live statistics (at most 8 days) stay below 2^62.
-- Sums over many days or assistants are computed in numeric by PostgreSQL and answered with 422
-- when they do not fit the API's 64-bit integers.
ALTER TABLE day_rollups
    ADD CONSTRAINT day_rollups_storable CHECK (
        samples <= 576460752303423488 AND calls <= 576460752303423488
        AND errors <= 576460752303423488 AND duration_ms <= 576460752303423488
        AND cost_nanos <= 576460752303423488 AND tokens_in <= 576460752303423488
        AND tokens_out <= 576460752303423488
    );
